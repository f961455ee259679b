// Uses of the convex bound (lr-schedules.md §3.3; Schaipp et al., ICML 2025, arXiv 2501.18965,
// scripts/lr_transfer.py and scripts/horizon_transfer.py of fabian-sp/lr-scheduling):
//  * LR transfer: γ_B ≈ γ_A · γ*_B / γ*_A, with γ* at D = G = 1 and the same horizon;
//  * cooldown extension: continuing a WSD run to a longer horizon from its pre-cooldown
//    checkpoint, either by a longer cooldown at the same base LR (adapted) or by an LR drop ρ
//    followed by the usual cooldown (two-stage).
//
//   ASSIGN_OR_RETURN(double lr_b, TransferBaseLr(tuned_lr_a, wsd_array, linear_array, 400));
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_BOUND_PLANNER_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_BOUND_PLANNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/schedules/refinement/bound_schedule_arrays.h"

namespace hyperd::algorithms::schedules::refinement {

// γ_B = tuned_base_lr · γ*(to_shape) / γ*(from_shape), both at horizon T with D = G = 1 (the
// ratio does not depend on D and G). Shapes are multiplier arrays of length ≥ T (pass the
// package's T + 1 arrays to reproduce its numbers).
// INVALID_ARGUMENT: tuned_base_lr not finite and > 0 (field `tuned_base_lr`), or a shape that
// ComputeOptimalBaseLr rejects (field prefixed `from_shape.` / `to_shape.`).
absl::StatusOr<double> TransferBaseLr(double tuned_base_lr, const std::vector<double>& from_shape,
                                      const std::vector<double>& to_shape, int64_t horizon);

// numpy.linspace(start, stop, count): start + i·(stop - start)/(count - 1), last = stop exactly.
std::vector<double> Linspace(double start, double stop, int64_t count);

struct CooldownExtensionOptions {
  int64_t first_horizon = 0;             // T1 of run A (WSD), ≥ 2
  double first_cooldown_fraction = 0.2;  // c1 of run A, in (0, 1]
  int64_t second_horizon = 0;            // T2 > T1
  CooldownShape cooldown_shape = CooldownShape::kLinear;
  // Candidate c2 for the adapted cooldown; empty means Linspace(0.1, 1, 33). Each in (0, 1].
  std::vector<double> cooldown_candidates;
  // Candidate ρ for the two-stage schedule; empty means Linspace(0.2, 1, 33). Each in (0, 1].
  std::vector<double> factor_candidates;
  // The two-stage cooldown covers the last int(fraction·(T2 + 1)) steps; in (0, 1).
  double two_stage_cooldown_fraction = 0.2;
  // Warn when the adapted cooldown cannot match γ1 within this relative difference.
  double warn_relative_difference = 0.01;
};

struct CooldownExtensionPlan {
  // γ1 = γ*(WSD(T1, c1)) at D = G = 1: run A's base LR in bound units.
  double first_base_lr = 0.0;
  // Adapted cooldown: c2 = argmin_c |γ*(WSD(T2, c)) - γ1| / γ1 (first minimum on ties).
  double adapted_cooldown_fraction = 0.0;
  double adapted_relative_difference = 0.0;
  // Set when adapted_relative_difference > warn_relative_difference; `warning` says why.
  bool adapted_needs_warning = false;
  std::string warning;
  // Two-stage: LR × ρ from run A's cooldown start, then the last cd steps cool down.
  double two_stage_factor = 0.0;
  double two_stage_relative_difference = 0.0;
  int64_t two_stage_drop_step = 0;       // 0-indexed array position of the first ρ entry
  int64_t two_stage_cooldown_steps = 0;
  // Ω_T2 at γ1 for the three continuations (naive: keep c1 at the new horizon).
  double adapted_bound = 0.0;
  double two_stage_bound = 0.0;
  double naive_bound = 0.0;
};

// Plans the continuation of WSD(T1, c1) to T2 (§3.3 use 3). The two-stage LR drop happens at run
// A's cooldown start T0 = (T1 + 1) - int(c1·(T1 + 1)), the pre-cooldown checkpoint.
// INVALID_ARGUMENT with the field name for out-of-range options or candidates.
absl::StatusOr<CooldownExtensionPlan> PlanCooldownExtension(
    const CooldownExtensionOptions& options);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_BOUND_PLANNER_H_
