// The refinement procedure of lr-schedules.md §2.4 with the edge-case rules of §2.5: from the
// per-step gradient norms of a finished run A, the schedule shape for run B.
//
// Steps: validate → reject (fall back to linear decay) when too many norms are non-finite or the
// run is too short → drop non-finite norms, trim `trim_per_end` samples at each end → clamp zeros
// to 1e-12·median → resample onto N points of normalised time u = step/(run_steps-1) →
// RefineShape (median filter, closed form, normalise) → interpolate the tabulated shape s(u) at
// u = t/(output_steps-1). lr_t = γ·multipliers[t]; re-sweep γ for run B (§2.4, §3.3).
//
//   RefinementOptions options;
//   options.run_steps = 10000;
//   options.output_steps = 20000;  // run B may be longer: the shape is interpolated in u
//   ASSIGN_OR_RETURN(RefinedSchedule schedule, RefineScheduleFromNorms(samples, options));
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_SCHEDULE_REFINEMENT_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_SCHEDULE_REFINEMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/schedules/refinement/refined_shape.h"

namespace hyperd::algorithms::schedules::refinement {

// One logged norm: the 0-indexed optimizer step t and G_t (pre-clip; l2, or l1 for kL1Adam).
// NaN and ±inf are accepted and counted as non-finite.
struct GradientNormSample {
  int64_t step = 0;
  double norm = 0.0;
};

struct RefinementOptions {
  NormKind kind = NormKind::kL2Sgd;
  // T of run A. 0 means "last logged step + 1". Every logged step must be < run_steps.
  int64_t run_steps = 0;
  // T' of run B, the length of the returned schedule. Required, ≥ 2.
  int64_t output_steps = 0;
  // τ of §2.3, in [0, 1].
  double filter_fraction = 0.1;
  // N of the resampling grid. 0 means min(#clean samples, 10 000); otherwise ≥ 2.
  int64_t grid_points = 0;
  // Samples dropped at each end after removing non-finite ones (logging-export artefacts).
  int64_t trim_per_end = 2;
  // Fall back to linear decay when more than this fraction of the samples is non-finite.
  double max_nonfinite_fraction = 0.05;
  // Fall back to linear decay when run_steps or the clean sample count is below this (§2.5).
  int64_t min_steps = 10;
  // Optional floor s_min in [0, 1) for every step but the last, which stays 0 (§2.4; off at 0).
  double min_multiplier = 0.0;
};

struct RefinedSchedule {
  // output_steps multipliers s_t in [0, 1]; the last is 0. The maximum is 1 when the grid's peak
  // falls on an output step (always when output_steps = N), else interpolation can lower it.
  std::vector<double> multipliers;
  // The tabulated shape s(u) on u_i = i/(N-1), for a `tabulated` ScheduleSpec. On fallback it
  // is the two-point linear decay {1, 0}.
  std::vector<double> shape;
  bool fell_back_to_linear_decay = false;
  // Why the fallback happened, naming the rule; empty when refinement succeeded.
  std::string fallback_reason;
};

// INVALID_ARGUMENT (message names the field) when: `samples` is empty; `samples[i].step` is
// negative, not strictly greater than the previous step (duplicates and unsorted logs are
// rejected) or ≥ `run_steps`; `samples[i].norm` is finite and negative; the median of the finite
// norms is 0 (more than half are zero, so the clamp of §2.5 is meaningless); or an option is out of
// range. Too many non-finite norms or too short a run is not an error: the result is linear decay
// with `fell_back_to_linear_decay` set. Missing steps (logging every k steps, gaps) are filled by
// linear interpolation in u; norms before the first / after the last clean sample are held flat.
absl::StatusOr<RefinedSchedule> RefineScheduleFromNorms(
    const std::vector<GradientNormSample>& samples, const RefinementOptions& options);

// s_t = 1 - t/(steps-1), the fallback and the constant-norm refinement. Requires steps ≥ 2.
std::vector<double> LinearDecayMultipliers(int64_t steps);

// Values of the tabulated shape (on u_i = i/(N-1)) at u = t/(steps-1), linearly interpolated.
// Requires shape.size() ≥ 2 and steps ≥ 2.
std::vector<double> InterpolateShape(const std::vector<double>& shape, int64_t steps);

// lr_t = base_lr · s_t.
std::vector<double> ToLearningRates(const std::vector<double>& multipliers, double base_lr);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_SCHEDULE_REFINEMENT_H_
