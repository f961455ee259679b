#include "server/dashboard/trial_document.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/dashboard/document_fields.h"
#include "server/dashboard/json_writer.h"
#include "server/dashboard/schedule_samples.h"
#include "server/request_validation.h"
#include "server/time_conversion.h"

namespace hyperd::server::dashboard {
namespace {

using hyperd::v1::Measurement;
using hyperd::v1::Trial;

bool IsOpen(Trial::State state) { return state == Trial::ACTIVE || state == Trial::STOPPING; }

void WriteEvent(const google::protobuf::Timestamp* time, absl::string_view event,
                absl::string_view detail, JsonWriter& json) {
  json.BeginObject();
  json.Key("time");
  if (time == nullptr) {
    json.Null();
  } else {
    WriteTime(*time, json);
  }
  json.Key("event");
  json.String(event);
  json.Key("detail");
  json.String(detail);
  json.EndObject();
}

std::string MeasuredDetail(const Measurement& m, const std::string& metric) {
  std::string detail = absl::StrCat("step ", m.step());
  const std::optional<double> value = ObjectiveIn(m, metric);
  if (value.has_value()) {
    JsonWriter number(32);
    number.Number(*value);
    absl::StrAppend(&detail, ": ", number.text() == "null" ? absl::StrCat(*value) : number.text());
  }
  return detail;
}

void WriteHistory(const hyperd::v1::Study& study, const Trial& trial, JsonWriter& json) {
  const std::string& metric = study.spec().objective().metric();
  std::vector<int64_t> rung_steps;
  for (const hyperd::v1::RungStatus& rung : study.rungs()) rung_steps.push_back(rung.step());
  std::sort(rung_steps.begin(), rung_steps.end());
  json.Key("history");
  json.BeginArray();
  WriteEvent(&trial.create_time(), "created", trial.origin(), json);
  if (trial.has_start_time()) WriteEvent(&trial.start_time(), "started", trial.client_id(), json);
  const int n = trial.measurements_size();
  for (int i = 0; i < n; ++i) {
    const Measurement& m = trial.measurements(i);
    const bool at_rung = std::binary_search(rung_steps.begin(), rung_steps.end(), m.step());
    if (i != 0 && i != n - 1 && !at_rung) continue;
    WriteEvent(&m.report_time(), "measured", MeasuredDetail(m, metric), json);
  }
  if (trial.has_stopped_at_step() || trial.state() == Trial::STOPPING) {
    const google::protobuf::Timestamp* when = nullptr;
    for (const Measurement& m : trial.measurements()) {
      if (trial.has_stopped_at_step() && m.step() == trial.stopped_at_step()) {
        when = &m.report_time();
      }
    }
    WriteEvent(when, "stop requested", trial.reason(), json);
  }
  if (trial.state() >= Trial::SUCCEEDED) {
    std::string detail = trial.reason();
    if (detail.empty() && trial.has_objective_value()) {
      JsonWriter number(32);
      number.Number(trial.objective_value());
      detail = absl::StrCat(metric, " ", number.text());
    }
    WriteEvent(&trial.end_time(), absl::AsciiStrToLower(Trial::State_Name(trial.state())), detail,
               json);
  }
  json.EndArray();
}

// {"step", "elapsed_seconds", "metrics": {name: value}} (metrics sorted by name).
void WriteMeasurement(const Measurement& m, JsonWriter& json) {
  json.BeginObject();
  json.Key("step");
  json.Int(m.step());
  json.Key("elapsed_seconds");
  if (m.has_elapsed()) {
    json.Number(absl::ToDoubleSeconds(FromProtoDuration(m.elapsed())));
  } else {
    json.Null();
  }
  json.Key("metrics");
  json.BeginObject();
  std::vector<std::pair<std::string, double>> metrics(m.metrics().begin(), m.metrics().end());
  std::sort(metrics.begin(), metrics.end());
  for (const auto& [name, value] : metrics) {
    json.Key(name);
    json.Number(value);
  }
  json.EndObject();
  json.EndObject();
}

}  // namespace

std::string TrialDocument(const hyperd::v1::Study& study, const Trial& trial,
                          const std::string& revision) {
  JsonWriter json(2048 + static_cast<size_t>(trial.measurements_size()) * 64);
  json.BeginObject();
  json.Key("revision");
  json.String(revision);
  json.Key("study_id");
  absl::StatusOr<std::string> study_id = ParseStudyName("name", study.name());
  json.String(study_id.ok() ? *study_id : study.name());
  json.Key("number");
  json.Int(trial.number());
  json.Key("state");
  json.String(Trial::State_Name(trial.state()));
  json.Key("reason");
  json.String(trial.reason());
  json.Key("origin");
  json.String(trial.origin());
  json.Key("client_id");
  json.String(trial.client_id());
  json.Key("bracket");
  json.Int(trial.bracket());
  json.Key("max_resource");
  json.Int(trial.max_resource());
  json.Key("stopped_at_step");
  json.OptionalInt(trial.has_stopped_at_step() ? std::optional<int64_t>(trial.stopped_at_step())
                                               : std::nullopt);
  json.Key("objective_value");
  json.OptionalNumber(trial.has_objective_value() ? std::optional<double>(trial.objective_value())
                                                  : std::nullopt);
  json.Key("metric");
  json.String(study.spec().objective().metric());
  json.Key("parameters");
  json.BeginArray();
  for (const hyperd::v1::Parameter& parameter : trial.parameters()) {
    json.BeginObject();
    json.Key("name");
    json.String(parameter.name());
    json.Key("value");
    WriteParameterValue(parameter, json);
    json.EndObject();
  }
  json.EndArray();
  json.Key("create_time");
  WriteTime(trial.create_time(), json);
  json.Key("start_time");
  WriteTime(trial.start_time(), json);
  json.Key("end_time");
  WriteTime(trial.end_time(), json);
  json.Key("lease_expire_time");
  if (IsOpen(trial.state())) {
    WriteTime(trial.lease_expire_time(), json);
  } else {
    json.Null();
  }
  json.Key("user_attributes");
  json.BeginObject();
  // Sorted keys: the document is the same for the same trial (protobuf maps are unordered).
  std::vector<std::pair<std::string, std::string>> attributes(trial.user_attributes().begin(),
                                                              trial.user_attributes().end());
  std::sort(attributes.begin(), attributes.end());
  for (const auto& [key, value] : attributes) {
    json.Key(key);
    json.String(value);
  }
  json.EndObject();
  json.Key("measurements");
  json.BeginArray();
  for (const Measurement& m : trial.measurements()) WriteMeasurement(m, json);
  json.EndArray();
  // What CompleteTrial was given (the objective value comes from it); null when none.
  json.Key("final_measurement");
  if (trial.has_final_measurement()) {
    WriteMeasurement(trial.final_measurement(), json);
  } else {
    json.Null();
  }
  json.Key("bandit");
  if (trial.has_bandit()) {
    json.BeginObject();
    json.Key("arm");
    json.Int(trial.bandit().arm());
    json.Key("probability");
    json.Number(trial.bandit().probability());
    json.Key("reward");
    json.OptionalNumber(trial.bandit().has_reward() ? std::optional<double>(trial.bandit().reward())
                                                    : std::nullopt);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("schedule");
  if (study.spec().has_schedule() && trial.has_schedule()) {
    json.BeginObject();
    json.Key("given");
    WriteScheduleSamples(SampleSchedule(study.spec().schedule().schedule()), json);
    json.Key("trial");
    WriteScheduleSamples(SampleSchedule(trial.schedule()), json);
    json.EndObject();
  } else {
    json.Null();
  }
  WriteHistory(study, trial, json);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace hyperd::server::dashboard
