// Inflates a gzip body in tests, with zlib directly, so tests check the server's compression
// against an independent decoder call.
#ifndef HYPERD_TESTS_TESTING_GUNZIP_H_
#define HYPERD_TESTS_TESTING_GUNZIP_H_

#include <optional>
#include <string>

namespace hyperd::testing {

// The inflated bytes, or nullopt when `gzip` is not one complete gzip stream.
std::optional<std::string> Gunzip(const std::string& gzip);

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_TESTING_GUNZIP_H_
