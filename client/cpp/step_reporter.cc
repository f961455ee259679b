#include "client/cpp/step_reporter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hyperd {
namespace {

constexpr int kDefaultBatchSteps = 50;
constexpr absl::Duration kDefaultBatchAge = absl::Seconds(10);
constexpr int kDefaultMaxPending = 100000;

StepReporterOptions WithDefaults(StepReporterOptions options) {
  if (options.max_batch_steps <= 0) options.max_batch_steps = kDefaultBatchSteps;
  if (options.max_batch_age <= absl::ZeroDuration()) options.max_batch_age = kDefaultBatchAge;
  if (options.max_pending_steps <= 0) options.max_pending_steps = kDefaultMaxPending;
  options.max_pending_steps = std::max(options.max_pending_steps, options.max_batch_steps);
  return options;
}

// Worth sending again later: the server or the network may recover; the steps are idempotent.
bool IsTransient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded ||
         status.code() == absl::StatusCode::kResourceExhausted;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

StepReporter::StepReporter(Client* client, std::string trial_name, std::string client_id,
                           TrialSchedule* schedule, StepReporterOptions options)
    : StepReporter(
          [client](const v1::ReportStepsRequest& request) { return client->ReportSteps(request); },
          std::move(trial_name), std::move(client_id), schedule, std::move(options)) {}

StepReporter::StepReporter(Sender sender, std::string trial_name, std::string client_id,
                           TrialSchedule* schedule, StepReporterOptions options)
    : sender_(std::move(sender)),
      trial_name_(std::move(trial_name)),
      client_id_(std::move(client_id)),
      schedule_(schedule),
      options_(WithDefaults(std::move(options))) {}

StepReporter::~StepReporter() { Flush().IgnoreError(); }

absl::Time StepReporter::Now() const { return options_.now ? options_.now() : absl::Now(); }

absl::Status StepReporter::Report(const v1::StepReport& record) {
  if (record.step() < 0 || record.step() <= last_step_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "step is ", record.step(), "; steps must be >= 0 and increase (the previous was ",
        last_step_, "); after rewinding to a checkpoint, report through a new StepReporter"));
  }
  const absl::Time now = Now();
  last_step_ = record.step();
  pending_.push_back({record, now});
  if (static_cast<int>(pending_.size()) > options_.max_pending_steps) {
    pending_.pop_front();
    ++dropped_steps_;
  }
  return BatchDue(now) ? SendPending() : absl::OkStatus();
}

absl::Status StepReporter::Flush() { return pending_.empty() ? absl::OkStatus() : SendPending(); }

bool StepReporter::BatchDue(absl::Time now) const {
  if (pending_.empty()) return false;
  const int size = static_cast<int>(pending_.size());
  if (retry_at_size_ > 0) return size >= retry_at_size_ || now >= retry_at_time_;
  return size >= options_.max_batch_steps || now - pending_.front().added >= options_.max_batch_age;
}

absl::Status StepReporter::SendPending() {
  while (!pending_.empty()) {
    const int count = std::min(static_cast<int>(pending_.size()), options_.max_batch_steps);
    if (absl::Status status = SendBatch(count); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status StepReporter::SendBatch(int count) {
  v1::ReportStepsRequest request;
  request.set_name(trial_name_);
  request.set_client_id(client_id_);
  for (int i = 0; i < count; ++i) *request.add_steps() = pending_[i].record;
  const int64_t last_step = pending_[count - 1].record.step();

  absl::StatusOr<v1::ReportStepsResponse> reply = sender_(request);
  if (!reply.ok() && IsTransient(reply.status())) {
    // Keep the records; try again after another batch or another max_batch_age.
    retry_at_size_ = static_cast<int>(pending_.size()) + options_.max_batch_steps;
    retry_at_time_ = Now() + options_.max_batch_age;
    last_status_ = reply.status();
    return last_status_;
  }
  pending_.erase(pending_.begin(), pending_.begin() + count);
  retry_at_size_ = 0;
  if (!reply.ok()) {
    dropped_steps_ += count;
    last_status_ = reply.status();
    return last_status_;
  }
  sent_steps_ += count;
  should_stop_ = should_stop_ || reply->should_stop();
  if (reply->has_lease_expire_time()) lease_expire_time_ = FromProto(reply->lease_expire_time());
  last_status_ = schedule_ != nullptr ? schedule_->Apply(*reply, last_step) : absl::OkStatus();
  return last_status_;
}

}  // namespace hyperd
