// `random`: independent uniform draws in the encoded space (space/unit_encoding.h), so log
// parameters are uniform in log space and each integer on its grid is equally likely.
//
// Point i of a study depends only on (seed, i): its coordinates are the first draws of a
// SplitMix64 stream (random_bits.h) seeded with MixSeed(seed, i), one 53-bit draw per parameter in
// space order, inactive ones included, so a condition never shifts the draws of later parameters.
// The state is the next i; history and pending trials are ignored.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_RANDOM_SAMPLER_H_
#define HYPERD_ALGORITHMS_SAMPLERS_RANDOM_SAMPLER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

class RandomSampler : public Sampler {
 public:
  // Requires a space that passed ValidateSearchSpace; it is copied. Suggest uses this space and
  // ignores SamplerInput::space.
  explicit RandomSampler(SearchSpace space);

  absl::string_view name() const override { return "random"; }
  bool ReadsHistory() const override { return false; }
  absl::StatusOr<SamplerOutput> Suggest(const SamplerInput& input) const override;

  // The unit-cube coordinates of point `index` (one per parameter). Exposed for tests.
  std::vector<double> UnitPoint(uint64_t seed, uint64_t index) const;

 private:
  SearchSpace space_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_RANDOM_SAMPLER_H_
