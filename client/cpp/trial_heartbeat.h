// Keeps an open trial's lease alive while the job trains, by calling Heartbeat in the
// background every `interval`, until the TrialHeartbeat is destroyed.
//
//   hyperd::TrialHeartbeat heartbeat(client.get(), trial.name(), client_id);
//   for (int epoch = 1; ...) {
//     Train();
//     if (heartbeat.should_stop()) break;
//     ...ReportMeasurement...
//   }
//   // leaving the scope stops the heartbeat promptly, even mid-interval.
//
// Pick an interval well below the study's lease_duration (default 10 minutes), e.g. a sixth of
// it: one lost beat must not let the lease lapse. The first beat is sent one interval after
// construction (the trial's lease was just granted or renewed by the caller).
//
// The thread stops beating on its own once the server answers NOT_FOUND or FAILED_PRECONDITION
// (the trial is gone or no longer open); other errors are recorded and it keeps beating.
//
// Thread-safety: the accessors may be called from any thread.
#ifndef HYPERD_CLIENT_CPP_TRIAL_HEARTBEAT_H_
#define HYPERD_CLIENT_CPP_TRIAL_HEARTBEAT_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/cpp/hyperd_client.h"

namespace hyperd {

class TrialHeartbeat {
 public:
  // Called on the heartbeat thread after every beat, with its result.
  using BeatCallback = std::function<void(const absl::StatusOr<v1::HeartbeatResponse>&)>;

  // `client` must outlive this object. `trial_name` is "studies/{id}/trials/{n}"; `client_id`
  // is the worker holding the trial (may be empty when the server does not check it).
  // A non-positive `interval` means the default, 60 s.
  TrialHeartbeat(Client* client, std::string trial_name, std::string client_id,
                 absl::Duration interval = absl::Seconds(60), BeatCallback on_beat = nullptr);
  // Wakes the thread and joins it. Returns at once between beats; during a beat it waits for
  // that call to end (bounded by the client's deadline).
  ~TrialHeartbeat();

  TrialHeartbeat(const TrialHeartbeat&) = delete;
  TrialHeartbeat& operator=(const TrialHeartbeat&) = delete;

  // True once a beat's reply said the trial should stop (it is STOPPING).
  bool should_stop() const;
  // The last beat's status (OK before the first beat).
  absl::Status last_status() const;
  // The lease expiry from the last successful beat (InfinitePast before the first one).
  absl::Time lease_expire_time() const;
  // Number of beats that got an OK reply.
  int successful_beats() const;

 private:
  void Run();
  void Beat();

  Client* const client_;
  const std::string trial_name_;
  const std::string client_id_;
  const absl::Duration interval_;
  const BeatCallback on_beat_;

  mutable absl::Mutex mutex_;
  absl::CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool should_stop_ ABSL_GUARDED_BY(mutex_) = false;
  absl::Status last_status_ ABSL_GUARDED_BY(mutex_);
  absl::Time lease_expire_time_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  int successful_beats_ ABSL_GUARDED_BY(mutex_) = 0;

  std::thread thread_;  // last: started once every other member is initialised
};

}  // namespace hyperd

#endif  // HYPERD_CLIENT_CPP_TRIAL_HEARTBEAT_H_
