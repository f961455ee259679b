// `bohb`: BOHB's kernel-density sampler (Falkner, Klein, Hutter, ICML 2018; HpBandSter's
// config_generators/bohb.py; specs/multifidelity.md §6). Valid only with scheduler.hyperband,
// whose asynchronous brackets decide the budgets; this sampler only proposes configurations.
//
// Per suggestion:
// 1. Observations per budget (bohb_budgets.h): the Hyperband rungs min_resource·eta^k below
//    max_resource, then max_resource; every trial's rung value at every budget it reached.
// 2. Model (bohb_model.h) at the LARGEST budget that has one (2(d+1) observations suffice at
//    first). Parameters are encoded in the unit cube (log ones in log space, integers and steps
//    as their cells' centres, space/unit_encoding.h), categorical ones as indices.
// 3. With probability random_fraction, or while no budget has a model, the point is uniform:
//    exactly the random sampler's point i (random_sampler.h). Otherwise num_samples candidates:
//    a random row m of the good set, then per dimension x ~ N(m, (bandwidth_factor·bw)^2)
//    truncated to [0, 1] (continuous), or m kept with probability 1 - bw and a uniform category
//    otherwise (categorical); keep the smallest max(g(x), 1e-32)/max(l(x), 1e-32), skipping
//    non-finite scores; decode onto the parameters' values.
//
// Conditional parameters: inactive coordinates are imputed when fitting (bohb_model.h); every
// candidate carries all coordinates and decoding keeps the active ones.
// Pending trials (HpBandSter has none: its brackets wait): their measurements count like anyone
// else's, nothing is imputed for what they have not reported, and points of one batch use
// distinct random streams. Point i of the study draws from streams seeded by MixSeed(seed, i), so
// a restarted server continues the sequence ("next_index=<i>" state).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_SAMPLER_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_SAMPLER_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

struct BohbSamplerConfig {
  int top_n_percent = 15;            // 1-99
  int num_samples = 64;              // 1-10000
  double random_fraction = 1.0 / 3;  // [0, 1]
  double bandwidth_factor = 3;       // > 0
  double min_bandwidth = 1e-3;       // > 0
  int min_points_in_model = 0;       // 0 = d + 1; smaller values are raised to d + 1
  // The budgets: the hyperband scheduler's rungs min_resource * eta^k up to max_resource (filled
  // by the server from scheduler.hyperband).
  int64_t min_resource = 1;
  int64_t max_resource = 0;
  int reduction_factor = 3;
};

// OK, or INVALID_ARGUMENT listing every bad field with its path, separated by "; "
// ("sampler.bohb.top_n_percent: must be 1-99, got 0; ..."). Bad budgets (no scheduler.hyperband,
// so max_resource 0) are reported as "sampler.bohb: needs scheduler.hyperband ...", naming the
// settings they come from.
absl::Status ValidateBohbSamplerConfig(const BohbSamplerConfig& config);

// A BOHB sampler for `space` (copied), or the settings' INVALID_ARGUMENT, or the space's own
// ValidateSearchSpace error unchanged. name() is "bohb"; it reads the history and measurements.
absl::StatusOr<std::unique_ptr<Sampler>> MakeBohbSampler(const BohbSamplerConfig& config,
                                                         const SearchSpace& space);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_SAMPLER_H_
