#include "client/cli/render.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client/cli/dashboard_url.h"
#include "client/cli/format.h"
#include "client/cli/table.h"

namespace hyperd::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string OrDash(std::string text) { return text.empty() ? "-" : text; }

std::string Lower(absl::string_view text) { return absl::AsciiStrToLower(text); }

int TotalTrials(const v1::TrialCounts& c) {
  return c.requested() + c.active() + c.stopping() + c.succeeded() + c.pruned() + c.failed() +
         c.infeasible();
}

std::string FormatObjectiveSpec(const v1::Objective& objective) {
  if (objective.metric().empty()) return "-";
  const std::string goal = objective.goal() == v1::Objective::GOAL_UNSPECIFIED
                               ? "optimize"
                               : Lower(v1::Objective::Goal_Name(objective.goal()));
  return absl::StrCat(goal, " ", objective.metric());
}

// "grid {"shuffle":true}", or just "random" when the settings are all defaults.
std::string FormatAlgorithm(const google::protobuf::Message& spec, const std::string& fallback) {
  const std::string name = OneofFieldName(spec, "algorithm", fallback);
  const std::string settings = CompactJson(spec);
  // The oneof's JSON is {"name":{...settings...}}; show the inner settings when not empty.
  const std::string empty = absl::StrCat("{\"", name, "\":{}}");
  if (settings == "{}" || settings == empty) return name;
  const size_t start = settings.find(':');
  return absl::StrCat(name, " ", settings.substr(start + 1, settings.size() - start - 2));
}

std::string FormatDuration(const google::protobuf::Duration& d) {
  return absl::FormatDuration(absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos()));
}

std::string FormatLimits(const v1::StudyLimits& limits) {
  std::vector<std::string> parts;
  parts.push_back(limits.max_trials() > 0 ? absl::StrCat("max_trials ", limits.max_trials())
                                          : "max_trials unlimited");
  if (limits.max_parallel_trials() > 0) {
    parts.push_back(absl::StrCat("max_parallel ", limits.max_parallel_trials()));
  }
  parts.push_back(limits.has_lease_duration()
                      ? absl::StrCat("lease ", FormatDuration(limits.lease_duration()))
                      : "lease 10m (default)");
  if (limits.has_target_value()) {
    parts.push_back(
        absl::StrCat("target ", FormatDouble(limits.target_value(), Precision::kDisplay)));
  }
  if (limits.has_deadline()) {
    parts.push_back(
        absl::StrCat("deadline ", FormatTimestamp(limits.deadline(), Precision::kDisplay)));
  }
  return absl::StrJoin(parts, ", ");
}

std::string FormatResource(const v1::ResourceSpec& resource) {
  if (resource.unit().empty() && resource.max_resource() == 0) return "-";
  std::string text = resource.unit().empty() ? "step" : resource.unit();
  if (resource.max_resource() > 0) absl::StrAppend(&text, ", max ", resource.max_resource());
  return text;
}

std::string FormatBest(const std::optional<v1::Trial>& best) {
  if (!best.has_value()) return "-";
  return absl::StrCat("trial ", best->number(), ", objective ",
                      OrDash(FormatObjective(*best, Precision::kDisplay)));
}

std::string FormatAttributes(const google::protobuf::Map<std::string, std::string>& attributes) {
  std::map<std::string, std::string> sorted(attributes.begin(), attributes.end());
  return absl::StrJoin(sorted, ", ", absl::PairFormatter("="));
}

std::string FormatParameters(const v1::Trial& trial) {
  std::vector<std::string> parts;
  for (const v1::Parameter& p : trial.parameters()) {
    parts.push_back(absl::StrCat(p.name(), "=", FormatParameterValue(p, Precision::kDisplay)));
  }
  return absl::StrJoin(parts, ", ");
}

// absl::StrJoin formatter of doubles at display precision.
auto DoubleFormatter() {
  return [](std::string* out, double value) {
    absl::StrAppend(out, FormatDouble(value, Precision::kDisplay));
  };
}

std::string FormatMetrics(const v1::Measurement& measurement) {
  std::map<std::string, double> sorted(measurement.metrics().begin(), measurement.metrics().end());
  return absl::StrJoin(sorted, ", ", [](std::string* out, const auto& metric) {
    absl::StrAppend(out, metric.first, "=", FormatDouble(metric.second, Precision::kDisplay));
  });
}

