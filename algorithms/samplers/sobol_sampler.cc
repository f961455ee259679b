#include "algorithms/samplers/sobol_sampler.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/sampler_state.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {

SobolSampler::SobolSampler(SearchSpace space, bool scramble)
    : space_(std::move(space)),
      scramble_(scramble),
      sequence_(static_cast<int>(space_.parameters.size())) {}

std::vector<double> SobolSampler::UnitPoint(uint64_t seed, uint64_t index) const {
  return scramble_ ? sequence_.ScrambledPoint(index, seed) : sequence_.Point(index);
}

absl::StatusOr<SamplerOutput> SobolSampler::Suggest(const SamplerInput& input) const {
  if (input.count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("count: must be >= 0, got ", input.count));
  }
  ASSIGN_OR_RETURN(uint64_t next_index, ParseNextIndexState(input.state));
  SamplerOutput output;
  for (int i = 0; i < input.count && next_index < kSequenceLength; ++i, ++next_index) {
    output.suggestions.push_back(DecodeUnitPoint(space_, UnitPoint(input.seed, next_index)));
  }
  output.exhausted = next_index >= kSequenceLength;
  output.state = FormatNextIndexState(next_index);
  output.status = absl::StrCat("sobol: ", next_index, " points of the ",
                               scramble_ ? "scrambled" : "unscrambled", " sequence handed out");
  return output;
}

}  // namespace hyperd::algorithms
