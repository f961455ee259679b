#include "client/cpp/channel_security.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hyperd {
namespace {

// The whole PEM file at `path`; `field` names the option in errors.
absl::StatusOr<std::string> ReadPemFile(absl::string_view field, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("ClientOptions.", field, ": cannot read ",
                                                   path, ": ", std::strerror(errno),
                                                   "; give the path of a readable PEM file"));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ClientOptions.", field, ": reading ", path, " failed"));
  }
  if (!absl::StrContains(contents.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat("ClientOptions.", field, ": ", path,
                     " holds no PEM block (\"-----BEGIN ...\"); give a PEM-encoded ",
                     field == "tls_key_file" ? "private key" : "certificate"));
  }
  return contents.str();
}

}  // namespace

bool WantsTls(const ClientOptions& options) {
  return options.tls || !options.tls_ca_file.empty() || !options.tls_cert_file.empty() ||
         !options.tls_key_file.empty();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientOptions& options) {
  if (options.credentials != nullptr) {
    if (WantsTls(options)) {
      return absl::InvalidArgumentError(
          "ClientOptions.credentials is set together with tls/tls_ca_file/tls_cert_file/"
          "tls_key_file; set either the credentials or the TLS fields, not both");
    }
    return options.credentials;
  }
  if (!WantsTls(options)) return grpc::InsecureChannelCredentials();
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ClientOptions.", options.tls_cert_file.empty() ? "tls_key_file" : "tls_cert_file",
        " is set without ", options.tls_cert_file.empty() ? "tls_cert_file" : "tls_key_file",
        "; a client certificate needs both the certificate and its private key"));
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.tls_ca_file.empty()) {
    absl::StatusOr<std::string> roots = ReadPemFile("tls_ca_file", options.tls_ca_file);
    if (!roots.ok()) return roots.status();
    ssl.pem_root_certs = *std::move(roots);
  }
  if (!options.tls_cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPemFile("tls_cert_file", options.tls_cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPemFile("tls_key_file", options.tls_key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

absl::Status CheckToken(absl::string_view token, absl::string_view source) {
  for (size_t i = 0; i < token.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c > 0x20 && c < 0x7f) continue;
    const char* what = "a non-printable";
    if (c == '\n' || c == '\r') what = "a line break";
    if (c == ' ') what = "a space";
    // Never echo the token: it is a secret.
    return absl::InvalidArgumentError(
        absl::StrCat(source, " holds ", what, " character at position ", i + 1,
                     "; a token is printable ASCII without spaces (strip trailing newlines)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveToken(const std::optional<std::string>& token) {
  if (token.has_value()) {
    if (absl::Status status = CheckToken(*token, "ClientOptions.token"); !status.ok()) {
      return status;
    }
    return *token;
  }
  const char* from_environment = std::getenv(kTokenEnvironmentVariable);
  if (from_environment == nullptr) return std::string();
  if (absl::Status status = CheckToken(from_environment, absl::StrCat("$", kTokenEnvironmentVariable));
      !status.ok()) {
    return status;
  }
  return std::string(from_environment);
}

}  // namespace hyperd
