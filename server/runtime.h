// The study runtime: every API operation on studies and trials, with the trial lifecycle, leases
// and limits of DESIGN.md §3-4. Domain code: takes and returns API messages and absl::Status, never
// gRPC types.
//
// Writes follow one pattern: validate (no state change on bad input), change the in-memory study
// under its mutex, submit the mutations to the store in the same critical section (so the store
// sees them in memory order), and reply from the store's commit callback, so a reply always means
// durable. Leases live in memory only: renewing one writes nothing (a restart grants every open
// trial a fresh lease anyway), so reports append one measurement row and heartbeats write nothing.
// If a commit fails the runtime stops accepting writes (fail-stop: memory may be ahead of the disk)
// until a restart reloads the truth from storage.
#ifndef HYPERD_SERVER_RUNTIME_H_
#define HYPERD_SERVER_RUNTIME_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/empty.pb.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/clock.h"
#include "server/server_limits.h"
#include "server/study_state.h"
#include "server/worker_pool.h"
#include "storage/trial_store.h"

namespace hyperd::server {

template <typename T>
using Reply = std::function<void(absl::StatusOr<T>)>;

// Scheduler decisions (stop or continue) by scheduler name; the names are the few scheduler
// algorithms, so the set stays small. Thread-safe.
class SchedulerDecisionCounts {
 public:
  struct Tally {
    int64_t stop = 0;
    int64_t go_on = 0;  // "continue"
  };
  void Count(absl::string_view scheduler, bool stop) {
    absl::MutexLock lock(&mu_);
    Tally& tally = counts_[std::string(scheduler)];
    ++(stop ? tally.stop : tally.go_on);
  }
  std::map<std::string, Tally> Snapshot() const {
    absl::MutexLock lock(&mu_);
    return counts_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, Tally> counts_ ABSL_GUARDED_BY(mu_);
};

// Counters the metrics layer exports.
struct RuntimeCounters {
  std::atomic<int64_t> leases_reclaimed{0};
  std::atomic<int64_t> measurements_stored{0};
  std::atomic<int64_t> measurements_duplicate{0};
  std::atomic<int64_t> trials_created{0};
  std::atomic<int64_t> scheduler_stops{0};  // trials asked to stop by a report
  SchedulerDecisionCounts scheduler_decisions;  // each decision on a report of an active trial
};

// Observes each suggestion's latency, by sampler name (metrics).
using SuggestObserver = std::function<void(const std::string& sampler, absl::Duration duration)>;

// Thread-safe. Replies may run on the caller's thread, a worker-pool thread or the store's writer
// thread; they must be quick.
class Runtime {
 public:
  // `limits` bounds what clients can make the server hold (server_limits.h); the defaults when
  // omitted.
  Runtime(storage::TrialStore* store, const Clock* clock, WorkerPool* pool,
          ServerLimits limits = ServerLimits());
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Loads every study from the store and grants every open trial a fresh lease in memory (an
  // outage never fails trials en masse). Call once, before serving.
  absl::Status Load();

  void CreateStudy(const hyperd::v1::CreateStudyRequest& request, Reply<hyperd::v1::Study> reply);
  absl::StatusOr<hyperd::v1::Study> GetStudy(const hyperd::v1::GetStudyRequest& request);
  // A number that changes whenever the study or one of its trials changes in a way the reads
  // show (trial lease renewals aside), and never repeats in this process, not even for a study
  // deleted and created again: a polling reader that saw it before has seen this state.
  // NOT_FOUND like GetStudy. O(1).
  absl::StatusOr<uint64_t> StudyGeneration(absl::string_view study_id);
  absl::StatusOr<hyperd::v1::ListStudiesResponse> ListStudies(
      const hyperd::v1::ListStudiesRequest& request);
  void UpdateStudy(const hyperd::v1::UpdateStudyRequest& request, Reply<hyperd::v1::Study> reply);
  void SetStudyState(const hyperd::v1::SetStudyStateRequest& request,
                     Reply<hyperd::v1::Study> reply);
  void DeleteStudy(const hyperd::v1::DeleteStudyRequest& request,
                   Reply<google::protobuf::Empty> reply);

  void SuggestTrials(const hyperd::v1::SuggestTrialsRequest& request,
                     Reply<hyperd::v1::SuggestTrialsResponse> reply);
  void CreateTrial(const hyperd::v1::CreateTrialRequest& request, Reply<hyperd::v1::Trial> reply);
  absl::StatusOr<hyperd::v1::Trial> GetTrial(const hyperd::v1::GetTrialRequest& request);
  absl::StatusOr<hyperd::v1::ListTrialsResponse> ListTrials(
      const hyperd::v1::ListTrialsRequest& request);
  void ReportMeasurement(const hyperd::v1::ReportMeasurementRequest& request,
                         Reply<hyperd::v1::ReportMeasurementResponse> reply);
  // Stores a batch of step reports (steps already stored are skipped as duplicates) and applies
  // the study's online schedule rule. FAILED_PRECONDITION for a study without a schedule.
  void ReportSteps(const hyperd::v1::ReportStepsRequest& request,
                   Reply<hyperd::v1::ReportStepsResponse> reply);
  void Heartbeat(const hyperd::v1::HeartbeatRequest& request,
                 Reply<hyperd::v1::HeartbeatResponse> reply);
  absl::StatusOr<hyperd::v1::CheckTrialEarlyStoppingResponse> CheckTrialEarlyStopping(
      const hyperd::v1::CheckTrialEarlyStoppingRequest& request);
  void CompleteTrial(const hyperd::v1::CompleteTrialRequest& request,
                     Reply<hyperd::v1::Trial> reply);
  void FailTrial(const hyperd::v1::FailTrialRequest& request, Reply<hyperd::v1::Trial> reply);
  void StopTrial(const hyperd::v1::StopTrialRequest& request, Reply<hyperd::v1::Trial> reply);
  absl::StatusOr<hyperd::v1::ListOptimalTrialsResponse> ListOptimalTrials(
      const hyperd::v1::ListOptimalTrialsRequest& request);
  // FAILED_PRECONDITION for a study whose sampler is not a bandit policy.
  absl::StatusOr<hyperd::v1::ListArmsResponse> ListArms(const hyperd::v1::ListArmsRequest& request);

  // Ends every open trial whose lease has expired (ACTIVE -> FAILED "lease expired", STOPPING ->
  // PRUNED) and completes studies past their deadline. Returns the number of trials reclaimed.
  // Called periodically by the LeaseReaper; the writes are submitted before it returns.
  int ReapExpiredLeases();

  // Studies and trials by state, for metrics.
  std::map<std::string, int64_t> CountStudiesByState();
  std::map<std::string, int64_t> CountTrialsByState();

  const RuntimeCounters& counters() const { return counters_; }
  const ServerLimits& limits() const { return limits_; }
  // SuggestTrials calls admitted and not yet answered: of one client, and in total.
  int SuggestsInFlight(absl::string_view client_id) const;
  int SuggestsInFlight() const;
  void set_suggest_observer(SuggestObserver observer) { suggest_observer_ = std::move(observer); }
  // False once a commit failed (see the class comment): health reports NOT_SERVING.
  bool healthy() const { return !storage_failed_.load(); }

 private:
  struct SuggestPlan;

  absl::StatusOr<std::shared_ptr<StudyState>> FindStudy(const std::string& study_id);
  absl::StatusOr<std::shared_ptr<StudyState>> FindStudyByName(absl::string_view field,
                                                              absl::string_view name);
  // Resolves a trial name to its study (the trial is checked under the study's lock by the caller).
  absl::StatusOr<std::pair<std::shared_ptr<StudyState>, int64_t>> FindTrial(absl::string_view field,
                                                                            absl::string_view name);

  // A trial of `study` (locked by the caller): NOT_FOUND when the study was deleted or the number
  // is past its last trial.
  static absl::StatusOr<TrialEntry*> LockedTrial(StudyState& study, int64_t number)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);
  // The same, for a write: the trial must be open (or REQUESTED if allowed), held by `client_id`
  // when one is given, and the server must accept writes.
  absl::StatusOr<TrialEntry*> WritableTrial(StudyState& study, int64_t number,
                                            absl::string_view client_id, bool allow_requested)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);

