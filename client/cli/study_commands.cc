// Study-level commands: study create|list|show|pause|resume|complete|delete, best, arms, export.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "client/cli/csv_export.h"
#include "client/cli/render.h"
#include "client/cli/resource_names.h"
#include "client/cli/spec_file.h"
#include "common/status_macros.h"

namespace hyperd::cli {
namespace {

absl::StatusOr<std::optional<v1::Trial>> BestTrial(Client& client, const std::string& study) {
  v1::ListOptimalTrialsRequest request;
  request.set_parent(study);
  ASSIGN_OR_RETURN(v1::ListOptimalTrialsResponse best, client.ListOptimalTrials(request));
  if (best.trials().empty()) return std::nullopt;
  return best.trials(0);
}

absl::StatusOr<v1::Study> GetStudy(Client& client, const std::string& name) {
  v1::GetStudyRequest request;
  request.set_name(name);
  return client.GetStudy(request);
}

absl::Status CreateStudy(CommandContext& ctx) {
  const std::string path = ctx.args.Get("file");
  if (path.empty()) {
    return UsageError(
        "'study create' needs the spec file: -f FILE (see 'hyperctl study create "
        "--help' for its format)");
  }
  ASSIGN_OR_RETURN(std::string json, ReadInputFile(path));
  ASSIGN_OR_RETURN(v1::CreateStudyRequest request, ParseStudySpec(json, path, ctx.args.Get("id")));
  request.set_validate_only(ctx.args.Has("validate-only"));
  ASSIGN_OR_RETURN(v1::Study study, ctx.client.CreateStudy(request));
  if (ctx.format == OutputFormat::kJson) return PrintJson(study, ctx.out);
  if (request.validate_only()) ctx.out << "valid; nothing was created\n";
  ctx.out << RenderStudy({study, std::nullopt});
  return absl::OkStatus();
}

absl::Status ListStudies(CommandContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<v1::Study> studies, ctx.client.ListAllStudies());
  if (ctx.format == OutputFormat::kJson) {
    v1::ListStudiesResponse all;
    for (v1::Study& study : studies) *all.add_studies() = std::move(study);
    return PrintJson(all, ctx.out);
  }
  std::vector<StudySummary> summaries;
  for (v1::Study& study : studies) {
    ASSIGN_OR_RETURN(std::optional<v1::Trial> best, BestTrial(ctx.client, study.name()));
    summaries.push_back({std::move(study), std::move(best)});
  }
  ctx.out << RenderStudyList(summaries);
  return absl::OkStatus();
}

absl::Status ShowStudy(CommandContext& ctx) {
  ASSIGN_OR_RETURN(std::string name, StudyName(ctx.args.positional[0]));
  ASSIGN_OR_RETURN(v1::Study study, GetStudy(ctx.client, name));
  if (ctx.format == OutputFormat::kJson) return PrintJson(study, ctx.out);
  ASSIGN_OR_RETURN(std::optional<v1::Trial> best, BestTrial(ctx.client, name));
  ctx.out << RenderStudy({std::move(study), std::move(best)});
  return absl::OkStatus();
}

std::function<absl::Status(CommandContext&)> SetState(v1::Study::State state) {
  return [state](CommandContext& ctx) -> absl::Status {
    v1::SetStudyStateRequest request;
    ASSIGN_OR_RETURN(*request.mutable_name(), StudyName(ctx.args.positional[0]));
    request.set_state(state);
    ASSIGN_OR_RETURN(v1::Study study, ctx.client.SetStudyState(request));
    if (ctx.format == OutputFormat::kJson) return PrintJson(study, ctx.out);
    ctx.out << study.name() << ": " << v1::Study::State_Name(study.state());
    if (!study.state_reason().empty()) ctx.out << " (" << study.state_reason() << ")";
    ctx.out << "\n";
    return absl::OkStatus();
  };
}

absl::Status DeleteStudy(CommandContext& ctx) {
  v1::DeleteStudyRequest request;
  ASSIGN_OR_RETURN(*request.mutable_name(), StudyName(ctx.args.positional[0]));
  ASSIGN_OR_RETURN(google::protobuf::Empty empty, ctx.client.DeleteStudy(request));
  if (ctx.format == OutputFormat::kJson) return PrintJson(empty, ctx.out);
  ctx.out << "deleted " << request.name() << "\n";
  return absl::OkStatus();
}

absl::Status Best(CommandContext& ctx) {
  v1::ListOptimalTrialsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_parent(), StudyName(ctx.args.positional[0]));
  ASSIGN_OR_RETURN(v1::ListOptimalTrialsResponse best, ctx.client.ListOptimalTrials(request));
  if (ctx.format == OutputFormat::kJson) return PrintJson(best, ctx.out);
  if (best.trials().empty()) {
    ctx.out << "no finished trial with an objective value yet\n";
    return absl::OkStatus();
  }
  ctx.out << RenderTrialList(nullptr, {best.trials().begin(), best.trials().end()});
  return absl::OkStatus();
}

