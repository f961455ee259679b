// Learning-rate schedule commands: schedule show|plan|refine.
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli/command.h"
#include "client/cli/norms_csv.h"
#include "client/cli/resource_names.h"
#include "client/cli/schedule_argument.h"
#include "client/cli/schedule_render.h"
#include "client/cli/step_selection.h"
#include "client/cpp/trial_schedule.h"
#include "common/status_macros.h"

namespace hyperd::cli {
namespace {

// A schedule named on the command line, and how to call it in output.
struct NamedSchedule {
  std::string label;
  v1::Schedule schedule;
  bool from_family_spec = false;  // built from FAMILY[:ARGS]; the shape flags complete it
};

// Flags that complete a family spec (a file or a trial's schedule is used as it is).
constexpr const char* kShapeFlags[] = {"warmup-steps", "warmup-start-factor", "min-lr-ratio"};
constexpr const char* kShowShapeFlags[] = {"total-steps", "base-lr"};

std::vector<FlagSpec> ShapeFlags() {
  return {{"warmup-steps", '\0', "W", "linear warm-up over the first W updates (default 0)"},
          {"warmup-start-factor", '\0', "A",
           "multiplier of update 0 during warm-up (default 0, as HF; PyTorch LinearLR's "
           "start_factor)"},
          {"min-lr-ratio", '\0', "R",
           "floor of linear, cosine, wsd and polynomial, as a fraction of the base LR"}};
}

absl::StatusOr<v1::Schedule> TrialScheduleOf(Client& client, const std::string& trial_name) {
  v1::GetTrialRequest request;
  request.set_name(trial_name);
  ASSIGN_OR_RETURN(v1::Trial trial, client.GetTrial(request));
  // FromTrial says why a trial has no schedule.
  ASSIGN_OR_RETURN(TrialSchedule schedule, TrialSchedule::FromTrial(trial));
  return schedule.schedule();
}

absl::StatusOr<NamedSchedule> ScheduleFromFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadInputFile(path));
  ASSIGN_OR_RETURN(v1::Schedule schedule, ParseScheduleFile(text, path));
  return NamedSchedule{path, std::move(schedule), false};
}

// `words` is a trial (STUDY N, or studies/S/trials/N), @FILE, a family spec, or a file path
// ("-": standard input).
absl::StatusOr<NamedSchedule> ResolveSchedule(Client& client,
                                              const std::vector<std::string>& words) {
  const std::string& word = words.front();
  if (words.size() == 2 || absl::StartsWith(word, "studies/")) {
    ASSIGN_OR_RETURN(std::string trial_name, TrialName(words));
    ASSIGN_OR_RETURN(v1::Schedule schedule, TrialScheduleOf(client, trial_name));
    return NamedSchedule{trial_name, std::move(schedule), false};
  }
  if (absl::StartsWith(word, "@")) return ScheduleFromFile(word.substr(1));
  absl::StatusOr<v1::Schedule> family = ParseScheduleFamilySpec(word);
  if (family.ok()) return NamedSchedule{word, *std::move(family), true};
  if (family.status().code() != absl::StatusCode::kNotFound) return family.status();
  std::error_code error;
  if (word != "-" && !std::filesystem::exists(word, error)) {
    return UsageError(absl::StrCat("'", word, "' is neither a schedule family (",
                                   FamilySpecNames(", "), ") nor a schedule file"));
  }
  return ScheduleFromFile(word);
}

