#include "client/cpp/trial_schedule.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/schedules/families/learning_rate.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/conversion/schedule_conversion.h"

namespace hyperd {

namespace schedules = algorithms::schedules;

absl::StatusOr<TrialSchedule> TrialSchedule::Create(const v1::Schedule& schedule) {
  absl::StatusOr<schedules::Schedule> converted =
      conversion::ScheduleFromProto(schedule, "schedule");
  if (!converted.ok()) return converted.status();
  return TrialSchedule(schedule, *std::move(converted));
}

absl::StatusOr<TrialSchedule> TrialSchedule::FromTrial(const v1::Trial& trial) {
  if (!trial.has_schedule()) {
    return absl::FailedPreconditionError(
        absl::StrCat(trial.name(),
                     " has no schedule: its study sets no spec.schedule; add a "
                     "schedule block to the study spec to get one per trial"));
  }
  return Create(trial.schedule());
}

TrialSchedule::TrialSchedule(v1::Schedule proto, schedules::Schedule schedule)
    : proto_(std::move(proto)) {
  segments_.push_back({proto_.effective_from_step(),
                       std::make_shared<const schedules::Schedule>(std::move(schedule)),
                       std::nullopt});
}

double TrialSchedule::LearningRateAt(int64_t step) const {
  // The last segment starting at or before `step`; the first one for earlier steps.
  auto after =
      std::upper_bound(segments_.begin() + 1, segments_.end(), step,
                       [](int64_t s, const Segment& segment) { return s < segment.from_step; });
  const Segment& segment = *(after - 1);
  if (segment.learning_rate.has_value()) return *segment.learning_rate;
  return schedules::LearningRateAt(*segment.schedule, step);
}

const v1::Schedule& TrialSchedule::schedule() const { return proto_; }

std::optional<double> TrialSchedule::override_learning_rate() const {
  return segments_.back().learning_rate;
}

int64_t TrialSchedule::override_step() const { return segments_.back().from_step; }

void TrialSchedule::Replace(Segment segment) {
  while (!segments_.empty() && segments_.back().from_step >= segment.from_step) {
    segments_.pop_back();
  }
  segments_.push_back(std::move(segment));
}

absl::Status TrialSchedule::Update(const v1::Schedule& update) {
  if (google::protobuf::util::MessageDifferencer::Equals(update, proto_)) {
    return absl::OkStatus();
  }
  absl::StatusOr<schedules::Schedule> converted = conversion::ScheduleFromProto(update, "schedule");
  if (!converted.ok()) return converted.status();
  proto_ = update;
  Replace({update.effective_from_step(),
           std::make_shared<const schedules::Schedule>(*std::move(converted)), std::nullopt});
  return absl::OkStatus();
}

absl::Status TrialSchedule::OverrideLearningRate(int64_t step, double learning_rate) {
  if (step < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("step is ", step, "; an LR override applies from an optimizer step >= 0"));
  }
  if (!std::isfinite(learning_rate) || learning_rate < 0) {
    return absl::InvalidArgumentError(absl::StrCat("next_learning_rate is ", learning_rate,
                                                   "; a learning rate must be finite and >= 0"));
  }
  Replace({step, nullptr, learning_rate});
  return absl::OkStatus();
}

absl::Status TrialSchedule::Apply(const v1::ReportStepsResponse& reply,
                                  int64_t last_reported_step) {
  if (reply.has_schedule()) {
    if (absl::Status status = Update(reply.schedule()); !status.ok()) return status;
  }
  if (reply.has_next_learning_rate()) {
    return OverrideLearningRate(last_reported_step + 1, reply.next_learning_rate());
  }
  return absl::OkStatus();
}

absl::Status TrialSchedule::Apply(const v1::ReportMeasurementResponse& reply) {
  return reply.has_schedule() ? Update(reply.schedule()) : absl::OkStatus();
}

}  // namespace hyperd
