// SHA-256 digests of bearer tokens (OpenSSL EVP) and their constant-time comparison.
#ifndef HYPERD_SERVER_AUTH_SHA256_H_
#define HYPERD_SERVER_AUTH_SHA256_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace hyperd::server::auth {

using Sha256Digest = std::array<uint8_t, 32>;

// The digest of `data`; what `printf %s "$DATA" | sha256sum` prints, as bytes.
Sha256Digest Sha256(absl::string_view data);

// 64 lowercase hex digits -> digest; nullopt for anything else (length, case, non-hex).
std::optional<Sha256Digest> ParseSha256Hex(absl::string_view hex);
std::string Sha256Hex(const Sha256Digest& digest);

// True when equal; takes the same time whatever the contents (CRYPTO_memcmp), so a caller
// comparing a presented token's digest leaks nothing through timing.
bool DigestsEqual(const Sha256Digest& a, const Sha256Digest& b);

}  // namespace hyperd::server::auth

#endif  // HYPERD_SERVER_AUTH_SHA256_H_
