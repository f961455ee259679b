// Closed-form refined schedule from gradient norms (Defazio, Cutkosky, Mehta, Mishchenko 2023,
// arXiv 2310.07831; reference facebookresearch/adaptive_scheduling find_schedule.py;
// lr-schedules.md §2.2 and the §2.6 pseudo-code).
//
// With weights w_t = G_t^-2 (SGD family, l2 norms) or w_t = G_t^-1 (Adam family, l1 norms):
//   η_t ∝ w_t · Σ_{p=t+1}^{N-1} w_p  for t < N-1,   η_{N-1} = 0,   s = η / max η.
// Constant norms give linear decay s_t = 1 - t/(N-1); large early norms give a warm-up.
//
//   ASSIGN_OR_RETURN(std::vector<double> s, RefineShape(norms, {NormKind::kL2Sgd, 0.1}));
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_REFINED_SHAPE_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_REFINED_SHAPE_H_

#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::algorithms::schedules::refinement {

// Which optimizer family the logged norms belong to; it fixes the weight exponent.
enum class NormKind {
  kL2Sgd,   // l2 gradient norms, weights G^-2
  kL1Adam,  // l1 gradient norms, weights G^-1 (the reference's `sched/gnorm_l1` rule)
};

struct RefineShapeOptions {
  NormKind kind = NormKind::kL2Sgd;
  // τ of §2.3: the median-filter window is ~τ·N points. 0 disables smoothing. Must be in [0, 1].
  double filter_fraction = 0.1;
};

// Weights w_t from norms (no smoothing). Requires every norm finite and > 0.
std::vector<double> RefinementWeights(const std::vector<double>& norms, NormKind kind);

// Closed form on weights: η_t = w_t·tail(t+1), η_{N-1} = 0, normalised so that max = 1. A single
// point gives {0} (the 0/0 of a one-step run is defined as 0). Requires weights finite and > 0.
std::vector<double> ShapeFromWeights(const std::vector<double>& weights);

// The §2.6 `refine`: smooth (SmoothGradientNorms), weight, closed form, normalise. `norms` must be
// cleaned and resampled already (one value per grid point). Returns N multipliers in [0, 1] whose
// last value is 0 and whose maximum is 1 (N ≥ 2).
// INVALID_ARGUMENT: `norms` empty, `norms[i]` non-finite or ≤ 0, `filter_fraction` outside [0, 1].
absl::StatusOr<std::vector<double>> RefineShape(const std::vector<double>& norms,
                                                const RefineShapeOptions& options);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_REFINED_SHAPE_H_
