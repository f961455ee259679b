// One study's live state, as the runtime holds it in memory: the stored study row, its trials with
// their measurements, and the sampler built from its spec. Guarded by its own mutex, so different
// studies never contend.
#ifndef HYPERD_SERVER_STUDY_STATE_H_
#define HYPERD_SERVER_STUDY_STATE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/schedulers/scheduler.h"
#include "algorithms/space/search_space.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/study_bandit.h"
#include "server/study_schedules.h"
#include "storage/trial_store.h"

namespace hyperd::server {

struct TrialEntry {
  // Every field of the trial except `measurements` (this is what storage keeps per trial row).
  hyperd::v1::Trial header;
  std::vector<hyperd::v1::Measurement> measurements;  // by increasing step
  std::vector<StepSample> steps;                      // ReportSteps, by increasing step
};

class StudyState {
 public:
  // From a validated, normalised study (NormalizeNewStudy) or from storage.
  static absl::StatusOr<std::unique_ptr<StudyState>> Create(storage::StudyRecord record);

  const std::string& id() const { return id_; }

  absl::Mutex mu;
  storage::StudyRecord record ABSL_GUARDED_BY(mu);
  std::vector<TrialEntry> trials ABSL_GUARDED_BY(mu);  // index == trial number
  std::string sampler_status ABSL_GUARDED_BY(mu);
  // Incremental (rung tables, per-step statistics); rebuilt from the measurements at load.
  std::unique_ptr<algorithms::Scheduler> scheduler ABSL_GUARDED_BY(mu);
  // Bandit studies only (is_bandit()): the policy and its arms; null otherwise.
  std::unique_ptr<StudyBandit> bandit ABSL_GUARDED_BY(mu);
  // Studies with spec.schedule only: the schedules trials get and the online rules; else null.
  std::unique_ptr<StudySchedules> schedules ABSL_GUARDED_BY(mu);
  bool deleted ABSL_GUARDED_BY(mu) = false;

  // Trial numbers by state, kept by SetTrialState, so suggestions and limits never scan the
  // whole history (a bandit study may hold 100,000 trials).
  std::set<int64_t> open_trials ABSL_GUARDED_BY(mu);       // ACTIVE or STOPPING
  std::set<int64_t> requested_trials ABSL_GUARDED_BY(mu);  // REQUESTED, oldest first

  // Suggestions of one study run one at a time (a strand on the worker pool), so a sampler always
  // starts from the state its previous call returned. Each job is called with OK to run, or with
  // the reason it cannot run.
  std::deque<std::function<void(absl::Status)>> suggest_queue ABSL_GUARDED_BY(mu);
  bool suggest_running ABSL_GUARDED_BY(mu) = false;

  // Immutable after Create: derived from the spec.
  const algorithms::SearchSpace& space() const { return space_; }
  // Not for bandit studies, whose policy is `bandit`.
  const algorithms::Sampler& sampler() const { return *sampler_; }
  bool is_bandit() const { return sampler_ == nullptr; }
  const std::string& sampler_name() const { return sampler_name_; }
  const std::string& objective_metric() const { return objective_metric_; }
  algorithms::Goal goal() const { return goal_; }
  absl::Duration lease_duration() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // The API view of the study (with trial counts) and of a trial (with its measurements).
  hyperd::v1::Study ToProto() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  hyperd::v1::Trial TrialToProto(const TrialEntry& entry, bool with_measurements = true) const;

  // Every change of a trial's state goes through here: it keeps open_trials, requested_trials
  // and the bandit's pending pulls in step. RebuildTrialIndex derives them from scratch (load).
  void SetTrialState(TrialEntry& entry, hyperd::v1::Trial::State state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void RebuildTrialIndex() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  hyperd::v1::TrialCounts CountTrials() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // Trials held by workers (ACTIVE or STOPPING).
  int CountOpenTrials() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  int CountFinishedTrials() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // What the samplers see of the study's trials (with measurements for samplers that read them).
  std::vector<algorithms::TrialObservation> Observations() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Whether `a` is a better objective value than `b` (non-finite values are worst).
  bool IsBetter(double a, double b) const;
  // `value` on the minimisation scale the schedulers use.
  double ToMinimization(double value) const {
    return goal_ == algorithms::Goal::kMaximize ? -value : value;
  }

  // A number that changes whenever the study or one of its trials changes in a way the API shows.
  // Every such change is persisted, and the builders of storage mutations below call
  // MarkChanged; so do in-memory changes that are not stored (the sampler status recomputed at
  // load). Drawn from a process-wide counter, so a study deleted and created again never repeats
  // a value. Lets polling readers (the dashboard) skip reading an unchanged study.
  uint64_t generation() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return generation_; }
  void MarkChanged() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Storage mutations for this study's changes (each marks the study changed).
  storage::PutTrial PutTrialMutation(const TrialEntry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  storage::PutStudy PutStudyMutation() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  storage::PutMeasurement PutMeasurementMutation(const TrialEntry& entry,
                                                 const hyperd::v1::Measurement& measurement)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  storage::PutSamplerState PutSamplerStateMutation() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // `steps` of `entry` (ReportSteps).
  storage::PutSteps PutStepsMutation(const TrialEntry& entry,
                                     std::vector<hyperd::v1::StepReport> steps)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

 private:
  StudyState() = default;

  std::string id_;
  algorithms::SearchSpace space_;
  std::unique_ptr<algorithms::Sampler> sampler_;
  std::string sampler_name_;
  std::string objective_metric_;
  algorithms::Goal goal_ = algorithms::Goal::kMinimize;
  uint64_t generation_ ABSL_GUARDED_BY(mu) = 0;
};

bool IsOpen(hyperd::v1::Trial::State state);
bool IsFinished(hyperd::v1::Trial::State state);

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_STUDY_STATE_H_
