#include "server/dashboard/document_fields.h"

#include <string>

#include "absl/time/time.h"
#include "server/request_validation.h"
#include "server/spec_conversion.h"
#include "server/time_conversion.h"

namespace hyperd::server::dashboard {

using hyperd::v1::Study;
using hyperd::v1::Trial;

void WriteTime(const google::protobuf::Timestamp& time, JsonWriter& json) {
  if (time.seconds() == 0 && time.nanos() == 0) {
    json.Null();
    return;
  }
  json.String(absl::FormatTime(absl::RFC3339_full, FromProtoTime(time), absl::UTCTimeZone()));
}

void WriteParameterValue(const hyperd::v1::Parameter& parameter, JsonWriter& json) {
  switch (parameter.value_case()) {
    case hyperd::v1::Parameter::kDoubleValue:
      json.Number(parameter.double_value());
      return;
    case hyperd::v1::Parameter::kIntValue:
      json.Int(parameter.int_value());
      return;
    case hyperd::v1::Parameter::kCategoricalValue:
      json.String(parameter.categorical_value());
      return;
    case hyperd::v1::Parameter::VALUE_NOT_SET:
      json.Null();
      return;
  }
  json.Null();
}

void WriteStudySummaryFields(const Study& study, const std::optional<Trial>& best,
                             JsonWriter& json) {
  absl::StatusOr<std::string> id = ParseStudyName("name", study.name());
  const std::string study_id = id.ok() ? *id : study.name();
  json.Key("id");
  json.String(study_id);
  json.Key("display_name");
  const auto display = study.user_attributes().find("display_name");
  json.String(display == study.user_attributes().end() ? study_id : display->second);
  json.Key("state");
  json.String(Study::State_Name(study.state()));
  json.Key("state_reason");
  json.String(study.state_reason());
  json.Key("sampler");
  json.String(SamplerName(study.spec().sampler()));
  json.Key("scheduler");
  json.String(study.spec().has_scheduler() ? SchedulerName(study.spec().scheduler()) : "");
  json.Key("metric");
  json.String(study.spec().objective().metric());
  json.Key("goal");
  json.String(hyperd::v1::Objective::Goal_Name(study.spec().objective().goal()));

  const hyperd::v1::TrialCounts& counts = study.trial_counts();
  const std::pair<Trial::State, int32_t> by_state[] = {
      {Trial::REQUESTED, counts.requested()},  {Trial::ACTIVE, counts.active()},
      {Trial::STOPPING, counts.stopping()},    {Trial::SUCCEEDED, counts.succeeded()},
      {Trial::PRUNED, counts.pruned()},        {Trial::FAILED, counts.failed()},
      {Trial::INFEASIBLE, counts.infeasible()}};
  int64_t total = 0;
  for (const auto& [state, count] : by_state) total += count;
  json.Key("trial_count");
  json.Int(total);
  json.Key("trials_by_state");  // states with at least one trial
  json.BeginObject();
  for (const auto& [state, count] : by_state) {
    if (count == 0) continue;
    json.Key(Trial::State_Name(state));
    json.Int(count);
  }
  json.EndObject();
  json.Key("best_value");
  if (best.has_value() && best->has_objective_value()) {
    json.Number(best->objective_value());
  } else {
    json.Null();
  }
  json.Key("best_trial");
  json.OptionalInt(best.has_value() ? std::optional<int64_t>(best->number()) : std::nullopt);
  json.Key("create_time");
  WriteTime(study.create_time(), json);
}

std::optional<double> ObjectiveIn(const hyperd::v1::Measurement& measurement,
                                  const std::string& metric) {
  const auto it = measurement.metrics().find(metric);
  if (it == measurement.metrics().end()) return std::nullopt;
  return it->second;
}

}  // namespace hyperd::server::dashboard