// Adds the names in `parameters` not in `names` yet, keeping first-seen order.
void AddParameterNames(const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters,
                       std::vector<std::string>* names) {
  for (const v1::Parameter& p : parameters) {
    if (std::find(names->begin(), names->end(), p.name()) == names->end()) {
      names->push_back(p.name());
    }
  }
}

std::vector<std::string> ParameterColumns(const v1::Study* study,
                                          const std::vector<v1::Trial>& trials) {
  std::vector<std::string> names;
  if (study != nullptr) {
    for (const v1::ParameterSpec& spec : study->spec().search_space().parameters()) {
      names.push_back(spec.name());
    }
  }
  for (const v1::Trial& trial : trials) AddParameterNames(trial.parameters(), &names);
  return names;
}

// One cell per column: the parameter's value, "-" when it is absent (an inactive conditional).
std::vector<std::string> ParameterCells(
    const std::vector<std::string>& columns,
    const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters) {
  std::map<std::string, std::string> values;
  for (const v1::Parameter& p : parameters) {
    values[p.name()] = FormatParameterValue(p, Precision::kDisplay);
  }
  std::vector<std::string> cells;
  for (const std::string& name : columns) {
    auto it = values.find(name);
    cells.push_back(it == values.end() ? "-" : it->second);
  }
  return cells;
}

std::string FormatReward(const v1::BanditPull& pull) {
  return pull.has_reward() ? FormatDouble(pull.reward(), Precision::kCompact) : "-";
}

// "3, probability 0.25, reward 0.8 (reward sequence 5)"; "..., no reward" before one is applied
// (or for a failure that teaches nothing).
std::string FormatBanditPull(const v1::BanditPull& pull) {
  std::string text = absl::StrCat(pull.arm(), ", probability ",
                                  FormatDouble(pull.probability(), Precision::kCompact));
  if (!pull.has_reward()) return absl::StrCat(text, ", no reward");
  return absl::StrCat(text, ", reward ", FormatReward(pull), " (reward sequence ",
                      pull.reward_sequence(), ")");
}

// "double", "integer", "categorical": the kind oneof's field name without "_spec".
std::string ParameterType(const v1::ParameterSpec& spec) {
  return std::string(absl::StripSuffix(OneofFieldName(spec, "kind", "unset"), "_spec"));
}

std::string ScaleName(v1::Scale scale) { return scale == v1::LOG ? "log" : "linear"; }

}  // namespace

std::string FormatTrialCounts(const v1::TrialCounts& counts) {
  const std::pair<const char*, int> by_state[] = {
      {"requested", counts.requested()},  {"active", counts.active()},
      {"stopping", counts.stopping()},    {"succeeded", counts.succeeded()},
      {"pruned", counts.pruned()},        {"failed", counts.failed()},
      {"infeasible", counts.infeasible()}};
  std::vector<std::string> parts;
  for (const auto& [state, count] : by_state) {
    if (count > 0) parts.push_back(absl::StrCat(count, " ", state));
  }
  std::string text = absl::StrCat(TotalTrials(counts), " total");
  if (!parts.empty()) absl::StrAppend(&text, ": ", absl::StrJoin(parts, ", "));
  return text;
}

std::string FormatDomain(const v1::ParameterSpec& spec) {
  switch (spec.kind_case()) {
    case v1::ParameterSpec::kDoubleSpec: {
      const v1::DoubleSpec& d = spec.double_spec();
      std::string text = absl::StrCat("[", FormatDouble(d.min(), Precision::kDisplay), ", ",
                                      FormatDouble(d.max(), Precision::kDisplay), "]");
      if (d.step() > 0)
        absl::StrAppend(&text, " step ", FormatDouble(d.step(), Precision::kDisplay));
      return text;
    }
    case v1::ParameterSpec::kIntegerSpec: {
      const v1::IntegerSpec& i = spec.integer_spec();
      std::string text = absl::StrCat("[", i.min(), ", ", i.max(), "]");
      if (i.step() > 1) absl::StrAppend(&text, " step ", i.step());
      return text;
    }
    case v1::ParameterSpec::kCategoricalSpec:
      return absl::StrCat("{", absl::StrJoin(spec.categorical_spec().values(), ", "), "}");
    case v1::ParameterSpec::KIND_NOT_SET:
      break;
  }
  return "-";
}

