#include "client/cpp/trial_heartbeat.h"

#include <utility>

namespace hyperd {
namespace {

bool TrialNoLongerOpen(const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound ||
         status.code() == absl::StatusCode::kFailedPrecondition;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

TrialHeartbeat::TrialHeartbeat(Client* client, std::string trial_name, std::string client_id,
                               absl::Duration interval, BeatCallback on_beat)
    : client_(client),
      trial_name_(std::move(trial_name)),
      client_id_(std::move(client_id)),
      interval_(interval > absl::ZeroDuration() ? interval : absl::Seconds(60)),
      on_beat_(std::move(on_beat)),
      thread_([this] { Run(); }) {}

TrialHeartbeat::~TrialHeartbeat() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  wake_.Signal();
  thread_.join();
}

void TrialHeartbeat::Run() {
  absl::Time next_beat = absl::Now() + interval_;
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      // Loop: WaitWithDeadline may return early (spurious wake-ups).
      while (!stopping_ && absl::Now() < next_beat) wake_.WaitWithDeadline(&mutex_, next_beat);
      if (stopping_) return;
    }
    Beat();
    {
      absl::MutexLock lock(&mutex_);
      if (TrialNoLongerOpen(last_status_)) return;
    }
    next_beat = absl::Now() + interval_;
  }
}

void TrialHeartbeat::Beat() {
  v1::HeartbeatRequest request;
  request.set_name(trial_name_);
  request.set_client_id(client_id_);
  absl::StatusOr<v1::HeartbeatResponse> response = client_->Heartbeat(request);
  {
    absl::MutexLock lock(&mutex_);
    last_status_ = response.status();
    if (response.ok()) {
      ++successful_beats_;
      lease_expire_time_ = FromProto(response->lease_expire_time());
      should_stop_ = should_stop_ || response->should_stop();
    }
  }
  if (on_beat_) on_beat_(response);
}

bool TrialHeartbeat::should_stop() const {
  absl::MutexLock lock(&mutex_);
  return should_stop_;
}

absl::Status TrialHeartbeat::last_status() const {
  absl::MutexLock lock(&mutex_);
  return last_status_;
}

absl::Time TrialHeartbeat::lease_expire_time() const {
  absl::MutexLock lock(&mutex_);
  return lease_expire_time_;
}

int TrialHeartbeat::successful_beats() const {
  absl::MutexLock lock(&mutex_);
  return successful_beats_;
}

}  // namespace hyperd
