#include "client/cli/token_hash.h"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hyperd::cli {
namespace {

constexpr size_t kTokenBytes = 32;

std::string LowerHex(const unsigned char* data, size_t size) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(data), size));  // lowercase
}

}  // namespace

absl::StatusOr<std::string> TokenDigest(absl::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 ||
      size != 32) {
    return absl::InternalError("OpenSSL could not compute a SHA-256 digest (EVP_Digest failed)");
  }
  return absl::StrCat("sha256:", LowerHex(digest.data(), size));
}

absl::StatusOr<std::string> GenerateToken() {
  std::FILE* urandom = std::fopen("/dev/urandom", "rb");
  if (urandom == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot open /dev/urandom: ", std::strerror(errno)));
  }
  std::array<unsigned char, kTokenBytes> bytes{};
  const size_t read = std::fread(bytes.data(), 1, bytes.size(), urandom);
  std::fclose(urandom);
  if (read != bytes.size()) {
    return absl::InternalError(absl::StrCat("read ", read, " of ", bytes.size(),
                                            " random bytes from /dev/urandom"));
  }
  return LowerHex(bytes.data(), bytes.size());
}

}  // namespace hyperd::cli
