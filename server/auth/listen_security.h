// The start-up rules that keep an open API off the network: hyperd listens on a non-loopback
// address only with TLS and tokens, unless the operator forces it with --allow-insecure-remote.
#ifndef HYPERD_SERVER_AUTH_LISTEN_SECURITY_H_
#define HYPERD_SERVER_AUTH_LISTEN_SECURITY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hyperd::server::auth {

struct ListenSecurity {
  std::string listen;              // --listen, host:port ("[::1]:port" for IPv6)
  std::string tls_cert_file;       // --tls-cert-file
  std::string tls_key_file;        // --tls-key-file
  std::string tls_client_ca_file;  // --tls-client-ca-file
  std::string auth_token_file;     // --auth-token-file
  bool allow_insecure_remote = false;
  std::string http_listen;         // --metrics-listen ("" when off)
  bool dashboard = false;          // --dashboard: study data on the HTTP port
};

// True for 127.0.0.0/8, ::1 and localhost (and unix: sockets, which are local by nature).
// "0.0.0.0", "[::]" and an empty host listen on every interface: not loopback.
bool IsLoopbackListen(absl::string_view listen);

// INVALID_ARGUMENT naming the flags when: only one of the certificate and key is given; a client
// CA is given without a server certificate; or the address is not loopback and TLS or the token
// file is missing without allow_insecure_remote; or the dashboard (study data, plain HTTP) would be
// served on a non-loopback http_listen without allow_insecure_remote. /metrics alone may be
// remote: it holds counts, not study data.
absl::Status CheckListenSecurity(const ListenSecurity& security);

}  // namespace hyperd::server::auth

#endif  // HYPERD_SERVER_AUTH_LISTEN_SECURITY_H_
