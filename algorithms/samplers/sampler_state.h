// The persisted state of the counting samplers (random, sobol, grid): the index of the next point
// to hand out, as "next_index=<n>". "" (a new study) means 0.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_SAMPLER_STATE_H_
#define HYPERD_ALGORITHMS_SAMPLERS_SAMPLER_STATE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperd::algorithms {

// The next index, or INVALID_ARGUMENT "sampler state: ..." when `state` was not written by
// FormatNextIndexState (the state belongs to another sampler or is corrupt).
absl::StatusOr<uint64_t> ParseNextIndexState(absl::string_view state);

std::string FormatNextIndexState(uint64_t next_index);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_SAMPLER_STATE_H_
