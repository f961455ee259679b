// Picks the base LR from a sweep with the bound-inspired model loss(γ) = A/γ + Bγ + C, A, B, C ≥ 0
// (lr-schedules.md §3.3 use 1; fabian-sp/lr-scheduling reanalysis/analysis_cooldown_length.py).
// The minimiser is γ = sqrt(A/B). Useful after refinement or LR transfer, which move the optimum.
//
//   ASSIGN_OR_RETURN(LrSweepFit fit, FitLrSweep({1e-4, 3e-4, 1e-3, 3e-3}, {3.9, 3.5, 3.4, 3.6}));
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_LR_SWEEP_FIT_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_LR_SWEEP_FIT_H_

#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::algorithms::schedules::refinement {

struct LrSweepFit {
  double a = 0.0;  // coefficient of 1/γ
  double b = 0.0;  // coefficient of γ
  double c = 0.0;  // constant
  double best_base_lr = 0.0;  // sqrt(A/B)
  double residual_sum_of_squares = 0.0;
};

// Non-negative least squares over the three coefficients, solved exactly by trying every support
// (2³ subsets) and keeping the best non-negative solution.
// INVALID_ARGUMENT: sizes differ, fewer than 3 points, a base LR not finite and > 0, a loss not
// finite, or fewer than 3 distinct base LRs (field named: `base_lrs[i]`, `losses[i]`).
// FAILED_PRECONDITION: the fit has A = 0 or B = 0, so the sweep does not bracket a minimum; the
// message says which end of the sweep to extend.
absl::StatusOr<LrSweepFit> FitLrSweep(const std::vector<double>& base_lrs,
                                      const std::vector<double>& losses);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_LR_SWEEP_FIT_H_