std::string FormatCondition(const v1::Condition& condition) {
  if (condition.parent().empty()) return "";
  const std::string values = condition.categorical_values_size() > 0
                                 ? absl::StrJoin(condition.categorical_values(), ", ")
                                 : absl::StrJoin(condition.integer_values(), ", ");
  return absl::StrCat(condition.parent(), " in {", values, "}");
}

std::string RenderStudyList(const std::vector<StudySummary>& studies) {
  Table table(
      {"NAME", "STATE", "SAMPLER", "OBJECTIVE", "TRIALS", "OPEN", "DONE", "FAILED", "BEST"});
  for (const StudySummary& summary : studies) {
    const v1::Study& study = summary.study;
    const v1::TrialCounts& c = study.trial_counts();
    table.AddRow(
        {study.name(), v1::Study::State_Name(study.state()),
         OneofFieldName(study.spec().sampler(), "algorithm", "random"),
         FormatObjectiveSpec(study.spec().objective()), absl::StrCat(TotalTrials(c)),
         absl::StrCat(c.requested() + c.active() + c.stopping()),
         absl::StrCat(c.succeeded() + c.pruned()), absl::StrCat(c.failed() + c.infeasible()),
         summary.best.has_value() ? OrDash(FormatObjective(*summary.best, Precision::kDisplay))
                                  : "-"});
  }
  if (table.num_rows() == 0) return "no studies\n";
  return table.Render();
}

std::string RenderStudy(const StudySummary& summary) {
  const v1::Study& study = summary.study;
  const v1::StudySpec& spec = study.spec();
  std::string state = v1::Study::State_Name(study.state());
  if (!study.state_reason().empty()) absl::StrAppend(&state, " (", study.state_reason(), ")");
  Fields fields = {{"name", study.name()}, {"state", state}};
  if (!study.description().empty()) fields.emplace_back("description", study.description());
  fields.emplace_back("created", OrDash(FormatTimestamp(study.create_time(), Precision::kDisplay)));
  fields.emplace_back("objective", FormatObjectiveSpec(spec.objective()));
  fields.emplace_back("sampler", FormatAlgorithm(spec.sampler(), "random"));
  fields.emplace_back("scheduler", FormatAlgorithm(spec.scheduler(), "fifo"));
  fields.emplace_back("resource", FormatResource(spec.resource()));
  fields.emplace_back("seed", spec.seed() == 0 ? "-" : absl::StrCat(spec.seed()));
  if (spec.context_dimension() > 0) {
    fields.emplace_back("context dimension", absl::StrCat(spec.context_dimension()));
  }
  fields.emplace_back("limits", FormatLimits(study.limits()));
  fields.emplace_back("trials", FormatTrialCounts(study.trial_counts()));
  if (!study.sampler_status().empty())
    fields.emplace_back("sampler status", study.sampler_status());
  fields.emplace_back("best", FormatBest(summary.best));
  if (!study.user_attributes().empty()) {
    fields.emplace_back("attributes", FormatAttributes(study.user_attributes()));
  }

  Table parameters({"PARAMETER", "TYPE", "VALUES", "SCALE", "CONDITION"});
  for (const v1::ParameterSpec& p : spec.search_space().parameters()) {
    const v1::Scale scale = p.has_double_spec()    ? p.double_spec().scale()
                            : p.has_integer_spec() ? p.integer_spec().scale()
                                                   : v1::SCALE_UNSPECIFIED;
    parameters.AddRow({p.name(), ParameterType(p), FormatDomain(p),
                       p.has_categorical_spec() ? "" : ScaleName(scale),
                       FormatCondition(p.condition())});
  }
  std::string text = absl::StrCat(RenderFields(fields), "\n", parameters.Render());
  if (!study.rungs().empty()) {
    // The scheduler's rungs: how many trials reached each and how many it stopped there
    // (`hyperctl trial list STUDY --state PRUNED` lists which).
    Table rungs({"BRACKET", "RUNG", "STEP", "REACHED", "STOPPED"});
    for (const v1::RungStatus& rung : study.rungs()) {
      rungs.AddRow({absl::StrCat(rung.bracket()), absl::StrCat(rung.rung()),
                    absl::StrCat(rung.step()), absl::StrCat(rung.trials_recorded()),
                    absl::StrCat(rung.trials_stopped())});
    }
    absl::StrAppend(&text, "\n", rungs.Render());
  }
  return text;
}

