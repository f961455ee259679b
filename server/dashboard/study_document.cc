#include "server/dashboard/study_document.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "algorithms/schedulers/bracket_table.h"
#include "algorithms/space/value_format.h"
#include "server/dashboard/curve_downsampling.h"
#include "server/dashboard/document_fields.h"
#include "server/dashboard/json_writer.h"
#include "server/dashboard/schedule_samples.h"
#include "server/spec_conversion.h"

namespace hyperd::server::dashboard {
namespace {

using hyperd::v1::Objective;
using hyperd::v1::ParameterSpec;
using hyperd::v1::Study;
using hyperd::v1::Trial;

// Trials the schedules section shows, the most recent ones.
constexpr size_t kMaxScheduleTrials = 100;

bool HasHistoryValue(const Trial& trial) {
  return (trial.state() == Trial::SUCCEEDED || trial.state() == Trial::PRUNED) &&
         trial.has_objective_value();
}

const char* ParameterType(const ParameterSpec& spec) {
  if (spec.has_categorical_spec()) return "CATEGORICAL";
  if (spec.has_integer_spec()) return "INTEGER";
  if (spec.double_spec().step() > 0) return "DISCRETE";
  return "DOUBLE";
}

bool IsLog(const ParameterSpec& spec) {
  return (spec.has_double_spec() && spec.double_spec().scale() == hyperd::v1::LOG) ||
         (spec.has_integer_spec() && spec.integer_spec().scale() == hyperd::v1::LOG);
}

// Members name, type, min, max, log (+ categories / values) of a parameter, in the open object.
void WriteParameterSpecFields(const ParameterSpec& spec, bool values_as_categories,
                              JsonWriter& json) {
  // A DISCRETE parameter lists its values when there are at most this many.
  constexpr int64_t kMaxListedValues = 1000;
  json.Key("name");
  json.String(spec.name());
  json.Key("type");
  json.String(ParameterType(spec));
  if (spec.has_categorical_spec()) {
    json.Key("min");
    json.Int(0);
    json.Key("max");
    json.Int(std::max(spec.categorical_spec().values_size() - 1, 0));
    json.Key("log");
    json.Bool(false);
    json.Key(values_as_categories ? "categories" : "values");
    json.BeginArray();
    for (const std::string& value : spec.categorical_spec().values()) json.String(value);
    json.EndArray();
    return;
  }
  if (spec.has_integer_spec()) {
    json.Key("min");
    json.Int(spec.integer_spec().min());
    json.Key("max");
    json.Int(spec.integer_spec().max());
    json.Key("log");
    json.Bool(IsLog(spec));
    if (spec.integer_spec().step() > 1) {
      json.Key("step");
      json.Int(spec.integer_spec().step());
    }
    return;
  }
  const hyperd::v1::DoubleSpec& d = spec.double_spec();
  json.Key("min");
  json.Number(d.min());
  json.Key("max");
  json.Number(d.max());
  json.Key("log");
  json.Bool(IsLog(spec));
  if (d.step() > 0) {
    json.Key("step");
    json.Number(d.step());
    const double count = std::floor((d.max() - d.min()) / d.step() + 1e-9) + 1;
    if (!values_as_categories && count <= kMaxListedValues) {
      json.Key("values");
      json.BeginArray();
      for (int64_t k = 0; k < static_cast<int64_t>(count); ++k) json.Number(d.min() + k * d.step());
      json.EndArray();
    }
  }
}

// The bracket table of a successive-halving or hyperband study with a declared max_resource.
std::optional<algorithms::BracketTable> BracketTableOf(const Study& study, int* num_brackets) {
  const hyperd::v1::SchedulerSpec& scheduler = study.spec().scheduler();
  int64_t min_resource = 0;
  int eta = 0;
  if (scheduler.has_hyperband()) {
    min_resource = scheduler.hyperband().min_resource();
    eta = scheduler.hyperband().reduction_factor();
  } else if (scheduler.has_successive_halving()) {
    min_resource = scheduler.successive_halving().min_resource();
    eta = scheduler.successive_halving().reduction_factor();
  } else {
    return std::nullopt;
  }
  // The scheduler's defaults (proto comments), in case a stored spec leaves them unset.
  if (min_resource == 0) min_resource = 1;
  if (eta == 0) eta = 3;
  const int64_t max_resource = study.spec().resource().max_resource();
  if (min_resource < 1 || max_resource < min_resource || eta < 2) return std::nullopt;
  algorithms::BracketTable table(min_resource, max_resource, eta);
  *num_brackets = scheduler.has_hyperband() ? table.num_brackets() : 1;
  return table;
}

class StudyDocumentWriter {
 public:
  StudyDocumentWriter(const StudySnapshot& snapshot, const StudyImportance& importance)
      : snapshot_(snapshot),
        study_(snapshot.study),
        importance_(importance),
        metric_(study_.spec().objective().metric()),
        maximize_(study_.spec().objective().goal() == Objective::MAXIMIZE),
        json_(EstimateSize(snapshot)) {
    for (const hyperd::v1::RungStatus& rung : study_.rungs()) rung_steps_.push_back(rung.step());
    std::sort(rung_steps_.begin(), rung_steps_.end());
    rung_steps_.erase(std::unique(rung_steps_.begin(), rung_steps_.end()), rung_steps_.end());
  }

