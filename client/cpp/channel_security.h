// How a Client proves who it is to hyperd: the channel's transport security (plaintext, TLS with
// the system's or given roots, mutual TLS with a client certificate) and the bearer token sent
// as "authorization: Bearer <token>" on every call.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
//                    MakeChannelCredentials(options));
//   ASSIGN_OR_RETURN(std::string token, ResolveToken(options.token));
//
// Errors are INVALID_ARGUMENT naming the ClientOptions field (and the file, for certificates).
#ifndef HYPERD_CLIENT_CPP_CHANNEL_SECURITY_H_
#define HYPERD_CLIENT_CPP_CHANNEL_SECURITY_H_

#include <grpcpp/security/credentials.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/cpp/hyperd_client.h"

namespace hyperd {

// Where a token comes from when ClientOptions::token is not set.
inline constexpr char kTokenEnvironmentVariable[] = "HYPERD_TOKEN";

// The credentials the channel uses, from ClientOptions:
// - `credentials` when set (and then no tls* field may be set: they would be ignored);
// - TLS when `tls` is true or any of tls_ca_file, tls_cert_file, tls_key_file is set: the server
//   is checked against the PEM roots in tls_ca_file, or the system's roots when it is empty; with
//   tls_cert_file and tls_key_file (both or neither) the client presents that certificate (mTLS);
// - plaintext otherwise.
// Certificate files are read here, once: INVALID_ARGUMENT names the field and the file when one
// cannot be read or holds no PEM block.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientOptions& options);

// Whether the options ask for TLS (see MakeChannelCredentials).
bool WantsTls(const ClientOptions& options);

// The token to send: `token` when set (an empty string meaning "send none"), otherwise
// $HYPERD_TOKEN if set, otherwise none (""). INVALID_ARGUMENT, naming where the token came from
// but never echoing it, when it holds anything but printable ASCII without spaces (gRPC metadata
// cannot carry it, and a pasted token with a stray newline is better refused here than by the
// server).
absl::StatusOr<std::string> ResolveToken(const std::optional<std::string>& token);

// OK when `token` is empty or printable ASCII without spaces; `source` names it in the error
// (e.g. "ClientOptions.token", "$HYPERD_TOKEN", "--token").
absl::Status CheckToken(absl::string_view token, absl::string_view source);

}  // namespace hyperd

#endif  // HYPERD_CLIENT_CPP_CHANNEL_SECURITY_H_