std::string RenderTrialList(const v1::Study* study, const std::vector<v1::Trial>& trials) {
  if (trials.empty()) return "no trials\n";
  const std::vector<std::string> columns = ParameterColumns(study, trials);
  std::vector<std::string> header = {"NUMBER", "STATE", "OBJECTIVE"};
  header.insert(header.end(), columns.begin(), columns.end());
  header.push_back("LAST STEP");
  // Early-stopping columns only for studies whose scheduler brackets or stops trials.
  const bool early_stopping = std::any_of(trials.begin(), trials.end(), [](const v1::Trial& t) {
    return t.bracket() != 0 || t.has_stopped_at_step();
  });
  if (early_stopping) {
    header.push_back("BRACKET");
    header.push_back("STOPPED AT");
  }
  // Bandit columns only for trials a bandit policy handed out.
  const bool bandit =
      std::any_of(trials.begin(), trials.end(), [](const v1::Trial& t) { return t.has_bandit(); });
  if (bandit) {
    header.push_back("ARM");
    header.push_back("REWARD");
  }
  Table table(std::move(header));
  for (const v1::Trial& trial : trials) {
    std::vector<std::string> row = {absl::StrCat(trial.number()),
                                    v1::Trial::State_Name(trial.state()),
                                    OrDash(FormatObjective(trial, Precision::kDisplay))};
    for (std::string& cell : ParameterCells(columns, trial.parameters())) {
      row.push_back(std::move(cell));
    }
    row.push_back(
        trial.measurements().empty() ? "-" : absl::StrCat(trial.measurements().rbegin()->step()));
    if (early_stopping) {
      row.push_back(absl::StrCat(trial.bracket()));
      row.push_back(trial.has_stopped_at_step() ? absl::StrCat(trial.stopped_at_step()) : "-");
    }
    if (bandit) {
      row.push_back(trial.has_bandit() ? absl::StrCat(trial.bandit().arm()) : "-");
      row.push_back(trial.has_bandit() ? FormatReward(trial.bandit()) : "-");
    }
    table.AddRow(std::move(row));
  }
  return table.Render();
}

std::string RenderTrial(const v1::Trial& trial) {
  Fields fields = {{"name", trial.name()},
                   {"state", v1::Trial::State_Name(trial.state())},
                   {"parameters", OrDash(FormatParameters(trial))},
                   {"objective", OrDash(FormatObjective(trial, Precision::kDisplay))}};
  if (!trial.reason().empty()) fields.emplace_back("reason", trial.reason());
  if (!trial.origin().empty()) fields.emplace_back("origin", trial.origin());
  if (trial.has_bandit()) fields.emplace_back("arm", FormatBanditPull(trial.bandit()));
  if (!trial.context().empty()) {
    fields.emplace_back(
        "context", absl::StrCat("[", absl::StrJoin(trial.context(), ", ", DoubleFormatter()), "]"));
  }
  if (!trial.client_id().empty()) fields.emplace_back("client id", trial.client_id());
  if (trial.max_resource() > 0)
    fields.emplace_back("max resource", absl::StrCat(trial.max_resource()));
  if (trial.has_final_measurement()) {
    fields.emplace_back("final", absl::StrCat("step ", trial.final_measurement().step(), ": ",
                                              FormatMetrics(trial.final_measurement())));
  }
  const std::pair<const char*, const google::protobuf::Timestamp*> times[] = {
      {"created", &trial.create_time()},
      {"started", &trial.start_time()},
      {"ended", &trial.end_time()},
      {"lease expires", &trial.lease_expire_time()}};
  for (const auto& [label, time] : times) {
    std::string text = FormatTimestamp(*time, Precision::kDisplay);
    if (!text.empty()) fields.emplace_back(label, std::move(text));
  }
  if (!trial.user_attributes().empty()) {
    fields.emplace_back("attributes", FormatAttributes(trial.user_attributes()));
  }
  std::string out = RenderFields(fields);
  if (trial.measurements().empty()) return absl::StrCat(out, "\nno measurements\n");
  Table measurements({"STEP", "METRICS", "ELAPSED", "REPORTED"});
  for (const v1::Measurement& m : trial.measurements()) {
    measurements.AddRow({absl::StrCat(m.step()), FormatMetrics(m),
                         m.has_elapsed() ? FormatDuration(m.elapsed()) : "-",
                         OrDash(FormatTimestamp(m.report_time(), Precision::kDisplay))});
  }
  return absl::StrCat(out, "\n", measurements.Render());
}

