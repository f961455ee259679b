// Invariant checks for fuzz targets: a violated invariant aborts, which libFuzzer reports as a
// crash (with the input that caused it) and the replay test reports as a failure.
#ifndef HYPERD_FUZZ_FUZZ_CHECK_H_
#define HYPERD_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"

namespace hyperd::fuzz {

inline void Check(bool condition, const char* invariant) {
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", invariant);
    std::abort();
  }
}

inline void CheckStatus(const absl::Status& status, const char* invariant) {
  if (!status.ok()) {
    std::fprintf(stderr, "fuzz invariant violated: %s: %s\n", invariant, status.ToString().c_str());
    std::abort();
  }
}

// Every error the API returns says what was wrong (the error-message contract).
inline void CheckErrorHasMessage(const absl::Status& status) {
  Check(status.ok() || !status.message().empty(), "an error status has a message");
}

}  // namespace hyperd::fuzz

#endif  // HYPERD_FUZZ_FUZZ_CHECK_H_
