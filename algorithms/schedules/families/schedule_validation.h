// ValidateSchedule: every rule a Schedule must satisfy before anything evaluates it.
//
// Returns OK, or INVALID_ARGUMENT listing every violation, separated by "; ", each starting with
// its field path: "schedule.<field>" for the common fields and "schedule.<family>.<field>" for the
// selected family's parameters, e.g.
//   "schedule.min_lr_ratio: must be in [0, 1], got 2; schedule.wsd.cooldown_fraction: ..."
// Parameters of families other than the selected one are ignored.
//
// Rules (spec §1):
// * base_lr finite and > 0; total_steps >= 1; 0 <= warmup_steps < total_steps;
//   warmup_start_factor and min_lr_ratio in [0, 1].
// * min_lr_ratio must be 0 for families without a floor (constant, inverse_sqrt, onecycle,
//   piecewise_constant, tabulated, step), so a setting is never silently ignored.
// * wsd: cooldown_fraction in [0, 1] and the cooldown round(c·T) at most total_steps −
// warmup_steps.
// * polynomial: power finite and > 0.
// * inverse_sqrt: timescale >= 0 (0 = HF default).
// * onecycle: pct_start in (0, 1); div_factor and final_div_factor finite and > 0; every phase at
//   least one step long over N = total_steps − warmup_steps (PyTorch divides by the phase length).
// * piecewise_constant: milestones and factors of equal length, milestones strictly increasing and
//   >= 1, factors finite and >= 0.
// * step: step_size >= 1; gamma finite in (0, 1] (the shape never exceeds the peak, and a gamma of
//   0 would stop training after step_size steps: use piecewise_constant for that on purpose).
// * tabulated: at least 2 shape values, each in [0, 1]; warmup_steps must be 0 (the table already
//   holds any warm-up).
#ifndef HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_SCHEDULE_VALIDATION_H_
#define HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_SCHEDULE_VALIDATION_H_

#include "absl/status/status.h"
#include "algorithms/schedules/families/schedule.h"

namespace hyperd::algorithms::schedules {

absl::Status ValidateSchedule(const Schedule& schedule);

}  // namespace hyperd::algorithms::schedules

#endif  // HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_SCHEDULE_VALIDATION_H_