std::string RenderSuggestion(const v1::SuggestTrialsResponse& response, int requested,
                             const std::string& client_id) {
  const std::string reason = v1::SuggestTrialsResponse::Reason_Name(response.reason());
  if (response.trials().empty()) {
    return absl::StrCat("no trials returned: ", reason, "\n");
  }
  std::vector<v1::Trial> trials(response.trials().begin(), response.trials().end());
  std::string out = RenderTrialList(nullptr, trials);
  absl::StrAppend(&out, "\nheld by client id ", client_id, "\n");
  if (response.trials_size() < requested ||
      response.reason() != v1::SuggestTrialsResponse::REASON_UNSPECIFIED) {
    absl::StrAppend(&out, "fewer trials than requested (", response.trials_size(), " of ",
                    requested, "): ", reason, "\n");
  }
  return out;
}

std::string RenderReport(const std::string& trial_name, int64_t step,
                         const v1::ReportMeasurementResponse& response) {
  Fields fields = {
      {"trial", trial_name},
      {"step",
       absl::StrCat(step, response.duplicate() ? " (duplicate: the first report was kept)" : "")},
      {"should stop", response.should_stop() ? "yes" : "no"}};
  if (!response.stop_reason().empty()) fields.emplace_back("stop reason", response.stop_reason());
  std::string lease = FormatTimestamp(response.lease_expire_time(), Precision::kDisplay);
  if (!lease.empty()) fields.emplace_back("lease expires", std::move(lease));
  return RenderFields(fields);
}

std::string RenderArms(const v1::ListArmsResponse& arms) {
  std::string out = absl::StrCat(OrDash(arms.algorithm()), ": ", arms.arm_count(),
                                 arms.arm_count() == 1 ? " arm, " : " arms, ",
                                 arms.rewards_applied(), " rewards applied\n");
  if (arms.arms().empty()) return absl::StrCat(out, "no arms\n");
  std::vector<std::string> columns;
  for (const v1::ArmStatistics& arm : arms.arms()) AddParameterNames(arm.parameters(), &columns);
  // Effective pulls differ from pulls only for policies that forget (drift).
  const bool forgetting =
      std::any_of(arms.arms().begin(), arms.arms().end(), [](const v1::ArmStatistics& arm) {
        return arm.effective_pulls() != static_cast<double>(arm.pulls());
      });
  std::vector<std::string> header = {"ARM"};
  header.insert(header.end(), columns.begin(), columns.end());
  for (const char* name : {"PULLS", "PENDING"}) header.push_back(name);
  if (forgetting) header.push_back("EFFECTIVE");
  for (const char* name : {"MEAN", "LOWER", "UPPER", "P(NEXT)"}) header.push_back(name);
  Table table(std::move(header));
  for (const v1::ArmStatistics& arm : arms.arms()) {
    std::vector<std::string> row = {absl::StrCat(arm.arm())};
    for (std::string& cell : ParameterCells(columns, arm.parameters())) {
      row.push_back(std::move(cell));
    }
    row.push_back(absl::StrCat(arm.pulls()));
    row.push_back(absl::StrCat(arm.pending()));
    if (forgetting) row.push_back(FormatDouble(arm.effective_pulls(), Precision::kCompact));
    for (double value :
         {arm.mean_reward(), arm.lower_bound(), arm.upper_bound(), arm.selection_probability()}) {
      row.push_back(FormatDouble(value, Precision::kCompact));
    }
    table.AddRow(std::move(row));
  }
  return absl::StrCat(out, table.Render());
}

std::string RenderServerInfo(const std::string& address, const v1::ServerInfo& info) {
  return RenderFields(
      {{"server", address},
       {"version", OrDash(info.version())},
       {"durability", OrDash(info.durability())},
       {"started", OrDash(FormatTimestamp(info.start_time(), Precision::kDisplay))},
       {"metrics", info.http_address().empty()
                       ? "-"
                       : absl::StrCat("http://", info.http_address(), "/metrics")},
       {"dashboard", DashboardUrl(address, info).value_or("-")}});
}

}  // namespace hyperd::cli
