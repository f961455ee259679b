#include "algorithms/samplers/random_sampler.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/sampler_state.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {

RandomSampler::RandomSampler(SearchSpace space) : space_(std::move(space)) {}

std::vector<double> RandomSampler::UnitPoint(uint64_t seed, uint64_t index) const {
  SplitMix64 stream(MixSeed(seed, index));
  std::vector<double> point(space_.parameters.size());
  for (double& u : point) u = UnitDoubleFromBits(stream.Next());
  return point;
}

absl::StatusOr<SamplerOutput> RandomSampler::Suggest(const SamplerInput& input) const {
  if (input.count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("count: must be >= 0, got ", input.count));
  }
  ASSIGN_OR_RETURN(uint64_t next_index, ParseNextIndexState(input.state));
  SamplerOutput output;
  for (int i = 0; i < input.count; ++i, ++next_index) {
    output.suggestions.push_back(DecodeUnitPoint(space_, UnitPoint(input.seed, next_index)));
  }
  output.state = FormatNextIndexState(next_index);
  output.status = absl::StrCat("random: ", next_index, " points drawn");
  return output;
}

}  // namespace hyperd::algorithms
