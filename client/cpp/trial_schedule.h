// A trial's learning-rate schedule, evaluated in the job: LearningRateAt(step) uses the closed
// forms of the schedule library (algorithms/schedules/families/learning_rate.h, through
// proto/conversion/schedule_conversion.h), so a training loop never makes an RPC per step.
//
//   ASSIGN_OR_RETURN(hyperd::TrialSchedule schedule, hyperd::TrialSchedule::FromTrial(trial));
//   for (int64_t t = 0; t < total_steps; ++t) {
//     optimizer.set_lr(schedule.LearningRateAt(t));
//     ...
//   }
//
// Online rules (ScheduleSpec.online) change a running trial's schedule; the replies that carry
// the change (ReportSteps, ReportMeasurement) are fed back with Apply(), usually by a
// StepReporter (step_reporter.h):
//  * REREFINE: a new Schedule whose effective_from_step says where it takes over;
//  * HYPERGRADIENT: next_learning_rate, the LR from the step after the last one reported until
//    the next reply (the job runs at most one batch behind the server's rule).
//
// The object keeps the history: each update applies from its step on and replaces whatever was
// planned from that step, while LearningRateAt of earlier steps still returns what the job used
// then. So LearningRateAt(t) is the LR of update t as far as the job knows at the time of the call.
//
// Thread-compatible: const methods may run concurrently; anything else needs external locking.
#ifndef HYPERD_CLIENT_CPP_TRIAL_SCHEDULE_H_
#define HYPERD_CLIENT_CPP_TRIAL_SCHEDULE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "algorithms/schedules/families/schedule.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd {

class TrialSchedule {
 public:
  // INVALID_ARGUMENT naming the field ("schedule.<field>") when `schedule` is not a valid
  // schedule (e.g. base_lr or total_steps unset).
  static absl::StatusOr<TrialSchedule> Create(const v1::Schedule& schedule);
  // The schedule of a trial of a study with a schedule block (Trial.schedule).
  // FAILED_PRECONDITION when the trial has none (its study sets no `spec.schedule`).
  static absl::StatusOr<TrialSchedule> FromTrial(const v1::Trial& trial);

  // The LR of optimizer update `step` (0-indexed, spec §0). Steps before the first schedule's
  // effective_from_step read that schedule; past its total_steps the family's clamped tail.
  double LearningRateAt(int64_t step) const;

  // The latest schedule (the one that applies to the newest steps).
  const v1::Schedule& schedule() const;
  // The fixed LR set by the newest update when it was a next_learning_rate override (it applies
  // from override_step() on); nullopt when the newest update was a schedule.
  std::optional<double> override_learning_rate() const;
  int64_t override_step() const;

  // A schedule update: it applies from update.effective_from_step() on. A schedule equal to the
  // latest one changes nothing (replies repeat the trial's schedule). INVALID_ARGUMENT (field
  // "schedule.<field>") for an invalid schedule; nothing changes then.
  absl::Status Update(const v1::Schedule& update);
  // HYPERGRADIENT: from `step` on, updates use `learning_rate` (until the next update).
  // INVALID_ARGUMENT for a negative step or an LR that is negative or not finite.
  absl::Status OverrideLearningRate(int64_t step, double learning_rate);

  // Feeds a ReportSteps reply for a batch whose last step was `last_reported_step`: its schedule
  // (when set), then its next_learning_rate (when set) from last_reported_step + 1.
  absl::Status Apply(const v1::ReportStepsResponse& reply, int64_t last_reported_step);
  // Feeds a ReportMeasurement reply: its schedule, when set.
  absl::Status Apply(const v1::ReportMeasurementResponse& reply);

 private:
  // One stretch of the run, from `from_step` until the next segment: a schedule, or a fixed LR.
  struct Segment {
    int64_t from_step = 0;
    std::shared_ptr<const algorithms::schedules::Schedule> schedule;
    std::optional<double> learning_rate;
  };

  TrialSchedule(v1::Schedule proto, algorithms::schedules::Schedule schedule);
  // Drops the segments from `from_step` on and appends `segment` (the newest update wins).
  void Replace(Segment segment);

  v1::Schedule proto_;             // the latest schedule as received
  std::vector<Segment> segments_;  // by increasing from_step; never empty
};

}  // namespace hyperd

#endif  // HYPERD_CLIENT_CPP_TRIAL_SCHEDULE_H_
