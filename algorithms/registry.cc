#include "algorithms/registry.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "algorithms/samplers/grid_enumeration.h"
#include "algorithms/samplers/grid_sampler.h"
#include "algorithms/samplers/random_sampler.h"
#include "algorithms/samplers/sobol_sampler.h"
#include "algorithms/samplers/sobol_sequence.h"
#include "algorithms/schedulers/fifo_scheduler.h"
#include "algorithms/schedulers/hyperband.h"
#include "algorithms/schedulers/median_stopping.h"
#include "algorithms/schedulers/successive_halving.h"
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

absl::StatusOr<std::unique_ptr<Sampler>> Make(const GpSamplerConfig& config,
                                              const SearchSpace& space) {
  return MakeGpSampler(config, space);
}

absl::StatusOr<std::unique_ptr<Sampler>> Make(const TpeSamplerConfig& config,
                                              const SearchSpace& space) {
  return MakeTpeSampler(config, space);
}

absl::StatusOr<std::unique_ptr<Sampler>> Make(const BohbSamplerConfig& config,
                                              const SearchSpace& space) {
  return MakeBohbSampler(config, space);
}

// Schedulers ---------------------------------------------------------------------------------

constexpr int kMinReductionFactor = 2;
constexpr int kMaxReductionFactor = 100;

absl::Status MustBeAtLeast(absl::string_view field, int64_t value, int64_t minimum) {
  if (value >= minimum) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": must be >= ", minimum, ", got ", value));
}

// The resource settings shared by successive_halving and hyperband; `prefix` is
// "scheduler.successive_halving" or "scheduler.hyperband".
absl::Status ValidateRungSettings(absl::string_view prefix, int64_t min_resource,
                                  int64_t max_resource, int reduction_factor, int bootstrap_count) {
  if (min_resource < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, ".min_resource: must be >= 1 (the first rung, in resource units), got ",
        min_resource));
  }
  if (max_resource <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resource.max_resource: must be declared (> 0) for successive_halving/hyperband, got ",
        max_resource, "; set it to the resource of a full training run"));
  }
  if (min_resource > max_resource) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, ".min_resource: must be <= resource.max_resource (", max_resource,
                     "), got ", min_resource, "; lower min_resource or raise max_resource"));
  }
  if (reduction_factor < kMinReductionFactor || reduction_factor > kMaxReductionFactor) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, ".reduction_factor: must be between ", kMinReductionFactor, " and ",
                     kMaxReductionFactor, ", got ", reduction_factor,
                     " (the top 1/reduction_factor of the trials at each rung continue)"));
  }
  return MustBeAtLeast(absl::StrCat(prefix, ".bootstrap_count"), bootstrap_count, 0);
}

absl::StatusOr<std::unique_ptr<Scheduler>> Make(const FifoSchedulerConfig&) {
  return std::make_unique<FifoScheduler>();
}

absl::StatusOr<std::unique_ptr<Scheduler>> Make(const MedianStoppingConfig& config) {
  RETURN_IF_ERROR(MustBeAtLeast("scheduler.median.warmup_steps", config.warmup_steps, 0));
  RETURN_IF_ERROR(MustBeAtLeast("scheduler.median.n_startup_trials", config.n_startup_trials, 0));
  RETURN_IF_ERROR(MustBeAtLeast("scheduler.median.min_trials", config.min_trials, 1));
  RETURN_IF_ERROR(MustBeAtLeast("scheduler.median.interval_steps", config.interval_steps, 1));
  return std::make_unique<MedianStoppingScheduler>(config);
}

absl::StatusOr<std::unique_ptr<Scheduler>> Make(const SuccessiveHalvingConfig& config) {
  RETURN_IF_ERROR(ValidateRungSettings("scheduler.successive_halving", config.min_resource,
                                       config.max_resource, config.reduction_factor,
                                       config.bootstrap_count));
  return std::make_unique<SuccessiveHalvingScheduler>(config);
}

absl::StatusOr<std::unique_ptr<Scheduler>> Make(const HyperbandConfig& config) {
  RETURN_IF_ERROR(ValidateRungSettings("scheduler.hyperband", config.min_resource,
                                       config.max_resource, config.reduction_factor,
                                       config.bootstrap_count));
  return std::make_unique<HyperbandScheduler>(config);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sampler>> MakeSampler(const SamplerConfig& config,
                                                     const SearchSpace& space) {
  RETURN_IF_ERROR(ValidateSearchSpace(space));
  return std::visit([&space](const auto& c) { return Make(c, space); }, config);
}

absl::StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const SchedulerConfig& config) {
  return std::visit([](const auto& c) { return Make(c); }, config);
}

}  // namespace hyperd::algorithms
