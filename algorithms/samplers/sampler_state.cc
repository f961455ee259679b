#include "algorithms/samplers/sampler_state.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hyperd::algorithms {
namespace {
constexpr absl::string_view kPrefix = "next_index=";
}  // namespace

absl::StatusOr<uint64_t> ParseNextIndexState(absl::string_view state) {
  if (state.empty()) return 0;
  uint64_t next_index = 0;
  if (!absl::StartsWith(state, kPrefix) ||
      !absl::SimpleAtoi(state.substr(kPrefix.size()), &next_index)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sampler state: '", state, "' is not a counting sampler's state (expected '",
                     kPrefix, "<n>'); was the study's sampler state overwritten?"));
  }
  return next_index;
}

std::string FormatNextIndexState(uint64_t next_index) { return absl::StrCat(kPrefix, next_index); }

}  // namespace hyperd::algorithms
