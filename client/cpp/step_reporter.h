// Sends a trial's per-optimizer-step records (StepReport: LR used, loss, gradient norms,
// hypergradient dot product) to hyperd in batches, never one RPC per step (lr-schedules.md §6):
// a batch goes out as one ReportSteps call once it holds `max_batch_steps` records (default 50)
// or its oldest record is `max_batch_age` old (default 10 s), whichever comes first, and on
// Flush() or destruction. Each reply is fed to the trial's TrialSchedule, so online rules
// (REREFINE schedules, HYPERGRADIENT learning rates) reach the training loop.
//
//   ASSIGN_OR_RETURN(hyperd::TrialSchedule schedule, hyperd::TrialSchedule::FromTrial(trial));
//   hyperd::StepReporter reporter(client.get(), trial.name(), client_id, &schedule);
//   for (int64_t t = 0; t < total_steps && !reporter.should_stop(); ++t) {
//     const double lr = schedule.LearningRateAt(t);
//     ... forward, backward; norm = global l2 gradient norm BEFORE clipping; optimizer step ...
//     hyperd::v1::StepReport record;
//     record.set_step(t);
//     record.set_lr_applied(lr);
//     record.set_grad_norm_l2(norm);
//     reporter.Report(record).IgnoreError();  // a failed batch is kept and sent again later
//   }
//   RETURN_IF_ERROR(reporter.Flush());
//
// Sending happens on the caller's thread inside Report() or Flush(), so the training loop pays
// one RPC per batch and nothing runs behind its back (no thread, no locks). The age is checked
// when a record is added: a job that stops reporting keeps its last records until Flush().
//
// Failures. ReportSteps is idempotent per (trial, step), so a failed batch is safe to send again:
// after UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED (after the client's own retries) the
// records stay pending and the next attempt waits for another full batch or max_batch_age (a
// training loop is never stalled on every step by a server that is down). Pending records beyond
// `max_pending_steps` are dropped, oldest first, and counted. Any other error (the trial is
// finished or not this worker's, a bad record) drops the batch: sending it again cannot succeed.
//
// Thread-compatible: one thread (the training loop) uses a StepReporter and its TrialSchedule.
#ifndef HYPERD_CLIENT_CPP_STEP_REPORTER_H_
#define HYPERD_CLIENT_CPP_STEP_REPORTER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/cpp/hyperd_client.h"
#include "client/cpp/trial_schedule.h"

namespace hyperd {

struct StepReporterOptions {
  // k: records per ReportSteps call (>= 1; non-positive means the default, 50).
  int max_batch_steps = 50;
  // S: the oldest pending record is sent at the first Report() this long after it was added
  // (non-positive means the default, 10 s).
  absl::Duration max_batch_age = absl::Seconds(10);
  // Records kept while the server is unreachable (non-positive means the default, 100 000).
  int max_pending_steps = 100000;
  // The clock of max_batch_age; null means absl::Now (tests pass a fake clock).
  std::function<absl::Time()> now;
};

class StepReporter {
 public:
  // Sends one ReportSteps request and returns its reply (Client::ReportSteps, or a fake in tests).
  using Sender =
      std::function<absl::StatusOr<v1::ReportStepsResponse>(const v1::ReportStepsRequest&)>;

  // `client` and `schedule` must outlive this object; `schedule` may be null (replies then only
  // update should_stop). `trial_name` is "studies/{id}/trials/{n}"; `client_id` the worker
  // holding the trial (empty when the server does not check it).
  StepReporter(Client* client, std::string trial_name, std::string client_id,
               TrialSchedule* schedule, StepReporterOptions options = {});
  StepReporter(Sender sender, std::string trial_name, std::string client_id,
               TrialSchedule* schedule, StepReporterOptions options = {});
  // Flushes what is pending (one attempt; an error is ignored: call Flush() first to see it).
  ~StepReporter();

  StepReporter(const StepReporter&) = delete;
  StepReporter& operator=(const StepReporter&) = delete;

  // Queues `record` and sends the batch when it is full or old enough. Returns the send's status
  // (OK when nothing was sent). INVALID_ARGUMENT, and nothing queued, when record.step() is
  // negative or not greater than the previous record's step (a job that rewinds to a checkpoint
  // creates a new StepReporter; the server skips the steps it already has).
  absl::Status Report(const v1::StepReport& record);
  // Sends every pending record now (nothing to send: OK).
  absl::Status Flush();

  // True once a reply said the trial should stop (it is STOPPING): finish the step, complete it.
  bool should_stop() const { return should_stop_; }
  // Records queued and not yet acknowledged.
  int pending_steps() const { return static_cast<int>(pending_.size()); }
  // Records acknowledged by the server (accepted or duplicates), and dropped without being sent.
  int64_t sent_steps() const { return sent_steps_; }
  int64_t dropped_steps() const { return dropped_steps_; }
  // The status of the last send (OK before the first one).
  const absl::Status& last_status() const { return last_status_; }
  // The lease expiry from the last reply (InfinitePast before the first one).
  absl::Time lease_expire_time() const { return lease_expire_time_; }

 private:
  struct Pending {
    v1::StepReport record;
    absl::Time added;
  };

  absl::Time Now() const;
  bool BatchDue(absl::Time now) const;
  // Sends the pending records (in batches of at most max_batch_steps) until none is left or a
  // send fails.
  absl::Status SendPending();
  absl::Status SendBatch(int count);

  const Sender sender_;
  const std::string trial_name_;
  const std::string client_id_;
  TrialSchedule* const schedule_;
  const StepReporterOptions options_;

  std::deque<Pending> pending_;
  int64_t last_step_ = -1;
  // After a failed send: no new attempt before this many records are pending or this time.
  int retry_at_size_ = 0;
  absl::Time retry_at_time_ = absl::InfinitePast();
  bool should_stop_ = false;
  int64_t sent_steps_ = 0;
  int64_t dropped_steps_ = 0;
  absl::Status last_status_;
  absl::Time lease_expire_time_ = absl::InfinitePast();
};

}  // namespace hyperd

#endif  // HYPERD_CLIENT_CPP_STEP_REPORTER_H_
