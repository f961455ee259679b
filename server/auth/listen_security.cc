#include "server/auth/listen_security.h"

#include <arpa/inet.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hyperd::server::auth {
namespace {

// The host part of host:port, without IPv6 brackets.
std::string HostOf(absl::string_view listen) {
  if (absl::ConsumePrefix(&listen, "ipv4:") || absl::ConsumePrefix(&listen, "ipv6:") ||
      absl::ConsumePrefix(&listen, "dns:")) {
    absl::ConsumePrefix(&listen, "///");
  }
  if (absl::StartsWith(listen, "[")) {
    const size_t close = listen.find(']');
    return std::string(close == absl::string_view::npos ? listen.substr(1)
                                                        : listen.substr(1, close - 1));
  }
  const size_t colon = listen.rfind(':');
  return std::string(colon == absl::string_view::npos ? listen : listen.substr(0, colon));
}

}  // namespace

bool IsLoopbackListen(absl::string_view listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) {
    return true;
  }
  const std::string host = absl::AsciiStrToLower(HostOf(listen));
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

absl::Status CheckListenSecurity(const ListenSecurity& s) {
  if (s.tls_cert_file.empty() != s.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert-file and --tls-key-file go together: give both (TLS) or neither");
  }
  const bool tls = !s.tls_cert_file.empty();
  if (!s.tls_client_ca_file.empty() && !tls) {
    return absl::InvalidArgumentError(
        "--tls-client-ca-file (client certificates) needs TLS: also give --tls-cert-file and "
        "--tls-key-file");
  }
  if (s.allow_insecure_remote) return absl::OkStatus();
  if (s.dashboard && !s.http_listen.empty() && !IsLoopbackListen(s.http_listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics-listen=", s.http_listen,
        " is not a loopback address, and the dashboard on that port would send study data and "
        "tokens in plaintext HTTP; keep the port on 127.0.0.1 (reach it through a TLS proxy or an "
        "SSH tunnel), pass --dashboard=false to serve only /metrics there, or pass "
        "--allow-insecure-remote on a trusted network"));
  }
  if (IsLoopbackListen(s.listen)) return absl::OkStatus();
  if (!tls) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen=", s.listen,
        " is not a loopback address, and without --tls-cert-file/--tls-key-file tokens and data "
        "would cross the network in plaintext; give a certificate (scripts/dev-certs makes test "
        "ones), listen on 127.0.0.1, or pass --allow-insecure-remote on a trusted network"));
  }
  if (s.auth_token_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen=", s.listen,
        " is not a loopback address, and without --auth-token-file anyone who can reach it may "
        "create and delete studies; give a token file (docs/security.md), listen on 127.0.0.1, "
        "or pass --allow-insecure-remote on a trusted network"));
  }
  return absl::OkStatus();
}

}  // namespace hyperd::server::auth
