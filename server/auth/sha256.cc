#include "server/auth/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace hyperd::server::auth {

Sha256Digest Sha256(absl::string_view data) {
  Sha256Digest digest{};
  unsigned int size = 0;
  // EVP_Digest with SHA-256 cannot fail for in-memory data short of allocation failure, which
  // OpenSSL reports by aborting anyway.
  EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return digest;
}

std::optional<Sha256Digest> ParseSha256Hex(absl::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Sha256Digest digest{};
  for (size_t i = 0; i < 64; ++i) {
    const char c = hex[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    digest[i / 2] = static_cast<uint8_t>(i % 2 == 0 ? v << 4 : digest[i / 2] | v);
  }
  return digest;
}

std::string Sha256Hex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (uint8_t b : digest) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xf]);
  }
  return hex;
}

bool DigestsEqual(const Sha256Digest& a, const Sha256Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hyperd::server::auth
