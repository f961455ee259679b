#include "algorithms/samplers/grid_sampler.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/index_permutation.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/sampler_state.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {
// Keeps the shuffle's key apart from other streams derived from the same study seed.
constexpr uint64_t kShuffleStream = 0x67726964;  // "grid"
}  // namespace

GridSampler::GridSampler(GridEnumeration grid, bool shuffle)
    : grid_(std::move(grid)), shuffle_(shuffle) {}

absl::StatusOr<SamplerOutput> GridSampler::Suggest(const SamplerInput& input) const {
  if (input.count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("count: must be >= 0, got ", input.count));
  }
  ASSIGN_OR_RETURN(uint64_t next_index, ParseNextIndexState(input.state));
  const uint64_t total = grid_.size();
  const IndexPermutation order(total, MixSeed(input.seed, kShuffleStream));
  SamplerOutput output;
  for (int i = 0; i < input.count && next_index < total; ++i, ++next_index) {
    output.suggestions.push_back(grid_.PointAt(shuffle_ ? order(next_index) : next_index));
  }
  output.exhausted = next_index >= total;
  output.state = FormatNextIndexState(next_index);
  output.status = absl::StrCat("grid: ", std::min(next_index, total), " of ", total,
                               " points handed out", shuffle_ ? " (shuffled)" : "");
  return output;
}

}  // namespace hyperd::algorithms
