// Algorithm configuration -> instance, with settings validation. The server converts the API's
// typed settings messages into these configs (server/spec_conversion.h).
#ifndef HYPERD_ALGORITHMS_REGISTRY_H_
#define HYPERD_ALGORITHMS_REGISTRY_H_

#include <memory>
#include <variant>

#include "absl/status/statusor.h"
#include "algorithms/samplers/bohb/bohb_sampler.h"
#include "algorithms/samplers/gp/gp_sampler.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/samplers/tpe/tpe_sampler.h"
#include "algorithms/schedulers/scheduler.h"
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

// GpSamplerConfig, TpeSamplerConfig and BohbSamplerConfig are declared with their samplers.
using SamplerConfig = std::variant<RandomSamplerConfig, SobolSamplerConfig, GridSamplerConfig,
                                   GpSamplerConfig, TpeSamplerConfig, BohbSamplerConfig>;

// A sampler for a validated space, or INVALID_ARGUMENT whose message starts with the settings'
// field path ("sampler.grid.points_per_continuous_parameter: ...") when the settings are out of
// range or do not fit the space (e.g. a grid with more than 10^6 points, Sobol beyond its
// dimensions). The space is validated first; its errors come back unchanged (field paths relative
// to the space, as from ValidateSearchSpace). The sampler keeps its own copy of the space.
//
// Names and limits: "random"; "sobol" (at most SobolSequence::kMaxDimensions = 1111 parameters);
// "grid" (at most GridSampler::kMaxPoints = 10^6 points); "gp" (no conditional parameters);
// "tpe"; "bohb" (budgets from the hyperband settings in its config).
absl::StatusOr<std::unique_ptr<Sampler>> MakeSampler(const SamplerConfig& config,
                                                     const SearchSpace& space);

// Every trial runs until its job completes it.
struct FifoSchedulerConfig {};

// Median stopping rule (specs/multifidelity.md §5).
struct MedianStoppingConfig {
  enum class Statistic { kBestSoFar, kRunningMean };
  enum class Reference { kReached, kCompleted };
  int64_t warmup_steps = 0;
  int n_startup_trials = 5;
  int min_trials = 3;
  int64_t interval_steps = 1;
  Statistic statistic = Statistic::kBestSoFar;
  Reference reference = Reference::kReached;
};

// Stopping-type asynchronous successive halving, ASHA (§3.2-3.4): one bracket with first rung at
// min_resource.
struct SuccessiveHalvingConfig {
  int64_t min_resource = 1;
  int64_t max_resource = 0;  // the study's resource.max_resource; required
  int reduction_factor = 3;
  int bootstrap_count = 0;
};

// Asynchronous Hyperband (§3.5, §4): one stopping-ASHA per bracket, brackets assigned by the
// weighted hash of §4 with the paper's bracket sizes as weights.
struct HyperbandConfig {
  int64_t min_resource = 1;
  int64_t max_resource = 0;  // required
  int reduction_factor = 3;
  int bootstrap_count = 0;
  uint64_t bracket_seed = 0;  // derived from the study seed by the server
};

using SchedulerConfig =
    std::variant<FifoSchedulerConfig, MedianStoppingConfig, SuccessiveHalvingConfig, HyperbandConfig>;

// A scheduler, or INVALID_ARGUMENT whose message starts with the settings' field path relative
// to the study spec ("scheduler.hyperband.min_resource: ...", "resource.max_resource: ...") when
// the settings are out of range (min_resource < 1 or > max_resource, reduction_factor < 2,
// negative counts, max_resource not declared).
absl::StatusOr<std::unique_ptr<Scheduler>> MakeScheduler(const SchedulerConfig& config);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_REGISTRY_H_
