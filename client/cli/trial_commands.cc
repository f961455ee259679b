// Trial-level commands: trial list|show|stop, suggest, report, complete, fail.
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/cli/command.h"
#include "client/cli/format.h"
#include "client/cli/render.h"
#include "client/cli/resource_names.h"
#include "common/status_macros.h"

namespace hyperd::cli {
namespace {

constexpr char kTrialArgs[] = "STUDY N | TRIAL";
constexpr char kTrialHelp[] =
    "The trial is given as STUDY N (mnist 3) or as its name (studies/mnist/trials/3).";

absl::StatusOr<std::vector<v1::Trial::State>> ParseStates(
    const std::vector<std::string>& flag_values) {
  std::vector<v1::Trial::State> states;
  for (const std::string& value : flag_values) {
    for (absl::string_view word : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      v1::Trial::State state;
      const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(word));
      if (!v1::Trial::State_Parse(upper, &state) || state == v1::Trial::STATE_UNSPECIFIED) {
        return UsageError(absl::StrCat("--state: unknown trial state '", word,
                                       "'; use REQUESTED, ACTIVE, STOPPING, SUCCEEDED, PRUNED, "
                                       "FAILED or INFEASIBLE, comma-separated"));
      }
      states.push_back(state);
    }
  }
  return states;
}

// Each --metric NAME=VALUE into `measurement`.
absl::Status ParseMetrics(const std::vector<std::string>& flag_values,
                          v1::Measurement* measurement) {
  for (const std::string& value : flag_values) {
    const std::pair<std::string, std::string> parts =
        absl::StrSplit(value, absl::MaxSplits('=', 1));
    double number = 0;
    if (parts.first.empty() || !absl::SimpleAtod(parts.second, &number)) {
      return UsageError(absl::StrCat("--metric ", value,
                                     " is not NAME=VALUE with a number, e.g. --metric loss=0.31"));
    }
    if (measurement->metrics().contains(parts.first)) {
      return UsageError(absl::StrCat("--metric ", parts.first, " is given twice; give it once"));
    }
    (*measurement->mutable_metrics())[parts.first] = number;
  }
  return absl::OkStatus();
}

// --context "1,0.5,0.25" into the request's context vector.
absl::Status ParseContext(const std::string& flag_value, v1::SuggestTrialsRequest* request) {
  for (absl::string_view word : absl::StrSplit(flag_value, ',')) {
    double number = 0;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(word), &number)) {
      return UsageError(absl::StrCat("--context ", flag_value, ": '", word,
                                     "' is not a number; give the context vector as "
                                     "comma-separated numbers, e.g. --context 1,0.5,0.25"));
    }
    request->add_context(number);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Trial> GetTrial(Client& client, const std::string& name) {
  v1::GetTrialRequest request;
  request.set_name(name);
  return client.GetTrial(request);
}

std::string StateLine(const v1::Trial& trial) {
  std::string line = absl::StrCat(trial.name(), ": ", v1::Trial::State_Name(trial.state()));
  if (trial.has_objective_value()) {
    absl::StrAppend(&line, ", objective ", FormatObjective(trial, Precision::kDisplay));
  }
  if (!trial.reason().empty()) absl::StrAppend(&line, " (", trial.reason(), ")");
  return absl::StrCat(line, "\n");
}

absl::Status PrintTrialState(CommandContext& ctx, const v1::Trial& trial) {
  if (ctx.format == OutputFormat::kJson) return PrintJson(trial, ctx.out);
  ctx.out << StateLine(trial);
  return absl::OkStatus();
}

absl::Status ListTrials(CommandContext& ctx) {
  v1::ListTrialsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_parent(), StudyName(ctx.args.positional[0]));
  ASSIGN_OR_RETURN(std::vector<v1::Trial::State> states, ParseStates(ctx.args.GetAll("state")));
  for (v1::Trial::State state : states) request.add_states(state);
  ASSIGN_OR_RETURN(std::vector<v1::Trial> trials, ctx.client.ListAllTrials(request));
  if (ctx.format == OutputFormat::kJson) {
    v1::ListTrialsResponse all;
    for (v1::Trial& trial : trials) *all.add_trials() = std::move(trial);
    return PrintJson(all, ctx.out);
  }
  v1::GetStudyRequest study_request;
  study_request.set_name(request.parent());
  ASSIGN_OR_RETURN(v1::Study study, ctx.client.GetStudy(study_request));
  ctx.out << RenderTrialList(&study, trials);
  return absl::OkStatus();
}

absl::Status ShowTrial(CommandContext& ctx) {
  ASSIGN_OR_RETURN(std::string name, TrialName(ctx.args.positional));
  ASSIGN_OR_RETURN(v1::Trial trial, GetTrial(ctx.client, name));
  if (ctx.format == OutputFormat::kJson) return PrintJson(trial, ctx.out);
  ctx.out << RenderTrial(trial);
  return absl::OkStatus();
}

