#include "algorithms/registry.h"

#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/grid_enumeration.h"
#include "algorithms/samplers/grid_sampler.h"
#include "algorithms/samplers/random_sampler.h"
#include "algorithms/samplers/sobol_sampler.h"
#include "algorithms/samplers/sobol_sequence.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr int kDefaultPointsPerContinuousParameter = 5;
constexpr int kMinPointsPerContinuousParameter = 2;
constexpr int kMaxPointsPerContinuousParameter = 1000;

absl::StatusOr<std::unique_ptr<Sampler>> Make(const RandomSamplerConfig&,
                                              const SearchSpace& space) {
  return std::make_unique<RandomSampler>(space);
}

absl::StatusOr<std::unique_ptr<Sampler>> Make(const SobolSamplerConfig& config,
                                              const SearchSpace& space) {
  if (space.parameters.size() > static_cast<size_t>(SobolSequence::kMaxDimensions)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sampler.sobol: the search space has ", space.parameters.size(),
        " parameters but the Sobol sequence has direction numbers for at most ",
        SobolSequence::kMaxDimensions, " dimensions (one per parameter); use the random sampler"));
  }
  return std::make_unique<SobolSampler>(space, config.scramble);
}

absl::StatusOr<std::unique_ptr<Sampler>> Make(const GridSamplerConfig& config,
                                              const SearchSpace& space) {
  const int points = config.points_per_continuous_parameter == 0
                         ? kDefaultPointsPerContinuousParameter
                         : config.points_per_continuous_parameter;
  if (points < kMinPointsPerContinuousParameter || points > kMaxPointsPerContinuousParameter) {
    return absl::InvalidArgumentError(
        absl::StrCat("sampler.grid.points_per_continuous_parameter: must be between ",
                     kMinPointsPerContinuousParameter, " and ", kMaxPointsPerContinuousParameter,
                     ", got ", points));
  }
  GridEnumeration grid(space, points);
  if (grid.size() > GridSampler::kMaxPoints) {
    const std::string size = grid.size() >= GridEnumeration::kSaturated
                                 ? absl::StrCat("more than ", GridEnumeration::kSaturated)
                                 : absl::StrCat(grid.size());
    return absl::InvalidArgumentError(absl::StrCat(
        "sampler.grid: the search space has ", size, " grid points, more than the limit of ",
        GridSampler::kMaxPoints,
        "; give integer and float parameters larger steps, lower points_per_continuous_parameter, "
        "or use the random or sobol sampler"));
  }
  return std::make_unique<GridSampler>(std::move(grid), config.shuffle);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sampler>> MakeSampler(const SamplerConfig& config,
                                                     const SearchSpace& space) {
  RETURN_IF_ERROR(ValidateSearchSpace(space));
  return std::visit([&space](const auto& c) { return Make(c, space); }, config);
}

}  // namespace hyperd::algorithms