  std::string Write() && {
    json_.BeginObject();
    json_.Key("revision");
    json_.String(snapshot_.revision);
    WriteStudy();
    WriteTrials();
    WriteHistory();
    WriteSections();
    json_.EndObject();
    return std::move(json_).Take();
  }

 private:
  void WriteSections() {
    WriteParallel();
    WriteImportance();
    WriteCurves();
    WriteBrackets();
    WriteSchedules();
    WriteArms();
  }

  static size_t EstimateSize(const StudySnapshot& snapshot) {
    size_t measurements = 0;
    for (const auto& curve : snapshot.curves) measurements += curve->steps.size();
    return 4096 + snapshot.trials.size() * 160 + measurements * 20;
  }

  void WriteStudy() {
    json_.Key("study");
    json_.BeginObject();
    WriteStudySummaryFields(study_, snapshot_.best, json_);
    json_.Key("description");
    json_.String(study_.description());
    json_.Key("sampler_status");
    json_.String(study_.sampler_status());
    json_.Key("parameters");
    json_.BeginArray();
    for (const ParameterSpec& spec : study_.spec().search_space().parameters()) {
      json_.BeginObject();
      WriteParameterSpecFields(spec, /*values_as_categories=*/false, json_);
      if (spec.has_condition()) {
        json_.Key("parent");
        json_.String(spec.condition().parent());
      }
      json_.EndObject();
    }
    json_.EndArray();
    json_.Key("max_resource");
    const int64_t max_resource = study_.spec().resource().max_resource();
    json_.OptionalInt(max_resource > 0 ? std::optional<int64_t>(max_resource) : std::nullopt);
    json_.Key("has_schedule");
    json_.Bool(study_.spec().has_schedule());
    json_.Key("is_bandit");
    json_.Bool(IsBanditSampler(study_.spec().sampler()));
    json_.EndObject();
  }

  bool Better(double a, double b) const { return maximize_ ? a > b : a < b; }

  // Every trial, in number order, for the trials table: columns, not objects, to stay small.
  void WriteTrials() {
    json_.Key("trials");
    json_.BeginObject();
    json_.Key("number");
    json_.BeginArray();
    for (const Trial& trial : snapshot_.trials) json_.Int(trial.number());
    json_.EndArray();
    json_.Key("state");
    json_.BeginArray();
    for (const Trial& trial : snapshot_.trials) json_.String(Trial::State_Name(trial.state()));
    json_.EndArray();
    json_.Key("value");
    json_.BeginArray();
    for (const Trial& trial : snapshot_.trials) {
      json_.OptionalNumber(trial.has_objective_value()
                               ? std::optional<double>(trial.objective_value())
                               : std::nullopt);
    }
    json_.EndArray();
    json_.EndObject();
  }

