// gRPC server credentials from the --tls-* flags: plaintext without a certificate, TLS with one,
// and mTLS (client certificate required and verified) with a client CA bundle.
#ifndef HYPERD_SERVER_AUTH_SERVER_CREDENTIALS_H_
#define HYPERD_SERVER_AUTH_SERVER_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace hyperd::server::auth {

// All paths empty: insecure (plaintext) credentials. Otherwise reads the PEM files and checks
// that the certificate parses, the key parses and matches it, and the CA bundle holds at least
// one certificate; errors name the flag and the file.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file);

}  // namespace hyperd::server::auth

#endif  // HYPERD_SERVER_AUTH_SERVER_CREDENTIALS_H_
