// The convex-bound multiplier array of any hyperd Schedule (lr-schedules.md §3.1-§3.2): what the
// planner passes to ComputeOptimalBaseLr / TransferBaseLr so that PlanSchedules can compare the
// schedules a study actually hands out.
//
//   ASSIGN_OR_RETURN(std::vector<double> shape, ScheduleBoundArray(schedule, /*horizon=*/100));
//   ASSIGN_OR_RETURN(OptimalBaseLr best, ComputeOptimalBaseLr(shape, 100, {}));
//
// The array has horizon + 1 entries (the package's T + 1 convention; the bound at horizon T reads
// the first T): entry i is the multiplier of 0-indexed optimizer step i, i.e. η_{i+1} of the
// bound's 1-indexed time. Entries are multipliers of base_lr (base_lr itself is not used), so γ*
// is directly the optimal base_lr of the schedule at D = G = 1.
//
// linear, cosine, constant and wsd with a linear or 1-sqrt cooldown use the package arrays of
// bound_schedule_arrays.h over the schedule's own T = total_steps (steps = T + 1, final_lr = ρ),
// so the spec's reference values (§3.4) come out exactly. They equal the hyperd closed forms of
// learning_rate.h at t = 0 … T except for two package roundings:
//   * wsd: the cooldown lasts int(c·(T + 1)) steps (one less when it would leave no step at the
//     peak), where the job runs round(c·T); both are 20 for c = 0.2, T = 100.
//   * warm-up: see below.
// Every other family (inverse_sqrt, polynomial, onecycle, piecewise_constant, tabulated, step, wsd
// with a cosine cooldown) is ScheduleShapeAt(schedule, t) for t = 0 … horizon.
//
// Warm-up (all families): s_t = a + (1 − a)·t/W with a = warmup_start_factor, except that a = 0
// (the HF default, s_0 = 0) becomes the package's 1e-10 (kBoundWarmupStart), as the package
// always starts its warm-up there.
//
// Horizon ≠ total_steps: the bound is taken on the schedule as the job runs it. A shorter horizon
// reads the first horizon + 1 steps (an anytime bound in mid-run); a longer one holds the value at
// T past the run (hyperd clamps steps > T to T: the floor ρ for the decaying families), and
// trailing zeros are dropped by ComputeConvexBoundTerms.
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_SCHEDULE_BOUND_ARRAY_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_SCHEDULE_BOUND_ARRAY_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/schedules/families/schedule.h"

namespace hyperd::algorithms::schedules::refinement {

// INVALID_ARGUMENT: horizon < 1 ("horizon: ..."), or ValidateSchedule's error ("schedule.<field>:
// ...").
absl::StatusOr<std::vector<double>> ScheduleBoundArray(const Schedule& schedule, int64_t horizon);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_SCHEDULE_BOUND_ARRAY_H_