  void WriteHistory() {
    std::vector<const Trial*> points;
    for (const Trial& trial : snapshot_.trials) {
      if (HasHistoryValue(trial)) points.push_back(&trial);
    }
    json_.Key("history");
    json_.BeginObject();
    json_.Key("number");
    json_.BeginArray();
    for (const Trial* trial : points) json_.Int(trial->number());
    json_.EndArray();
    json_.Key("value");
    json_.BeginArray();
    for (const Trial* trial : points) json_.Number(trial->objective_value());
    json_.EndArray();
    json_.Key("best");
    json_.BeginArray();
    std::optional<double> best;
    for (const Trial* trial : points) {
      const double value = trial->objective_value();
      if (trial->state() == Trial::SUCCEEDED && std::isfinite(value) &&
          (!best.has_value() || Better(value, *best))) {
        best = value;
      }
      json_.OptionalNumber(best);
    }
    json_.EndArray();
    json_.Key("state");
    json_.BeginArray();
    for (const Trial* trial : points) json_.String(Trial::State_Name(trial->state()));
    json_.EndArray();
    json_.EndObject();
  }

  void WriteParallel() {
    const auto& space = study_.spec().search_space().parameters();
    absl::flat_hash_map<std::string, int> column_of;
    for (int j = 0; j < space.size(); ++j) column_of[space[j].name()] = j;
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (const Trial& trial : snapshot_.trials) {
      if (!HasHistoryValue(trial) || !std::isfinite(trial.objective_value())) continue;
      low = std::min(low, trial.objective_value());
      high = std::max(high, trial.objective_value());
    }
    json_.Key("parallel");
    json_.BeginObject();
    json_.Key("dimensions");
    json_.BeginArray();
    for (const ParameterSpec& spec : space) {
      json_.BeginObject();
      WriteParameterSpecFields(spec, /*values_as_categories=*/true, json_);
      json_.EndObject();
    }
    json_.EndArray();
    json_.Key("objective");
    json_.BeginObject();
    json_.Key("name");
    json_.String(metric_);
    json_.Key("min");
    json_.Number(low);  // null when no finite value
    json_.Key("max");
    json_.Number(high);
    json_.EndObject();
    json_.Key("rows");
    json_.BeginArray();
    std::vector<const hyperd::v1::Parameter*> row(space.size());
    for (const Trial& trial : snapshot_.trials) {
      if (!HasHistoryValue(trial)) continue;
      std::fill(row.begin(), row.end(), nullptr);
      for (const hyperd::v1::Parameter& parameter : trial.parameters()) {
        const auto it = column_of.find(parameter.name());
        if (it != column_of.end()) row[it->second] = &parameter;
      }
      json_.BeginArray();
      for (int j = 0; j < space.size(); ++j) WriteCell(space[j], row[j]);
      json_.Number(trial.objective_value());
      json_.EndArray();
    }
    json_.EndArray();
    json_.EndObject();
  }

  // A parallel-coordinates cell: the value, a category's index, or null when inactive.
  void WriteCell(const ParameterSpec& spec, const hyperd::v1::Parameter* value) {
    if (value == nullptr) {
      json_.Null();
      return;
    }
    if (value->has_categorical_value()) {
      const auto& values = spec.categorical_spec().values();
      const auto it = std::find(values.begin(), values.end(), value->categorical_value());
      if (it == values.end()) {
        json_.Null();
      } else {
        json_.Int(it - values.begin());
      }
      return;
    }
    WriteParameterValue(*value, json_);
  }

  void WriteImportance() {
    json_.Key("importance");
    if (!importance_.available) {
      json_.Null();
      json_.Key("importance_reason");
      json_.String(importance_.reason);
      return;
    }
    json_.BeginObject();
    json_.Key("method");
    json_.String(kImportanceMethod);
    json_.Key("trials_used");
    json_.Int(importance_.trials_used);
    json_.Key("params");
    json_.BeginArray();
    for (const auto& [name, value] : importance_.params) {
      json_.BeginObject();
      json_.Key("name");
      json_.String(name);
      json_.Key("importance");
      json_.Number(value);
      json_.EndObject();
    }
    json_.EndArray();
    json_.EndObject();
  }

