// `sobol`: the Sobol sequence (sobol_sequence.h), one dimension per parameter in space order
// (conditional parameters included, so a condition never shifts other coordinates), decoded
// through space/unit_encoding.h. Scrambled by default with Owen scrambling keyed by the study seed;
// unscrambled, point 0 is the origin and the points are exactly the published sequence.
//
// Point i depends only on (seed, i); the state is the next i; history and pending trials are
// ignored. The sequence is treated as 2^53 points long (beyond that its coordinates no longer fit
// a double), after which the sampler reports itself exhausted.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_SOBOL_SAMPLER_H_
#define HYPERD_ALGORITHMS_SAMPLERS_SOBOL_SAMPLER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/samplers/sobol_sequence.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

class SobolSampler : public Sampler {
 public:
  static constexpr uint64_t kSequenceLength = uint64_t{1} << 53;

  // Requires a space that passed ValidateSearchSpace with at most SobolSequence::kMaxDimensions
  // parameters (MakeSampler checks both); it is copied. Suggest ignores SamplerInput::space.
  SobolSampler(SearchSpace space, bool scramble);

  absl::string_view name() const override { return "sobol"; }
  bool ReadsHistory() const override { return false; }
  absl::StatusOr<SamplerOutput> Suggest(const SamplerInput& input) const override;

  // The unit-cube coordinates of point `index`. Exposed for tests.
  std::vector<double> UnitPoint(uint64_t seed, uint64_t index) const;

 private:
  SearchSpace space_;
  bool scramble_;
  SobolSequence sequence_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_SOBOL_SAMPLER_H_
