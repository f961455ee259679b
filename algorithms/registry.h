// Algorithm configuration -> instance, with settings validation. The server converts the API's
// typed settings messages into these configs (server/spec_conversion.h).
#ifndef HYPERD_ALGORITHMS_REGISTRY_H_
#define HYPERD_ALGORITHMS_REGISTRY_H_

#include <memory>
#include <variant>

#include "absl/status/statusor.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

struct RandomSamplerConfig {};

struct SobolSamplerConfig {
  bool scramble = true;
};

struct GridSamplerConfig {
  bool shuffle = false;
  // 2 to 1000; 0 (the API's unset value) means the default 5.
  int points_per_continuous_parameter = 5;
};

using SamplerConfig = std::variant<RandomSamplerConfig, SobolSamplerConfig, GridSamplerConfig>;

// A sampler for a validated space, or INVALID_ARGUMENT whose message starts with the settings'
// field path ("sampler.grid.points_per_continuous_parameter: ...") when the settings are out of
// range or do not fit the space (e.g. a grid with more than 10^6 points, Sobol beyond its
// dimensions). The space is validated first; its errors come back unchanged (field paths relative
// to the space, as from ValidateSearchSpace). The sampler keeps its own copy of the space.
//
// Names and limits: "random"; "sobol" (at most SobolSequence::kMaxDimensions = 1111 parameters);
// "grid" (at most GridSampler::kMaxPoints = 10^6 points).
absl::StatusOr<std::unique_ptr<Sampler>> MakeSampler(const SamplerConfig& config,
                                                     const SearchSpace& space);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_REGISTRY_H_
