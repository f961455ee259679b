// `tpe`: the Tree-structured Parzen Estimator with Optuna 3.1's defaults (bo.md §8; Optuna
// samplers/_tpe/sampler.py, the Debian baseline of specs/README.md).
//
// Per suggestion:
// 1. Rank the history (tpe_ranking.h): SUCCEEDED by objective, then PRUNED by (-last step, last
//    value), then INFEASIBLE; non-finite objectives rank worst; FAILED trials are ignored. With
//    constant liar, PENDING trials join the bad set.
// 2. While fewer than n_startup_trials trials are finished (SUCCEEDED, PRUNED or INFEASIBLE),
//    suggest random points: exactly the random sampler's point i (random_sampler.h).
// 3. Otherwise the gamma(n) best trials make the good set, the rest the bad set. Univariate (the
//    Optuna 3.1 default): for each active parameter, in space order, fit the good and bad Parzen
//    estimators (parzen_estimator.h) to the trials in which the parameter is active, draw
//    n_ei_candidates values from the good one and keep the first maximiser of log l - log g.
//    Multivariate: parameters active in exactly the same finished trials form a group (the
//    outcome of Optuna's group decomposition for a tree-structured space); each group is modelled
//    jointly from the trials in which all its parameters are active, and drawn when the first of
//    its parameters is active in the new point.
// 4. count > 1: each point of the batch counts as a pending trial for the later ones (with
//    constant liar it joins their bad set, so the batch spreads out). A point that decodes to the
//    same assignment as a pending trial or an earlier point of the batch is redrawn from a fresh
//    stream, its active parameters in turn forced to the best candidate that differs from the
//    duplicated value (at most 8 redraws; small finite spaces may still repeat), so parallel
//    workers do not duplicate work.
//
// Randomness: point i of the study (i = the persisted next index, "next_index=<i>") draws from
// streams seeded by MixSeed(seed, i), one per parameter or group, so a restarted server continues
// the same sequence and a condition never shifts another parameter's draws.
//
// Cost: O(n log n + n_ei_candidates * n) per parameter and point for n trials; no allocation per
// candidate. Suggest is const and keeps no cache (fitting is cheaper than validating one).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_TPE_TPE_SAMPLER_H_
#define HYPERD_ALGORITHMS_SAMPLERS_TPE_TPE_SAMPLER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

struct TpeSamplerConfig {
  int n_startup_trials = 10;  // >= 1
  int n_ei_candidates = 24;   // 1-10000
  bool multivariate = false;  // Optuna 3.1 default
  bool constant_liar = true;
  double prior_weight = 1.0;  // > 0, finite
};

// OK, or INVALID_ARGUMENT listing every bad field with its path, separated by "; "
// ("sampler.tpe.n_ei_candidates: must be 1-10000, got 0; sampler.tpe.prior_weight: ...").
absl::Status ValidateTpeSamplerConfig(const TpeSamplerConfig& config);

// A TPE sampler for `space` (copied), or the settings' INVALID_ARGUMENT, or the space's own
// ValidateSearchSpace error unchanged. name() is "tpe"; it reads the history and the
// measurements (for PRUNED trials). Conditional spaces are supported.
absl::StatusOr<std::unique_ptr<Sampler>> MakeTpeSampler(const TpeSamplerConfig& config,
                                                        const SearchSpace& space);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_TPE_TPE_SAMPLER_H_
