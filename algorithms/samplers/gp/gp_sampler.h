// `gp`: Bayesian optimisation with a Gaussian process (specs/bo.md).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Sampler> gp, MakeGpSampler(GpSamplerConfig{}, space));
//   ASSIGN_OR_RETURN(SamplerOutput out, gp->Suggest(input));
//
// Per suggestion:
//   * Startup: while the history holds fewer than n_startup_trials trials (or fewer than two
//     training points), scrambled Sobol points seeded by SamplerInput::seed; point i of a study is
//     Sobol point i (i = trials already in the history + position in the batch), so a restart
//     continues the sequence.
//   * Model: a GP (Matérn-5/2 ARD + Hamming term, gaussian_process.h) on the training set of
//     training_set.h, targets standardised (output_transform.h), hyperparameters by MAP
//     (hyperparameter_fit.h). Refit policy (bo.md §4): refit whenever the training set changed
//     while it has ≤ 200 points, then every max(1, n/20) new points; never when it is unchanged.
//     The fit warm-starts from the θ persisted in SamplerOutput::state (gp_state.h); between
//     refits the factor grows by O(n²) row appends.
//   * Acquisition: log-EI (incumbent: the best standardised observation, or the best posterior
//     mean at the observed points when the fitted noise exceeds 1e-3) or UCB, maximised by
//     MaximizeOverMixedSpace (optimization/mixed_space_maximizer.h).
//   * Pending trials and the earlier points of the same batch enter by kriging believer (appended
//     with y = posterior mean, hyperparameters unchanged). A suggestion that decodes to a pending
//     assignment or an earlier one of the batch is replaced by the next-best distinct point, or by
//     a quasi-random one. Always `count` points, unless the space is finite and every assignment
//     is pending (then fewer, with `exhausted` set).
//   * Large studies: beyond 1000 training points the model conditions on a deterministic subset of
//     1000 (the best 200 and a seeded random selection of the rest), and hyperparameters are fitted
//     on at most 256 of those; the status line says so.
// If the model cannot be built (no jitter level factorises K), the suggestion falls back to
// quasi-random points and the status line says why; Suggest does not fail for numerical reasons.
//
// Deterministic: the output is a function of the input alone (seed, state, history, count). A
// per-sampler cache keeps the last factorisation so an unchanged training set is not factorised
// again; it only saves time (results are bit-identical with or without it). Thread-safe: Suggest
// may be called concurrently.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_GP_SAMPLER_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_GP_SAMPLER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

struct GpSamplerConfig {
  enum class Acquisition { kLogExpectedImprovement, kUpperConfidenceBound };
  Acquisition acquisition = Acquisition::kLogExpectedImprovement;
  double ucb_beta = 1.8;
  int n_startup_trials = 10;
  bool deterministic_objective = false;
};

// A GP sampler over a copy of `space`. The space is validated first (its errors come back
// unchanged). INVALID_ARGUMENT with the settings' field path for bad settings
// ("sampler.gp.ucb_beta: must be finite and > 0, got -1", "sampler.gp.n_startup_trials: must be
// >= 1, got 0"), and "sampler.gp: ..." for a space with conditional parameters or more parameters
// than the quasi-random sequence supports (1111).
absl::StatusOr<std::unique_ptr<Sampler>> MakeGpSampler(const GpSamplerConfig& config,
                                                       const SearchSpace& space);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_GP_SAMPLER_H_