absl::Status Arms(CommandContext& ctx) {
  const std::string sort = ctx.args.Get("sort", "arm");
  if (sort != "arm" && sort != "mean") {
    return UsageError(absl::StrCat("--sort=", sort,
                                   " is not an order; use arm (arm order) or mean (highest mean "
                                   "reward first)"));
  }
  v1::ListArmsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_parent(), StudyName(ctx.args.positional[0]));
  ASSIGN_OR_RETURN(v1::ListArmsResponse arms, ctx.client.ListAllArms(std::move(request)));
  if (sort == "mean") {
    // Stable: arms with equal means stay in arm order.
    std::stable_sort(arms.mutable_arms()->begin(), arms.mutable_arms()->end(),
                     [](const v1::ArmStatistics& a, const v1::ArmStatistics& b) {
                       return a.mean_reward() > b.mean_reward();
                     });
  }
  if (ctx.format == OutputFormat::kJson) return PrintJson(arms, ctx.out);
  ctx.out << RenderArms(arms);
  return absl::OkStatus();
}

absl::Status Export(CommandContext& ctx) {
  ASSIGN_OR_RETURN(std::string study_name, StudyName(ctx.args.positional[0]));
  const std::string format = ctx.args.Get("format");
  if (format != "csv" && format != "json") {
    return UsageError(
        absl::StrCat("'export' needs --format=csv or --format=json (got '", format, "')"));
  }
  v1::ListTrialsRequest request;
  request.set_parent(study_name);
  request.set_skip_measurements(format == "csv");  // the CSV has no measurement columns
  ASSIGN_OR_RETURN(std::vector<v1::Trial> trials, ctx.client.ListAllTrials(request));
  std::ostringstream text;
  if (format == "csv") {
    ASSIGN_OR_RETURN(v1::Study study, GetStudy(ctx.client, study_name));
    text << TrialsToCsv(study, trials);
  } else {
    v1::ListTrialsResponse all;
    for (v1::Trial& trial : trials) *all.add_trials() = std::move(trial);
    RETURN_IF_ERROR(PrintJson(all, text));
  }
  const std::string path = ctx.args.Get("out");
  if (path.empty() || path == "-") {
    ctx.out << text.str();
    return absl::OkStatus();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text.str();
  file.close();
  if (!file) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write ", path, "; check that its directory exists and is writable"));
  }
  ctx.err << "exported " << trials.size() << " trials of " << study_name << " to " << path << "\n";
  return absl::OkStatus();
}

constexpr char kSpecHelp[] =
    "FILE is a hyperd.v1.Study in the proto3 JSON mapping ('-' reads standard input), with an\n"
    "optional top-level \"study_id\". The study id is taken from, in order: --id, \"study_id\",\n"
    "the file's \"name\" (\"studies/ID\"). Example:\n"
    "\n"
    "  {\n"
    "    \"study_id\": \"mnist-lr\",\n"
    "    \"spec\": {\n"
    "      \"searchSpace\": {\"parameters\": [\n"
    "        {\"name\": \"lr\", \"doubleSpec\": {\"min\": 1e-5, \"max\": 0.1, \"scale\": "
    "\"LOG\"}},\n"
    "        {\"name\": \"layers\", \"integerSpec\": {\"min\": 1, \"max\": 4}},\n"
    "        {\"name\": \"optimizer\", \"categoricalSpec\": {\"values\": [\"adam\", \"sgd\"]}}]},\n"
    "      \"objective\": {\"metric\": \"loss\", \"goal\": \"MINIMIZE\"},\n"
    "      \"sampler\": {\"random\": {}}\n"
    "    },\n"
    "    \"limits\": {\"maxTrials\": 50, \"maxParallelTrials\": 4}\n"
    "  }\n"
    "\n"
    "Creating is get-or-create: the same spec returns the existing study; a different spec under\n"
    "the same id fails with ALREADY_EXISTS and says what differs. 'hyperctl study show ID -o "
    "json'\n"
    "prints a file this command accepts (use --id to copy a study under a new id).";

}  // namespace