absl::Status RefuseFlagsForCompleteSchedule(const ParsedCommandLine& args,
                                            const NamedSchedule& named,
                                            const std::vector<std::string>& flags) {
  for (const std::string& flag : flags) {
    if (args.Has(flag)) {
      return UsageError(absl::StrCat("--", flag, " completes a family spec such as 'cosine'; ",
                                     named.label,
                                     " is a complete schedule and is used as it is (edit the "
                                     "file instead)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyShapeFlags(const ParsedCommandLine& args, v1::Schedule* schedule) {
  ASSIGN_OR_RETURN(int64_t warmup, IntFlag(args, "warmup-steps", 0));
  schedule->set_warmup_steps(warmup);
  if (args.Has("warmup-start-factor")) {
    ASSIGN_OR_RETURN(double factor, DoubleFlag(args, "warmup-start-factor"));
    schedule->set_warmup_start_factor(factor);
  }
  if (args.Has("min-lr-ratio")) {
    ASSIGN_OR_RETURN(double ratio, DoubleFlag(args, "min-lr-ratio"));
    schedule->set_min_lr_ratio(ratio);
  }
  return absl::OkStatus();
}

// A checked evaluator of `named`, or a usage error naming it.
absl::StatusOr<TrialSchedule> Evaluator(const NamedSchedule& named) {
  absl::StatusOr<TrialSchedule> evaluator = TrialSchedule::Create(named.schedule);
  if (!evaluator.ok()) {
    return UsageError(
        absl::StrCat(named.label, " is not a valid schedule: ", evaluator.status().message()));
  }
  return evaluator;
}

std::vector<LearningRatePoint> Evaluate(const TrialSchedule& evaluator,
                                        const std::vector<int64_t>& steps) {
  const double base_lr = evaluator.schedule().base_lr();
  std::vector<LearningRatePoint> points;
  for (int64_t step : steps) {
    const double lr = evaluator.LearningRateAt(step);
    points.push_back({step, lr / base_lr, lr});
  }
  return points;
}

absl::Status ShowSchedule(CommandContext& ctx) {
  if (ctx.args.positional.empty()) {
    return UsageError(
        "'schedule show' needs a schedule: a family such as 'cosine' with --total-steps T, a "
        "schedule file, or a trial (STUDY N); see 'hyperctl schedule show --help'");
  }
  ASSIGN_OR_RETURN(NamedSchedule named, ResolveSchedule(ctx.client, ctx.args.positional));
  if (named.from_family_spec) {
    if (!ctx.args.Has("total-steps")) {
      return UsageError(absl::StrCat("'", named.label,
                                     "' needs the schedule's length: --total-steps T (the "
                                     "number of optimizer updates)"));
    }
    ASSIGN_OR_RETURN(int64_t total_steps, IntFlag(ctx.args, "total-steps", 0));
    named.schedule.set_total_steps(total_steps);
    named.schedule.set_base_lr(1.0);
    if (ctx.args.Has("base-lr")) {
      ASSIGN_OR_RETURN(double base_lr, DoubleFlag(ctx.args, "base-lr"));
      named.schedule.set_base_lr(base_lr);
    }
    RETURN_IF_ERROR(ApplyShapeFlags(ctx.args, &named.schedule));
  } else {
    std::vector<std::string> flags(std::begin(kShapeFlags), std::end(kShapeFlags));
    flags.insert(flags.end(), std::begin(kShowShapeFlags), std::end(kShowShapeFlags));
    RETURN_IF_ERROR(RefuseFlagsForCompleteSchedule(ctx.args, named, flags));
  }
  ASSIGN_OR_RETURN(TrialSchedule evaluator, Evaluator(named));
  ASSIGN_OR_RETURN(std::vector<int64_t> steps, SelectSteps(ctx.args, named.schedule.total_steps()));
  const std::vector<LearningRatePoint> points = Evaluate(evaluator, steps);
  if (ctx.format == OutputFormat::kJson) {
    ctx.out << LearningRatesJson(named.schedule, points);
    return absl::OkStatus();
  }
  ctx.out << RenderLearningRates(named.schedule, points);
  return absl::OkStatus();
}

absl::Status AddExtension(const ParsedCommandLine& args, v1::PlanSchedulesRequest* request) {
  const bool from = args.Has("extend-from");
  const bool to = args.Has("extend-to");
  if (!from && !to) {
    if (args.Has("cooldown")) {
      return UsageError(
          "--cooldown is the first run's cooldown fraction of a cooldown "
          "extension; give --extend-from T1 --extend-to T2 with it");
    }
    return absl::OkStatus();
  }
  if (!from || !to) {
    return UsageError(
        "a cooldown extension needs both --extend-from T1 (the first run's "
        "horizon) and --extend-to T2 (the longer horizon)");
  }
  v1::CooldownExtensionRequest& extension = *request->mutable_extension();
  ASSIGN_OR_RETURN(int64_t first, IntFlag(args, "extend-from", 0));
  ASSIGN_OR_RETURN(int64_t second, IntFlag(args, "extend-to", 0));
  extension.set_first_horizon(first);
  extension.set_second_horizon(second);
  if (args.Has("cooldown")) {
    ASSIGN_OR_RETURN(double cooldown, DoubleFlag(args, "cooldown"));
    extension.set_first_cooldown_fraction(cooldown);
  }
  return absl::OkStatus();
}

absl::Status PlanSchedules(CommandContext& ctx) {
  v1::PlanSchedulesRequest request;
  std::vector<std::string> labels;
  bool any_family_spec = false;
  for (const std::string& spec : ctx.args.GetAll("schedule")) {
    ASSIGN_OR_RETURN(NamedSchedule named, ResolveSchedule(ctx.client, {spec}));
    if (named.from_family_spec) {
      any_family_spec = true;
      RETURN_IF_ERROR(ApplyShapeFlags(ctx.args, &named.schedule));
    }
    labels.push_back(named.label);
    *request.add_schedules() = std::move(named.schedule);
  }
  if (!any_family_spec) {
    for (const char* flag : kShapeFlags) {
      if (ctx.args.Has(flag)) {
        return UsageError(absl::StrCat("--", flag,
                                       " completes family specs such as --schedule cosine; "
                                       "there is none"));
      }
    }
  }
  ASSIGN_OR_RETURN(int64_t horizon, IntFlag(ctx.args, "horizon", 0));
  request.set_horizon(horizon);
  if (ctx.args.Has("tuned-lr")) {
    ASSIGN_OR_RETURN(double tuned, DoubleFlag(ctx.args, "tuned-lr"));
    request.set_tuned_base_lr(tuned);
  }
  RETURN_IF_ERROR(AddExtension(ctx.args, &request));
  if (request.schedules().empty() && !request.has_extension()) {
    return UsageError(
        "'schedule plan' needs schedules to compare (--schedule linear --schedule cosine "
        "--horizon T) or a cooldown extension (--extend-from T1 --extend-to T2)");
  }
  ASSIGN_OR_RETURN(v1::PlanSchedulesResponse response, ctx.client.PlanSchedules(request));
  if (ctx.format == OutputFormat::kJson) return PrintJson(response, ctx.out);
  ctx.out << RenderSchedulePlan(labels, request, response);
  return absl::OkStatus();
}

absl::StatusOr<v1::NormKind> ParseNormKind(const ParsedCommandLine& args) {
  const std::string norm = args.Get("norm", "l2");
  if (norm == "l2") return v1::L2_SGD;
  if (norm == "l1") return v1::L1_ADAM;
  return UsageError(absl::StrCat("--norm=", norm,
                                 " is not a norm; use l2 (SGD family, weights G^-2) or l1 (Adam "
                                 "family, weights G^-1)"));
}

absl::StatusOr<v1::RefineScheduleRequest> RefineRequest(const ParsedCommandLine& args) {
  const std::string norms_path = args.Get("norms");
  if (norms_path.empty()) {
    return UsageError(
        "'schedule refine' needs the logged gradient norms: --norms FILE (lines STEP,NORM)");
  }
  v1::RefineScheduleRequest request;
  ASSIGN_OR_RETURN(std::string text, ReadInputFile(norms_path));
  RETURN_IF_ERROR(ParseNormsCsv(text, norms_path, &request));
  ASSIGN_OR_RETURN(v1::NormKind kind, ParseNormKind(args));
  request.set_norm(kind);
  ASSIGN_OR_RETURN(int64_t run_steps, IntFlag(args, "run-steps", 0));
  request.set_run_steps(run_steps);
  ASSIGN_OR_RETURN(int64_t output_steps, IntFlag(args, "total-steps", 0));
  request.set_output_steps(output_steps);
  if (args.Has("filter-fraction")) {
    ASSIGN_OR_RETURN(double tau, DoubleFlag(args, "filter-fraction"));
    request.set_filter_fraction(tau);
  }
  if (args.Has("min-multiplier")) {
    ASSIGN_OR_RETURN(double floor, DoubleFlag(args, "min-multiplier"));
    request.set_min_multiplier(floor);
  }
  if (args.Has("base-lr")) {
    ASSIGN_OR_RETURN(double base_lr, DoubleFlag(args, "base-lr"));
    request.set_base_lr(base_lr);
  }
  return request;
}

absl::Status SaveSchedule(const std::string& path, const v1::Schedule& schedule,
                          std::ostream& err) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  RETURN_IF_ERROR(PrintJson(schedule, file));
  file.close();
  if (!file) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write ", path, "; check that its directory exists and is writable"));
  }
  err << "saved the refined schedule to " << path << " (use it with 'hyperctl schedule show "
      << path << "' or as a study's schedule)\n";
  return absl::OkStatus();
}

absl::Status RefineSchedule(CommandContext& ctx) {
  ASSIGN_OR_RETURN(v1::RefineScheduleRequest request, RefineRequest(ctx.args));
  ASSIGN_OR_RETURN(v1::RefineScheduleResponse response, ctx.client.RefineSchedule(request));
  if (ctx.args.Has("save")) {
    RETURN_IF_ERROR(SaveSchedule(ctx.args.Get("save"), response.schedule(), ctx.err));
  }
  if (ctx.format == OutputFormat::kJson) return PrintJson(response, ctx.out);
  ASSIGN_OR_RETURN(TrialSchedule evaluator,
                   Evaluator({"the refined schedule", response.schedule(), false}));
  ASSIGN_OR_RETURN(std::vector<int64_t> steps,
                   SelectSteps(ctx.args, response.schedule().total_steps()));
  ctx.out << RenderRefinedSchedule(request, response, Evaluate(evaluator, steps));
  return absl::OkStatus();
}

constexpr char kStepConvention[] =
    "Step t is the 0-indexed optimizer update: the LR shown for step t is the one update t uses\n"
    "(PyTorch's last_epoch when scheduler.step() follows optimizer.step(); HF's current_step).\n"
    "Step T (total_steps) is the value left after the last update.\n";

constexpr char kWarmupConvention[] =
    "Warm-up convention: during the first W = warmup_steps updates the multiplier is\n"
    "a + (1 - a)·t/W, with a = warmup_start_factor. The default a = 0 is Hugging Face's: the LR\n"
    "of update 0 is exactly 0, so the first update is wasted. PyTorch's LinearLR never starts at\n"
    "0 (it requires start_factor > 0): to reproduce LinearLR(start_factor=a, total_iters=W)\n"
    "followed by another scheduler (SequentialLR, milestones [W]), set warmup_start_factor\n"
    "(--warmup-start-factor) to LinearLR's start_factor.\n";

std::string ShowDetails() {
  return absl::StrCat(
      "Prints the learning rate of chosen optimizer steps, computed in hyperctl with the same\n"
      "closed forms the C++ and Python clients use (PyTorch / Hugging Face semantics).\n"
      "\n"
      "SCHEDULE is one of:\n"
      "  STUDY N, studies/S/trials/N   the schedule the server gave that trial\n"
      "  FILE or @FILE                 a hyperd.v1.Schedule in proto3 JSON (as written by\n"
      "                                'schedule refine --save') or the protobuf text format,\n"
      "                                e.g. 'family: COSINE base_lr: 0.1 total_steps: 1000'\n"
      "  FAMILY[:ARGS]                 a family spec, completed by --total-steps (required),\n"
      "                                --base-lr (default 1: the LR is the multiplier) and the\n"
      "                                warm-up and floor flags. Family specs:\n"
      "                                  ",
      FamilySpecNames("\n                                  "), "\n\n", kStepConvention, "\n",
      kWarmupConvention,
      "\n"
      "Example (HF get_linear_schedule_with_warmup, W = 10, N = 100):\n"
      "  hyperctl schedule show linear --total-steps 100 --warmup-steps 10 --steps 0,5,10,55,99\n"
      "With -o json: {\"schedule\": <hyperd.v1.Schedule>, \"learningRates\": [{\"step\",\n"
      "\"multiplier\", \"learningRate\"}, ...]}.");
}

std::string PlanDetails() {
  return absl::StrCat(
      "Evaluates the convex bound of each schedule at horizon T (Schaipp et al., ICML 2025, with\n"
      "D = G = 1): OPTIMAL LR is the base LR that minimises the bound, BOUND its value, LR RATIO\n"
      "the optimal LR relative to the first schedule's. Multiply a base LR tuned for the first\n"
      "schedule by a schedule's LR RATIO to transfer it (--tuned-lr does it: TRANSFERRED LR).\n"
      "\n"
      "--schedule takes @FILE, a trial (studies/S/trials/N) or a family spec:\n  ",
      FamilySpecNames("\n  "),
      "\nRows keep the order of the flags. The horizon is the length of every family spec;\n"
      "--warmup-steps and the other shape flags complete the family specs. Example:\n"
      "  hyperctl schedule plan --schedule linear --schedule cosine --schedule wsd:0.2 \\\n"
      "      --schedule constant --horizon 100 --tuned-lr 0.1\n"
      "\n"
      "Continued training: --extend-from T1 --extend-to T2 [--cooldown C1] plans continuing a\n"
      "WSD run of T1 steps (cooldown fraction C1, default 0.2) to T2 steps from its pre-cooldown\n"
      "checkpoint at the same base LR: either a longer cooldown (the adapted cooldown fraction,\n"
      "with a warning when it misses the first run's optimal LR by more than 1%), or two-stage\n"
      "(multiply the LR by the two-stage factor from the drop step, then cool down over the last\n"
      "steps). With -o json: one hyperd.v1.PlanSchedulesResponse (bounds in --schedule order).");
}

constexpr char kRefineDetails[] =
    "Refines a schedule from the per-step gradient norms of a finished run (Defazio et al.\n"
    "2023: eta_t ~ w_t * sum of the later weights w, with w = G^-2 for SGD-family norms (l2)\n"
    "or G^-1 for Adam-family norms (l1), after a median filter). Constant norms give linear\n"
    "decay; large early norms give a warm-up. Re-sweep the base LR with the refined shape.\n"
    "\n"
    "--norms FILE has one STEP,NORM line per logged optimizer step (a header line, blank lines\n"
    "and # comments are skipped; missing steps are interpolated; nan and inf are counted, and\n"
    "more than 5% of them falls back to linear decay). Log the global norm before clipping.\n"
    "--total-steps is the length T' of the schedule to produce (default: the logged run's).\n"
    "--save FILE writes the TABULATED hyperd.v1.Schedule as JSON, for 'schedule show FILE',\n"
    "'schedule plan --schedule @FILE' or a study's spec.schedule. With -o json: the whole\n"
    "hyperd.v1.RefineScheduleResponse (schedule and every multiplier).";

std::vector<FlagSpec> ShowFlags() {
  std::vector<FlagSpec> flags = StepSelectionFlags();
  flags.push_back({"total-steps", '\0', "T", "family specs: number of optimizer updates"});
  flags.push_back({"base-lr", '\0', "LR", "family specs: the peak LR (default 1)"});
  for (FlagSpec& flag : ShapeFlags()) flags.push_back(std::move(flag));
  return flags;
}

std::vector<FlagSpec> PlanFlags() {
  std::vector<FlagSpec> flags = {
      {"schedule", '\0', "SPEC", "a schedule to compare: FAMILY[:ARGS], @FILE or a trial", true},
      {"horizon", '\0', "T", "the bound's horizon (default: the first schedule's total_steps)"},
      {"tuned-lr", '\0', "LR", "a base LR tuned for the first schedule, to transfer"},
      {"extend-from", '\0', "T1", "cooldown extension: the first WSD run's horizon"},
      {"extend-to", '\0', "T2", "cooldown extension: the longer horizon"},
      {"cooldown", '\0', "C1", "cooldown extension: the first run's cooldown fraction (0.2)"}};
  for (FlagSpec& flag : ShapeFlags()) flags.push_back(std::move(flag));
  return flags;
}

std::vector<FlagSpec> RefineFlags() {
  std::vector<FlagSpec> flags = {
      {"norms", '\0', "FILE", "logged gradient norms, lines STEP,NORM ('-': standard input)"},
      {"norm", '\0', "l2|l1", "l2 (SGD family, default) or l1 (Adam family) norms"},
      {"run-steps", '\0', "T", "length of the logged run (default: last step + 1)"},
      {"total-steps", '\0', "T'", "length of the schedule to produce (default: the run's)"},
      {"filter-fraction", '\0', "TAU", "median-filter width as a fraction of the run (0.1)"},
      {"min-multiplier", '\0', "S", "floor of the refined shape (default 0: off)"},
      {"base-lr", '\0', "LR", "the refined schedule's base LR (default 1)"},
      {"save", '\0', "FILE", "write the refined schedule (JSON hyperd.v1.Schedule) to FILE"}};
  for (FlagSpec& flag : StepSelectionFlags()) flags.push_back(std::move(flag));
  return flags;
}

}  // namespace

std::vector<Command> ScheduleCommands() {
  return {
      {{{"schedule", "show"},
        "SCHEDULE",
        "",
        "Print a schedule's learning rate at chosen steps (family, file or trial)",
        ShowDetails(),
        ShowFlags(),
        0,
        2},
       ShowSchedule},
      {{{"schedule", "plan"},
        "",
        "--schedule SPEC... --horizon T",
        "Compare schedules by their convex bound: optimal LRs, LR transfer, cooldown extension",
        PlanDetails(),
        PlanFlags(),
        0,
        0},
       PlanSchedules},
      {{{"schedule", "refine"},
        "",
        "--norms FILE",
        "Refine a schedule from a run's gradient norms (TABULATED schedule)",
        kRefineDetails,
        RefineFlags(),
        0,
        0},
       RefineSchedule},
  };
}

}  // namespace hyperd::cli
