// Bearer tokens for hyperd's --auth-token-file, made and hashed on the operator's side
// (`hyperctl admin hash-token`). The server stores only digests, one token a line:
//
//   <name> <role> sha256:<64 lowercase hex> [studies=...] [expires=...]
//
//   ASSIGN_OR_RETURN(std::string line, TokenDigest("s3cret"));  // "sha256:<hex>"
#ifndef HYPERD_CLIENT_CLI_TOKEN_HASH_H_
#define HYPERD_CLIENT_CLI_TOKEN_HASH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperd::cli {

// "sha256:" followed by the 64 lowercase hex digits of SHA-256(token), over exactly the bytes
// given: the hex is what `printf %s "$TOKEN" | sha256sum` prints. INTERNAL if OpenSSL fails.
absl::StatusOr<std::string> TokenDigest(absl::string_view token);

// A new token: 32 bytes from /dev/urandom as 64 lowercase hex digits (safe in gRPC metadata,
// shells and files). INTERNAL when /dev/urandom cannot be read.
absl::StatusOr<std::string> GenerateToken();

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_TOKEN_HASH_H_