std::vector<Command> StudyCommands() {
  return {
      {{{"study", "create"},
        "",
        "-f FILE",
        "Create a study from a JSON spec file, or get it if it exists with the same spec",
        kSpecHelp,
        {{"file", 'f', "FILE", "the study spec (proto3 JSON of hyperd.v1.Study); - for stdin"},
         {"id", '\0', "ID", "the study id (overrides \"study_id\"/\"name\" in the file)"},
         {"validate-only", '\0', "", "check the spec with the server without creating it"}},
        0,
        0},
       CreateStudy},
      {{{"study", "list"},
        "",
        "",
        "List studies with their state, sampler, trial counts and best value",
        "",
        {},
        0,
        0},
       ListStudies},
      {{{"study", "show"},
        "STUDY",
        "",
        "Show a study: spec summary, limits, trial counts, best trial, parameters",
        "STUDY is an id (mnist) or a name (studies/mnist).",
        {},
        1,
        1},
       ShowStudy},
      {{{"study", "pause"}, "STUDY", "", "Pause a study: it hands out no new trials", "", {}, 1, 1},
       SetState(v1::Study::PAUSED)},
      {{{"study", "resume"}, "STUDY", "", "Resume a paused study", "", {}, 1, 1},
       SetState(v1::Study::ACTIVE)},
      {{{"study", "complete"},
        "STUDY",
        "",
        "Mark a study completed: no new trials; open trials may still finish",
        "",
        {},
        1,
        1},
       SetState(v1::Study::COMPLETED)},
      {{{"study", "delete"}, "STUDY", "", "Delete a study and all its trials", "", {}, 1, 1},
       DeleteStudy},
      {{{"best"}, "STUDY", "", "Show the best finished trial(s) of a study", "", {}, 1, 1}, Best},
      {{{"arms"},
        "STUDY",
        "",
        "Show what a bandit study's policy has learned about each arm",
        "Bandit studies only (samplers ucb1, thompson, exp3, tsallis_inf, linucb); other studies\n"
        "fail with FAILED_PRECONDITION. The first line gives the policy, the arm count and the\n"
        "rewards applied; then one row per arm: its parameter values, PULLS (rewards applied to\n"
        "it), PENDING (open trials of it), EFFECTIVE (the discounted or windowed pull count, shown\n"
        "only when a drift setting makes it differ), MEAN (estimated mean reward in [0, 1]), LOWER\n"
        "and UPPER (the policy's interval around it) and P(NEXT) (the probability that the next\n"
        "suggestion picks it: 1 for the arm UCB picks next; 0 for thompson and linucb, whose\n"
        "choice depends on the draw or the context). With -o json: one hyperd.v1.ListArmsResponse\n"
        "holding every arm, in the same order as the table.",
        {{"sort", '\0', "arm|mean", "row order: arm (default) or mean (highest mean reward first)"}},
        1,
        1},
       Arms},
      {{{"export"},
        "STUDY",
        "--format csv|json",
        "Export all trials as CSV (one row per trial) or proto3 JSON",
        "CSV columns: number, state, objective, one column per parameter (empty when a\n"
        "conditional parameter is inactive), start_time, end_time (RFC 3339, UTC). Numbers are\n"
        "exact. JSON: a hyperd.v1.ListTrialsResponse with every trial and its measurements.\n"
        "Note: for this command -o is the output file; the format is --format.",
        {{"format", '\0', "csv|json", "the export format (required)"},
         {"out", 'o', "FILE", "write to FILE instead of standard output"}},
        1,
        1},
       Export},
  };
}

}  // namespace hyperd::cli