absl::Status StopTrial(CommandContext& ctx) {
  v1::StopTrialRequest request;
  ASSIGN_OR_RETURN(*request.mutable_name(), TrialName(ctx.args.positional));
  request.set_reason(ctx.args.Get("reason", "stopped with hyperctl"));
  ASSIGN_OR_RETURN(v1::Trial trial, ctx.client.StopTrial(request));
  return PrintTrialState(ctx, trial);
}

absl::Status Suggest(CommandContext& ctx) {
  v1::SuggestTrialsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_parent(), StudyName(ctx.args.positional[0]));
  ASSIGN_OR_RETURN(int64_t count, IntFlag(ctx.args, "count", 1));
  if (count < 1 || count > 100) {
    return UsageError(absl::StrCat("--count=", count, " is out of range; ask for 1 to 100"));
  }
  request.set_count(static_cast<int32_t>(count));
  request.set_client_id(ctx.args.Get("client-id", DefaultClientId()));
  if (ctx.args.Has("context")) RETURN_IF_ERROR(ParseContext(ctx.args.Get("context"), &request));
  ASSIGN_OR_RETURN(v1::SuggestTrialsResponse response, ctx.client.SuggestTrials(request));
  if (ctx.format == OutputFormat::kJson) return PrintJson(response, ctx.out);
  ctx.out << RenderSuggestion(response, request.count(), request.client_id());
  return absl::OkStatus();
}

