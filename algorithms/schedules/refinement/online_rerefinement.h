// Mid-run re-refinement (lr-schedules.md §2.7 (b); a [hyperd] extension, NOT a published method):
// while a trial runs, re-plan the rest of its schedule from the gradient norms it has reported.
//
//   1. Extrapolate: every step after the last reported norm gets the median of the most recent
//      reports (the last max(1, ceil(recent_fraction · n)) of the n clean samples).
//   2. Refine the whole run [0, T) from seen + extrapolated norms with RefineScheduleFromNorms
//      (§2.4: median filter, closed form), on a grid of min(T, 10000) points.
//   3. Rescale the refined tail so that it continues from the LR in use: with R the refined shape
//      and s_k = ScheduleShapeAt(current, k) at k = current_step,
//        s'_t = min(max(1, s_k), s_k · R(t) / R(k))   for t ≥ k,
//      so s'_k = s_k exactly (no jump), the tail never exceeds the trial's peak base_lr (nor s_k
//      when s_k > 1), and it ends at 0 at t = T − 1 like every refined shape. The optional floor
//      min(min_multiplier, s_k) holds for k < t < T − 1 (never above the LR in use).
//
// The result is a TABULATED Schedule over the whole run [0, T) (same base_lr and total_steps,
// no warm-up) whose values before k are the current schedule's and from k on are the re-refined
// tail; the server hands it out with effective_from_step = k, and the job evaluates it with
// LearningRateAt from step k on. Representation:
//   * T ≤ kMaxRerefinedTablePoints: one table entry per step (shape[t] = s'_t), exact everywhere.
//   * Larger T: n = kMaxRerefinedTablePoints entries on the grid x_j = j·(T − 1)/(n − 1) (a
//     TABULATED schedule of T steps reads step t at x = t·(n − 1)/(T − 1)). Entries before k are
//     the current schedule at the nearest step (informational: the job no longer reads them). If k
//     is a grid point its entry is s_k; otherwise the two entries around k are both s_k, so the LR
//     stays exactly s_k from k to the next grid point (< (T − 1)/(n − 1) + 1 steps) before the
//     re-refined tail, sampled at the grid points, takes over (so when k lies in the last grid
//     cell, the LR holds s_k to the end instead of reaching 0). This keeps s'_k = s_k exactly and
//     the proto small (≤ 10001 doubles) for any T.
//   * If the current schedule exceeds 1 somewhere (piecewise_constant factors > 1), base_lr is
//     raised to the peak LR and the table divided by it, so every LR is kept and shape ≤ 1.
//
// Too little data is not an error: the current schedule comes back unchanged with a reason (no
// norms yet; fewer than min_samples clean samples after dropping the first trim_leading; more than
// max_nonfinite_fraction of the reports non-finite; more than half the norms, or the recent
// median, zero; fewer than 2 steps left). Non-finite norms are dropped and interpolated over, as
// RefineScheduleFromNorms does. Unlike the offline procedure, the last reports are not trimmed:
// they are live data, not export artefacts, and they set the extrapolation.
//
//   ASSIGN_OR_RETURN(RerefinedSchedule next, RerefineRemainder(trial_schedule, norms, 3000, {}));
//   if (next.changed) store(next.schedule, /*effective_from_step=*/3000);
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_ONLINE_REREFINEMENT_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_ONLINE_REREFINEMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/refinement/refined_shape.h"
#include "algorithms/schedules/refinement/schedule_refinement.h"

namespace hyperd::algorithms::schedules::refinement {

// Largest table a re-refined schedule carries (one entry per step up to this many steps).
inline constexpr int64_t kMaxRerefinedTablePoints = 10001;

struct RerefineOptions {
  NormKind kind = NormKind::kL2Sgd;
  // τ of the median filter (§2.3), in [0, 1].
  double filter_fraction = 0.1;
  // Floor for k < t < T − 1, relative to base_lr, in [0, 1); capped at s_k. 0: off.
  double min_multiplier = 0.0;
  // Extrapolation window: the last max(1, ceil(recent_fraction · n)) clean samples, in (0, 1].
  double recent_fraction = 0.1;
  // Clean samples dropped at the start of the log (export artefacts, as trim_per_end), ≥ 0.
  int64_t trim_leading = 2;
  // Leave the schedule unchanged when more than this fraction of the reports is non-finite.
  double max_nonfinite_fraction = 0.05;
  // Leave the schedule unchanged below this many clean samples (after the trim), ≥ 2.
  int64_t min_samples = 10;
  // N of the refinement grid: 0 means min(T, 10000); otherwise ≥ 2.
  int64_t grid_points = 0;
};

struct RerefinedSchedule {
  // The TABULATED schedule valid from current_step when `changed`; else a copy of `current`.
  Schedule schedule;
  bool changed = false;
  // Why the schedule was left unchanged (names the rule); empty when changed.
  std::string unchanged_reason;
  // The median norm assumed for the steps after the last report, and how many reports it is the
  // median of (0 when the schedule was left unchanged before extrapolating).
  double extrapolated_norm = 0.0;
  int64_t recent_samples = 0;
};

// `seen`: the trial's norms so far, strictly increasing steps in [0, current_step) (NaN / ±inf
// allowed; l2, or l1 for kL1Adam). `current_step` = k, the first step the new schedule governs.
// INVALID_ARGUMENT (message names the field): ValidateSchedule(current) fails ("schedule.…");
// current_step < 0; seen[i].step negative, not above seen[i−1].step, or ≥ current_step;
// seen[i].norm finite and negative; an option out of range ("options.<field>: …").
absl::StatusOr<RerefinedSchedule> RerefineRemainder(const Schedule& current,
                                                    const std::vector<GradientNormSample>& seen,
                                                    int64_t current_step,
                                                    const RerefineOptions& options);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_ONLINE_REREFINEMENT_H_
