// The last-iterate convex bound Ω_T of Defazio et al. 2023 (Theorem 10 of arXiv 2310.07831) as
// evaluated by the planner of Schaipp et al. (ICML 2025, arXiv 2501.18965; package
// fabian-sp/lr-scheduling, ScheduleBase._compute_refined_rate and compute_optimal_base).
// lr-schedules.md §2.1 and §3.2. Time is 1-indexed: lrs[0] is η_1.
//
//   Ω_T(η) = D²/(2η_{1:T}) + Σ_t η_t²G_t²/(2η_{1:T})
//          + ½ Σ_{k<T} (η_k/η_{k+1:T}) (Σ_{t≥k} η_t²G_t²)/η_{k:T}
//
// For a shape s and base LR γ: Ω_T(γ) = t1/γ + γ(t2 + t3) with the terms at γ = 1, so
// γ* = sqrt(t1/(t2 + t3)) and Ω* = 2 sqrt(t1 (t2 + t3)).
//
//   ASSIGN_OR_RETURN(OptimalBaseLr best, ComputeOptimalBaseLr(shape, /*horizon=*/100, {}));
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_CONVEX_BOUND_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_CONVEX_BOUND_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::algorithms::schedules::refinement {

// D and G of the bound. Ratios of optimal base LRs between schedules do not depend on them when G
// is constant, so LR transfer uses the defaults D = G = 1.
struct BoundConstants {
  double distance = 1.0;            // D = ‖x_1 - x*‖ > 0
  double grad_norm = 1.0;           // constant G ≥ 0, used when grad_norms is empty
  std::vector<double> grad_norms;   // per-step G_t (1-indexed as lrs), size ≥ horizon, each ≥ 0
};

struct ConvexBoundTerms {
  double distance_term = 0.0;       // t1 = D²/(2η_{1:T})
  double noise_term = 0.0;          // t2 = Σ η_t²G_t²/(2η_{1:T})
  double last_iterate_term = 0.0;   // t3, the last-iterate correction
  double Total() const { return distance_term + noise_term + last_iterate_term; }
};

// The three terms of Ω_T at the absolute learning rates lrs[0..horizon-1]. Trailing zero LRs in
// that window are dropped (a zero step leaves the iterate where it is, and the package would
// divide by a zero suffix sum), so the effective horizon ends at the last positive LR.
// INVALID_ARGUMENT: horizon < 1 or > lrs.size(); lrs[i] negative or non-finite; every LR in the
// window zero; distance not finite and > 0; grad_norm(s) negative or non-finite; grad_norms
// non-empty but shorter than horizon.
absl::StatusOr<ConvexBoundTerms> ComputeConvexBoundTerms(const std::vector<double>& lrs,
                                                         int64_t horizon,
                                                         const BoundConstants& constants);

// Ω_T(γ) = t1/γ + γ(t2 + t3) for terms computed on a shape at γ = 1.
double BoundAtBaseLr(const ConvexBoundTerms& shape_terms, double base_lr);

struct OptimalBaseLr {
  double base_lr = 0.0;  // γ*
  double bound = 0.0;    // Ω* = Ω_T(γ*)
};

// γ* and Ω* for a shape (multipliers, any scale) at horizon T: shape[0..T-1] is used, so pass the
// package's T + 1 array and T to reproduce its numbers. Errors as ComputeConvexBoundTerms, plus
// INVALID_ARGUMENT when every G is 0 (γ* would be infinite).
absl::StatusOr<OptimalBaseLr> ComputeOptimalBaseLr(const std::vector<double>& shape,
                                                   int64_t horizon,
                                                   const BoundConstants& constants);

// The WSD guarantee checked by the package's tests/test_theory.py (Schaipp et al., linear
// cooldown from T0): Ω*_T ≤ D·G·sqrt(4S/(T + T0)) with
// S = 2/3 + (T+2T0)/(3(T+T0)) + H_{T+T0-2} - H_{T-T0+1} - (T-T0)(T0-1)/(3(T-T0+2)(T+T0))
//     + 1/(T-T0)² + H_{T-T0-1}/(T-T0+1),  H_n the n-th harmonic number.
// INVALID_ARGUMENT unless 1 ≤ T0 < T, D > 0 and G ≥ 0.
absl::StatusOr<double> WsdTheoremBound(int64_t horizon, int64_t cooldown_start, double distance,
                                       double grad_norm);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_CONVEX_BOUND_H_