absl::Status Report(CommandContext& ctx) {
  v1::ReportMeasurementRequest request;
  ASSIGN_OR_RETURN(*request.mutable_name(), TrialName(ctx.args.positional));
  if (!ctx.args.Has("step")) {
    return UsageError("'report' needs --step S (resource units completed so far, >= 0)");
  }
  if (!ctx.args.Has("metric")) {
    return UsageError(
        "'report' needs at least one --metric NAME=VALUE, including the study's "
        "objective metric");
  }
  ASSIGN_OR_RETURN(int64_t step, IntFlag(ctx.args, "step", 0));
  v1::Measurement* measurement = request.mutable_measurement();
  measurement->set_step(step);
  RETURN_IF_ERROR(ParseMetrics(ctx.args.GetAll("metric"), measurement));
  if (ctx.args.Has("elapsed")) {
    absl::Duration elapsed;
    if (!absl::ParseDuration(ctx.args.Get("elapsed"), &elapsed) || elapsed < absl::ZeroDuration()) {
      return UsageError(absl::StrCat("--elapsed=", ctx.args.Get("elapsed"),
                                     " is not a duration such as 90s or 1h30m"));
    }
    const int64_t nanos = absl::ToInt64Nanoseconds(elapsed);
    measurement->mutable_elapsed()->set_seconds(nanos / 1'000'000'000);
    measurement->mutable_elapsed()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  }
  request.set_client_id(ctx.args.Get("client-id"));
  ASSIGN_OR_RETURN(v1::ReportMeasurementResponse response, ctx.client.ReportMeasurement(request));
  if (ctx.format == OutputFormat::kJson) return PrintJson(response, ctx.out);
  ctx.out << RenderReport(request.name(), step, response);
  return absl::OkStatus();
}

// The final measurement from --value or --metric, at --step or the trial's last reported step.
absl::Status BuildFinalMeasurement(CommandContext& ctx, v1::CompleteTrialRequest* request) {
  v1::Measurement* final_measurement = request->mutable_final_measurement();
  if (ctx.args.Has("value")) {
    ASSIGN_OR_RETURN(double value, DoubleFlag(ctx.args, "value"));
    v1::GetStudyRequest study_request;
    study_request.set_name(ParentOfTrial(request->name()));
    ASSIGN_OR_RETURN(v1::Study study, ctx.client.GetStudy(study_request));
    (*final_measurement->mutable_metrics())[study.spec().objective().metric()] = value;
  } else {
    RETURN_IF_ERROR(ParseMetrics(ctx.args.GetAll("metric"), final_measurement));
  }
  if (ctx.args.Has("step")) {
    ASSIGN_OR_RETURN(int64_t step, IntFlag(ctx.args, "step", 0));
    final_measurement->set_step(step);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(v1::Trial trial, GetTrial(ctx.client, request->name()));
  if (!trial.measurements().empty()) {
    final_measurement->set_step(trial.measurements().rbegin()->step());
  }
  return absl::OkStatus();
}

absl::Status Complete(CommandContext& ctx) {
  v1::CompleteTrialRequest request;
  ASSIGN_OR_RETURN(*request.mutable_name(), TrialName(ctx.args.positional));
  const int modes = ctx.args.Has("value") + ctx.args.Has("metric") + ctx.args.Has("infeasible");
  if (modes > 1) {
    return UsageError("'complete' takes one of --value, --metric or --infeasible, not several");
  }
  if (ctx.args.Has("reason") && !ctx.args.Has("infeasible")) {
    return UsageError("--reason goes with --infeasible; to fail a trial use 'hyperctl fail'");
  }
  if (ctx.args.Has("step") && !ctx.args.Has("value") && !ctx.args.Has("metric")) {
    return UsageError("--step goes with --value or --metric");
  }
  if (ctx.args.Has("infeasible")) {
    request.set_infeasible(true);
    request.set_infeasible_reason(ctx.args.Get("reason"));
  } else if (ctx.args.Has("value") || ctx.args.Has("metric")) {
    RETURN_IF_ERROR(BuildFinalMeasurement(ctx, &request));
  }
  request.set_client_id(ctx.args.Get("client-id"));
  ASSIGN_OR_RETURN(v1::Trial trial, ctx.client.CompleteTrial(request));
  return PrintTrialState(ctx, trial);
}

absl::Status Fail(CommandContext& ctx) {
  v1::FailTrialRequest request;
  ASSIGN_OR_RETURN(*request.mutable_name(), TrialName(ctx.args.positional));
  if (ctx.args.Get("reason").empty()) {
    return UsageError("'fail' needs --reason R saying why the trial failed");
  }
  request.set_reason(ctx.args.Get("reason"));
  request.set_client_id(ctx.args.Get("client-id"));
  ASSIGN_OR_RETURN(v1::Trial trial, ctx.client.FailTrial(request));
  return PrintTrialState(ctx, trial);
}

const FlagSpec kClientIdFlag = {"client-id", '\0', "ID",
                                "the worker holding the trial (checked by the server if set)"};

}  // namespace

std::vector<Command> TrialCommands() {
  return {
      {{{"trial", "list"},
        "STUDY",
        "",
        "List a study's trials with their parameters and objective values",
        "",
        {{"state", '\0', "STATES",
          "only trials in these states, comma-separated (e.g. ACTIVE,STOPPING)", true}},
        1,
        1},
       ListTrials},
      {{{"trial", "show"},
        kTrialArgs,
        "",
        "Show a trial: parameters, state, objective, measurements, times",
        kTrialHelp,
        {},
        1,
        2},
       ShowTrial},
      {{{"trial", "stop"},
        kTrialArgs,
        "",
        "Ask an active trial to stop: it becomes STOPPING and its job is told to stop",
        kTrialHelp,
        {{"reason", '\0', "R", "why (default: \"stopped with hyperctl\")"}},
        1,
        2},
       StopTrial},
      {{{"suggest"},
        "STUDY",
        "",
        "Get trials to run (the client's open trials first, then new ones)",
        "Fewer trials than asked (possibly none) come back with a reason such as\n"
        "MAX_TRIALS_REACHED or STUDY_NOT_ACTIVE; that is not an error. Pass the same\n"
        "--client-id again to get the same open trials back. A study with a context_dimension\n"
        "(e.g. a linucb bandit) needs --context with exactly that many numbers.",
        {{"count", '\0', "N", "how many trials, 1 to 100 (default 1)"},
         {"context", '\0', "X,Y,...", "the context vector, comma-separated (e.g. 1,0.5,0.25)"},
         {"client-id", '\0', "ID", "the worker identity (default: hostname:pid:random)"}},
        1,
        1},
       Suggest},
      {{{"report"},
        kTrialArgs,
        "--step S --metric NAME=VALUE...",
        "Report an intermediate measurement of an open trial",
        absl::StrCat(kTrialHelp,
                     "\nA repeated step is acknowledged as a duplicate and the first value kept."),
        {{"step", '\0', "S", "resource units completed so far (required)"},
         {"metric", '\0', "NAME=VALUE", "a metric value (at least the objective's)", true},
         {"elapsed", '\0', "DURATION", "training time so far, e.g. 90s"},
         kClientIdFlag},
        1,
        2},
       Report},
      {{{"complete"},
        kTrialArgs,
        "",
        "Complete an open trial",
        absl::StrCat(
            kTrialHelp,
            "\nWith --value V the final measurement is {objective metric: V}; with --metric the\n"
            "given metrics; with neither, the last reported measurement is the final one.\n"
            "--infeasible marks a configuration that could not be evaluated."),
        {{"value", '\0', "V", "the final value of the study's objective metric"},
         {"metric", '\0', "NAME=VALUE", "a final metric value", true},
         {"step", '\0', "S", "step of the final measurement (default: the last reported)"},
         {"infeasible", '\0', "", "complete as INFEASIBLE"},
         {"reason", '\0', "R", "why it is infeasible (with --infeasible)"},
         kClientIdFlag},
        1,
        2},
       Complete},
      {{{"fail"},
        kTrialArgs,
        "--reason R",
        "Fail an open trial",
        kTrialHelp,
        {{"reason", '\0', "R", "why it failed (required)"}, kClientIdFlag},
        1,
        2},
       Fail},
  };
}

}  // namespace hyperd::cli