  // Submits `batch` and calls `reply(value)` once it is durable, or with the commit's error.
  template <typename T>
  void CommitThenReply(storage::WriteBatch batch, T value, Reply<T> reply);
  absl::Status CheckWritable() const;
  // Rebuilds a loaded study's scheduler state from its stored measurements.
  static void ReplayScheduler(StudyState& study) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);
  // Rebuilds a loaded study's refinement source and its open trials' online state.
  static void RestoreSchedules(StudyState& study) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);
  // Re-applies a loaded bandit study's rewards in the order they were first applied.
  static absl::Status ReplayBandit(StudyState& study) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);
  // Recomputes a loaded study's sampler_status (it is not stored).
  static void RestoreSamplerStatus(StudyState& study) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);

  // Admits one SuggestTrials call of `client_id` within the per-client and server-wide limits
  // (RESOURCE_EXHAUSTED otherwise); ReleaseSuggest undoes it when the call is answered.
  absl::Status AdmitSuggest(const std::string& client_id);
  void ReleaseSuggest(const std::string& client_id);

  // Runs the suggestion strand of `study` on the worker pool.
  void RunSuggestStrand(std::shared_ptr<StudyState> study);
  void Suggest(const std::shared_ptr<StudyState>& study,
               const hyperd::v1::SuggestTrialsRequest& request,
               Reply<hyperd::v1::SuggestTrialsResponse> reply);

  // Shared by Complete/Fail/Stop: applies `mutate` to the trial under the study lock after the
  // common checks, then commits and replies with the trial.
  void MutateTrial(
      absl::string_view field, absl::string_view name, absl::string_view client_id,
      bool allow_requested,
      const std::function<absl::Status(StudyState&, TrialEntry&, storage::WriteBatch&)>& mutate,
      Reply<hyperd::v1::Trial> reply);

  // Ends `entry` in a final state; updates the study's own state when a limit is reached.
  void FinishTrial(StudyState& study, TrialEntry& entry, hyperd::v1::Trial::State state,
                   std::optional<double> value, absl::string_view reason,
                   storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);
  // Completes the study if its deadline passed. Returns whether it changed.
  bool CompleteIfPastDeadline(StudyState& study, storage::WriteBatch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);
  void SetStudyStateLocked(StudyState& study, hyperd::v1::Study::State state,
                           absl::string_view reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);
  void RenewLease(StudyState& study, TrialEntry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(study.mu);

  storage::TrialStore* const store_;
  const Clock* const clock_;
  WorkerPool* const pool_;
  const ServerLimits limits_;
  RuntimeCounters counters_;
  SuggestObserver suggest_observer_;
  std::atomic<bool> storage_failed_{false};

  absl::Mutex studies_mu_;
  std::map<std::string, std::shared_ptr<StudyState>> studies_ ABSL_GUARDED_BY(studies_mu_);

  // Admitted SuggestTrials calls; a client's entry is erased when its count returns to 0, so the
  // map holds at most max_pending_suggests entries.
  mutable absl::Mutex admission_mu_;
  std::map<std::string, int> suggests_by_client_ ABSL_GUARDED_BY(admission_mu_);
  int suggests_in_flight_ ABSL_GUARDED_BY(admission_mu_) = 0;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_RUNTIME_H_