  void WriteCurves() {
    int64_t max_step = 0;
    bool downsampled = false;
    // Many curves share one points budget, so a 10,000-trial study stays a few MB.
    size_t curves = 0;
    for (const auto& curve : snapshot_.curves) curves += curve->steps.empty() ? 0 : 1;
    const size_t per_curve = CurvePointsPerTrial(curves);
    json_.Key("curves");
    json_.BeginObject();
    json_.Key("trials");
    json_.BeginArray();
    for (size_t t = 0; t < snapshot_.trials.size(); ++t) {
      const Trial& trial = snapshot_.trials[t];
      const std::vector<int64_t>& steps = snapshot_.curves[t]->steps;
      const std::vector<double>& values = snapshot_.curves[t]->values;
      if (steps.empty()) continue;
      max_step = std::max(max_step, steps.back());
      const std::vector<size_t> kept = DownsampleCurve(steps, rung_steps_, per_curve);
      downsampled = downsampled || kept.size() < steps.size();
      json_.BeginObject();
      json_.Key("number");
      json_.Int(trial.number());
      json_.Key("state");
      json_.String(Trial::State_Name(trial.state()));
      json_.Key("bracket");
      json_.Int(trial.bracket());
      json_.Key("stopped_at_step");
      json_.OptionalInt(trial.has_stopped_at_step()
                            ? std::optional<int64_t>(trial.stopped_at_step())
                            : std::nullopt);
      json_.Key("steps");
      json_.BeginArray();
      for (const size_t i : kept) json_.Int(steps[i]);
      json_.EndArray();
      json_.Key("values");
      json_.BeginArray();
      for (const size_t i : kept) json_.Number(values[i]);
      json_.EndArray();
      json_.EndObject();
    }
    json_.EndArray();
    json_.Key("max_step");
    json_.Int(std::max(max_step, study_.spec().resource().max_resource()));
    json_.Key("rungs");
    json_.BeginArray();
    for (const hyperd::v1::RungStatus& rung : study_.rungs()) {
      json_.BeginObject();
      json_.Key("bracket");
      json_.Int(rung.bracket());
      json_.Key("rung");
      json_.Int(rung.rung());
      json_.Key("step");
      json_.Int(rung.step());
      json_.Key("recorded");
      json_.Int(rung.trials_recorded());
      json_.Key("stopped");
      json_.Int(rung.trials_stopped());
      json_.EndObject();
    }
    json_.EndArray();
    json_.Key("downsampled");
    json_.Bool(downsampled);
    json_.EndObject();
  }

  void WriteBrackets() {
    json_.Key("brackets");
    json_.BeginArray();
    int num_brackets = 0;
    const std::optional<algorithms::BracketTable> table = BracketTableOf(study_, &num_brackets);
    if (table.has_value()) {
      for (int b = 0; b < num_brackets; ++b) WriteBracket(*table, b);
    }
    json_.EndArray();
  }

  void WriteBracket(const algorithms::BracketTable& table, int bracket) {
    const std::vector<int64_t> rung_steps = table.RungSteps(bracket);
    int64_t trials = 0, active = 0, stopped = 0, completed = 0;
    std::vector<int64_t> reached(rung_steps.size(), 0);
    for (size_t t = 0; t < snapshot_.trials.size(); ++t) {
      const Trial& trial = snapshot_.trials[t];
      if (trial.bracket() != bracket) continue;
      ++trials;
      switch (trial.state()) {
        case Trial::REQUESTED:
        case Trial::ACTIVE:
        case Trial::STOPPING:
          ++active;
          break;
        case Trial::PRUNED:
          ++stopped;
          break;
        case Trial::SUCCEEDED:
          ++completed;
          break;
        default:
          break;
      }
      const std::vector<int64_t>& steps = snapshot_.curves[t]->steps;
      if (steps.empty()) continue;
      const int64_t last = steps.back();
      for (size_t k = 0; k < rung_steps.size(); ++k) {
        if (last >= rung_steps[k]) ++reached[k];
      }
    }
    json_.BeginObject();
    json_.Key("bracket");
    json_.Int(bracket);
    json_.Key("rung_steps");
    json_.BeginArray();
    for (const int64_t step : rung_steps) json_.Int(step);
    json_.EndArray();
    json_.Key("trials");
    json_.Int(trials);
    json_.Key("active");
    json_.Int(active);
    json_.Key("stopped");
    json_.Int(stopped);
    json_.Key("completed");
    json_.Int(completed);
    json_.Key("reached");
    json_.BeginArray();
    for (const int64_t count : reached) json_.Int(count);
    json_.EndArray();
    json_.EndObject();
  }

  void WriteSchedules() {
    json_.Key("schedules");
    if (!study_.spec().has_schedule()) {
      json_.Null();
      return;
    }
    json_.BeginObject();
    json_.Key("given");
    WriteScheduleSamples(SampleSchedule(study_.spec().schedule().schedule()), json_);
    std::vector<const Trial*> recent;
    for (auto it = snapshot_.trials.rbegin();
         it != snapshot_.trials.rend() && recent.size() < kMaxScheduleTrials; ++it) {
      if (it->has_schedule()) recent.push_back(&*it);
    }
    std::reverse(recent.begin(), recent.end());
    json_.Key("trials");
    json_.BeginArray();
    for (const Trial* trial : recent) {
      const ScheduleSamples samples = SampleSchedule(trial->schedule());
      json_.BeginObject();
      json_.Key("number");
      json_.Int(trial->number());
      json_.Key("steps");
      json_.BeginArray();
      for (const int64_t step : samples.steps) json_.Int(step);
      json_.EndArray();
      json_.Key("lr");
      json_.BeginArray();
      for (const double lr : samples.lr) json_.Number(lr);
      json_.EndArray();
      json_.EndObject();
    }
    json_.EndArray();
    json_.EndObject();
  }

  void WriteArms() {
    json_.Key("arms");
    if (!snapshot_.arms.has_value()) {
      json_.Null();
      return;
    }
    const hyperd::v1::ListArmsResponse& arms = *snapshot_.arms;
    json_.BeginObject();
    json_.Key("policy");
    json_.String(arms.algorithm());
    json_.Key("rewards_applied");
    json_.Int(arms.rewards_applied());
    json_.Key("arms");
    json_.BeginArray();
    for (const hyperd::v1::ArmStatistics& arm : arms.arms()) {
      json_.BeginObject();
      json_.Key("arm");
      json_.Int(arm.arm());
      json_.Key("label");
      json_.String(ArmLabel(arm));
      json_.Key("pulls");
      json_.Int(arm.pulls());
      json_.Key("pending");
      json_.Int(arm.pending());
      json_.Key("mean_reward");
      json_.Number(arm.mean_reward());
      json_.Key("lower_bound");
      json_.Number(arm.lower_bound());
      json_.Key("upper_bound");
      json_.Number(arm.upper_bound());
      json_.Key("selection_probability");
      json_.Number(arm.selection_probability());
      json_.EndObject();
    }
    json_.EndArray();
    json_.EndObject();
  }

  // "optimizer=adam, layers=2", values as the rest of hyperd prints them (value_format.h).
  static std::string ArmLabel(const hyperd::v1::ArmStatistics& arm) {
    std::string label;
    for (const hyperd::v1::Parameter& parameter : arm.parameters()) {
      if (!label.empty()) label.append(", ");
      absl::StrAppend(&label, parameter.name(), "=");
      switch (parameter.value_case()) {
        case hyperd::v1::Parameter::kDoubleValue:
          label.append(algorithms::FormatDouble(parameter.double_value()));
          break;
        case hyperd::v1::Parameter::kIntValue:
          absl::StrAppend(&label, parameter.int_value());
          break;
        case hyperd::v1::Parameter::kCategoricalValue:
          label.append(parameter.categorical_value());
          break;
        case hyperd::v1::Parameter::VALUE_NOT_SET:
          break;
      }
    }
    return label;
  }

  const StudySnapshot& snapshot_;
  const Study& study_;
  const StudyImportance& importance_;
  const std::string& metric_;
  const bool maximize_;
  std::vector<int64_t> rung_steps_;
  JsonWriter json_;
};

}  // namespace

std::string StudyDocument(const StudySnapshot& snapshot, const StudyImportance& importance) {
  return StudyDocumentWriter(snapshot, importance).Write();
}

}  // namespace hyperd::server::dashboard
