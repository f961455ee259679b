// hyperctl schedule show|plan|refine end to end: the real hyperctl binary against the real hyperd,
// checked against the reference values of specs/lr-schedules.md (§1 closed forms, §2 refinement,
// §3.4 convex bound and cooldown extension).
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "hyperd/v1/hyperd.pb.h"
#include "tests/e2e/hyperctl_fixture.h"
#include "tests/e2e/program_runner.h"
#include "tests/testing/server_process.h"

namespace hyperd {
namespace {

using ::hyperd::testing::CommandResult;
using ::hyperd::testing::RunProgram;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class HyperctlScheduleTest : public testing::HyperctlFixture {
 protected:
  // `schedule show ... -o json`: the multipliers and LRs of the listed steps, in order.
  struct Points {
    std::vector<double> steps, multipliers, learning_rates;
  };
  Points ShowJson(std::vector<std::string> args) {
    const google::protobuf::Struct json = OkJson<google::protobuf::Struct>(std::move(args));
    Points points;
    for (const auto& point : json.fields().at("learningRates").list_value().values()) {
      const auto& fields = point.struct_value().fields();
      points.steps.push_back(fields.at("step").number_value());
      points.multipliers.push_back(fields.at("multiplier").number_value());
      points.learning_rates.push_back(fields.at("learningRate").number_value());
    }
    return points;
  }
};

// §3.4, T = 100, D = G = 1: gamma* and Omega* of linear decay, cosine, WSD c = 0.2, constant.
constexpr double kOptimalLr[] = {0.0972552, 0.0946945, 0.0495442, 0.0402344};
constexpr double kBound[] = {0.2036084, 0.2091144, 0.2230276, 0.2485433};

TEST_F(HyperctlScheduleTest, PlanPrintsTheSpecsOptimalLrAndBoundAtHorizon100) {
  const std::vector<std::string> args = {"schedule",   "plan",     "--schedule", "linear",
                                         "--schedule", "cosine",   "--schedule", "wsd:0.2",
                                         "--schedule", "constant", "--horizon",  "100"};
  const std::string table = Ok(args);
  EXPECT_THAT(table, HasSubstr("convex bound at horizon T = 100 (D = G = 1)"));
  EXPECT_THAT(table, ContainsRegex("SCHEDULE +OPTIMAL LR +BOUND +LR RATIO\n"));
  EXPECT_THAT(table, ContainsRegex("linear +0\\.0972552 +0\\.203608 +1\n"));
  EXPECT_THAT(table, ContainsRegex("cosine +0\\.0946945 +0\\.209114 +0\\.97367"));
  EXPECT_THAT(table, ContainsRegex("wsd:0\\.2 +0\\.0495442 +0\\.223028 +0\\.50942"));
  EXPECT_THAT(table, ContainsRegex("constant +0\\.0402344 +0\\.248543 +0\\.4137\n"));
  EXPECT_THAT(table, Not(HasSubstr("TRANSFERRED")));

  const v1::PlanSchedulesResponse plan = OkJson<v1::PlanSchedulesResponse>(args);
  ASSERT_EQ(plan.bounds_size(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(plan.bounds(i).optimal_base_lr(), kOptimalLr[i], 5e-8) << i;
    EXPECT_NEAR(plan.bounds(i).bound(), kBound[i], 5e-8) << i;
    EXPECT_NEAR(plan.bounds(i).lr_ratio_to_first(), kOptimalLr[i] / kOptimalLr[0], 1e-6) << i;
  }
}

TEST_F(HyperctlScheduleTest, PlanTransfersATunedLrByTheRatioOfOptimalLrs) {
  const v1::PlanSchedulesResponse plan =
      OkJson<v1::PlanSchedulesResponse>({"schedule", "plan", "--schedule", "linear", "--schedule",
                                         "wsd:0.2", "--horizon", "100", "--tuned-lr", "0.1"});
  ASSERT_EQ(plan.bounds_size(), 2);
  EXPECT_NEAR(plan.bounds(0).transferred_base_lr(), 0.1, 1e-12);
  // Linear decay's optimal LR is about twice WSD-20 %'s (§3.4).
  EXPECT_NEAR(plan.bounds(1).transferred_base_lr(), 0.1 * kOptimalLr[2] / kOptimalLr[0], 1e-7);
  const std::string table = Ok({"schedule", "plan", "--schedule", "linear", "--schedule", "wsd:0.2",
                                "--horizon", "100", "--tuned-lr", "0.1"});
  EXPECT_THAT(table, ContainsRegex("LR RATIO +TRANSFERRED LR\n"));
  EXPECT_THAT(table,
              ContainsRegex("wsd:0\\.2 +0\\.0495442 +0\\.223028 +0\\.50942[0-9]* +0\\.050942"));
}

TEST_F(HyperctlScheduleTest, PlanExtendsACooldownFrom4000To8000Steps) {
  const std::vector<std::string> args = {"schedule", "plan",        "--extend-from",
                                         "4000",     "--extend-to", "8000"};
  const std::string table = Ok(args);
  EXPECT_THAT(table, HasSubstr("WSD from T1 = 4000 (cooldown 0.2) to T2 = 8000"));
  EXPECT_THAT(table, ContainsRegex("adapted cooldown fraction: +0\\.634375\n"));
  EXPECT_THAT(table, ContainsRegex("two-stage factor: +0\\.525\n"));
  EXPECT_THAT(table, ContainsRegex("first base LR \\(D = G = 1\\): +0\\.00811829\n"));
  EXPECT_THAT(table, Not(HasSubstr("warning")));

  const v1::PlanSchedulesResponse plan = OkJson<v1::PlanSchedulesResponse>(args);
  EXPECT_EQ(plan.bounds_size(), 0);
  const v1::CooldownExtensionPlan& extension = plan.extension();
  EXPECT_NEAR(extension.first_base_lr(), 0.00811829, 5e-9);
  EXPECT_DOUBLE_EQ(extension.adapted_cooldown_fraction(), 0.634375);
  EXPECT_NEAR(extension.adapted_relative_difference(), 0.0013, 0.0005);
  EXPECT_DOUBLE_EQ(extension.two_stage_factor(), 0.525);
  // The spec's 6-digit values (its naive 0.025629 is 0.02562845 rounded twice).
  EXPECT_NEAR(extension.adapted_bound(), 0.022518, 1e-6);
  EXPECT_NEAR(extension.naive_bound(), 0.025629, 1e-6);
  EXPECT_LT(extension.adapted_bound(), extension.naive_bound());
  EXPECT_EQ(extension.warning(), "");
}

TEST_F(HyperctlScheduleTest, PlanWarnsWhenTheAdaptedCooldownMissesTheFirstOptimumByOverOnePercent) {
  const std::string table = Ok(
      {"schedule", "plan", "--extend-from", "4000", "--extend-to", "12000", "--cooldown", "0.2"});
  EXPECT_THAT(table, ContainsRegex("adapted cooldown fraction: +0\\.8875\n"));
  EXPECT_THAT(table, ContainsRegex("warning: +\\S"));
}

TEST_F(HyperctlScheduleTest, ShowPrintsTheClosedFormsOfFamilySpecs) {
  // HF get_linear_schedule_with_warmup, W = 10, N = 100 (§1.2).
  const std::string linear = Ok({"schedule", "show", "linear", "--total-steps", "100",
                                 "--warmup-steps", "10", "--steps", "0,5,10,55,99,100"});
  EXPECT_THAT(linear, HasSubstr("linear: base LR 1, 100 steps, warm-up 10 steps from 0"));
  EXPECT_THAT(linear, ContainsRegex("\n0 +0 +0\n5 +0\\.5 +0\\.5\n10 +1 +1\n55 +0\\.5 +0\\.5\n"
                                    "99 +0\\.0111111 +0\\.0111111\n100 +0 +0\n"));
  // HF cosine, s = 55 -> 0.5, s = 99 -> 0.000304586; at base LR 0.1.
  Points cosine = ShowJson({"schedule", "show", "cosine", "--total-steps", "100", "--warmup-steps",
                            "10", "--base-lr", "0.1", "--steps", "55,99"});
  ASSERT_EQ(cosine.multipliers.size(), 2u);
  EXPECT_NEAR(cosine.multipliers[0], 0.5, 1e-12);
  EXPECT_NEAR(cosine.multipliers[1], 0.000304586, 5e-10);
  EXPECT_NEAR(cosine.learning_rates[1], 0.0000304586, 5e-11);
  // HF WSD with 1-sqrt decay, W = 10, S = 70, D = 20: s = 80, 85, 90, 99.
  Points wsd = ShowJson({"schedule", "show", "wsd:0.2:1-sqrt", "--total-steps", "100",
                         "--warmup-steps", "10", "--steps", "80,85,90,99"});
  ASSERT_EQ(wsd.multipliers.size(), 4u);
  EXPECT_NEAR(wsd.multipliers[0], 1, 1e-12);
  EXPECT_NEAR(wsd.multipliers[1], 0.5, 1e-12);
  EXPECT_NEAR(wsd.multipliers[2], 0.292893, 5e-7);
  EXPECT_NEAR(wsd.multipliers[3], 0.0253206, 5e-8);
  // PyTorch OneCycleLR(max_lr=0.1, total_steps=10), every step.
  Points onecycle = ShowJson(
      {"schedule", "show", "onecycle", "--total-steps", "10", "--base-lr", "0.1", "--every", "1"});
  const std::vector<double> expected = {0.004,     0.052,     0.1,       0.0950485,  0.0811746,
                                        0.0611262, 0.0388742, 0.0188258, 0.00495194, 4e-07};
  ASSERT_EQ(onecycle.learning_rates.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(onecycle.learning_rates[i], expected[i], 5e-8) << i;
  }
}

TEST_F(HyperctlScheduleTest, ShowReadsScheduleFilesInTextFormatAndJson) {
  // PyTorch-style warm-up: LinearLR(start_factor=0.25, total_iters=4) then constant.
  const std::string text = WriteFile(
      "warmup.txtpb",
      "family: CONSTANT base_lr: 0.2 total_steps: 20 warmup_steps: 4 warmup_start_factor: 0.25\n");
  Points points = ShowJson({"schedule", "show", text, "--steps", "0,2,4,19"});
  EXPECT_EQ(points.learning_rates, (std::vector<double>{0.05, 0.125, 0.2, 0.2}));

  const std::string json = WriteFile(
      "inverse_sqrt.json",
      R"({"family": "INVERSE_SQRT", "baseLr": 1, "totalSteps": "200", "warmupSteps": "4"})");
  // HF get_inverse_sqrt_schedule, W = 4: s = 0, 2, 4, 8, 16, 100.
  Points inverse_sqrt = ShowJson({"schedule", "show", "@" + json, "--steps", "0,2,4,8,16,100"});
  const std::vector<double> expected = {0, 0.5, 1, 0.707107, 0.5, 0.2};
  ASSERT_EQ(inverse_sqrt.multipliers.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(inverse_sqrt.multipliers[i], expected[i], 5e-7) << i;
  }
  // A complete schedule is used as it is.
  CommandResult refused = Hyperctl({"schedule", "show", text, "--total-steps", "50"});
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_THAT(refused.err, HasSubstr("--total-steps completes a family spec"));
}

TEST_F(HyperctlScheduleTest, ShowAndPlanUseTheScheduleTheServerGaveATrial) {
  const std::string spec = WriteFile("study.json", R"json({
    "study_id": "scheduled",
    "spec": {
      "searchSpace": {"parameters": [
        {"name": "lr", "doubleSpec": {"min": 0.001, "max": 0.1, "scale": "LOG"}}]},
      "objective": {"metric": "loss", "goal": "MINIMIZE"},
      "schedule": {
        "schedule": {"family": "COSINE", "totalSteps": "200", "warmupSteps": "20"},
        "parameterFields": {"lr": "base_lr"}},
      "seed": "11"
    }
  })json");
  Ok({"study", "create", "-f", spec});
  const v1::SuggestTrialsResponse suggested =
      OkJson<v1::SuggestTrialsResponse>({"suggest", "scheduled", "--client-id", "w"});
  ASSERT_EQ(suggested.trials_size(), 1);
  const v1::Trial& trial = suggested.trials(0);
  ASSERT_TRUE(trial.has_schedule()) << trial.DebugString();
  const double lr = trial.parameters(0).double_value();
  EXPECT_DOUBLE_EQ(trial.schedule().base_lr(), lr);

  for (const std::vector<std::string>& words :
       {std::vector<std::string>{"scheduled", "0"}, {"studies/scheduled/trials/0"}}) {
    std::vector<std::string> args = {"schedule", "show"};
    args.insert(args.end(), words.begin(), words.end());
    for (const char* more : {"--steps", "0,10,20,110,200"}) args.push_back(more);
    const Points points = ShowJson(args);
    // Warm-up t/20 from 0, then cosine over the remaining 180 steps.
    const std::vector<double> shape = {0, 0.5, 1, 0.5, 0};
    ASSERT_EQ(points.learning_rates.size(), shape.size());
    for (size_t i = 0; i < shape.size(); ++i) {
      EXPECT_NEAR(points.learning_rates[i], lr * shape[i], 1e-12) << i;
    }
  }
  const std::string table = Ok({"schedule", "show", "scheduled", "0"});
  EXPECT_THAT(table, HasSubstr("cosine: base LR "));
  EXPECT_THAT(table, HasSubstr("200 steps, warm-up 20 steps from 0"));
  EXPECT_THAT(table, ContainsRegex("\n199 +"));  // default rows end at the last update

  // The trial's warm-up + cosine against plain cosine at the trial's horizon.
  const std::string plan =
      Ok({"schedule", "plan", "--schedule", "studies/scheduled/trials/0", "--schedule", "cosine"});
  EXPECT_THAT(plan, HasSubstr("horizon T = the first schedule's total_steps"));
  EXPECT_THAT(plan, ContainsRegex("\nstudies/scheduled/trials/0 +0\\.[0-9]+ +0\\.[0-9]+ +1\n"));
  EXPECT_THAT(plan, ContainsRegex("\ncosine +0\\.[0-9]+ +0\\.[0-9]+ +1\\.[0-9]+\n"));
}

std::string ConstantNorms(int steps) {
  std::string csv = "step,grad_norm\n";
  for (int t = 0; t < steps; ++t) absl::StrAppend(&csv, t, ",2.5\n");
  return csv;
}

TEST_F(HyperctlScheduleTest, RefineOfConstantNormsGivesLinearDecay) {
  const std::string norms = WriteFile("norms.csv", ConstantNorms(100));
  const v1::RefineScheduleResponse refined =
      OkJson<v1::RefineScheduleResponse>({"schedule", "refine", "--norms", norms});
  EXPECT_FALSE(refined.fell_back_to_linear_decay()) << refined.fallback_reason();
  EXPECT_EQ(refined.schedule().family(), v1::Schedule::TABULATED);
  EXPECT_EQ(refined.schedule().total_steps(), 100);
  ASSERT_EQ(refined.multipliers_size(), 100);
  for (int t = 0; t < 100; ++t) EXPECT_NEAR(refined.multipliers(t), 1 - t / 99.0, 1e-9) << t;

  const std::string saved = dir_ + "/refined.json";
  const CommandResult table =
      Hyperctl({"schedule", "refine", "--norms", norms, "--save", saved, "--every", "33"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, ContainsRegex("fell back to linear decay: +no\n"));
  EXPECT_THAT(table.out, ContainsRegex("peak: +multiplier 1 at step 0\n"));
  EXPECT_THAT(table.out, ContainsRegex("\n33 +0\\.666667 +0\\.666667\n66 +0\\.333333 +0\\.333333\n"
                                       "99 +0 +0\n"));
  EXPECT_THAT(table.err, HasSubstr("saved the refined schedule to " + saved));
  // The saved schedule is a schedule file: the same values, at another base LR too.
  const Points points = ShowJson({"schedule", "show", saved, "--steps", "0,33,99"});
  EXPECT_NEAR(points.multipliers[1], 1 - 33 / 99.0, 1e-9);
  EXPECT_NEAR(points.multipliers[2], 0, 1e-12);
}

TEST_F(HyperctlScheduleTest, RefineFallsBackToLinearDecayWhenTooManyNormsAreNotFinite) {
  std::string csv = ConstantNorms(100);
  csv.replace(csv.find("\n10,2.5\n"), 8, "\n10,nan\n");
  for (int t = 20; t < 26; ++t) {
    const std::string line = absl::StrCat("\n", t, ",2.5\n");
    csv.replace(csv.find(line), line.size(), absl::StrCat("\n", t, ",inf\n"));
  }
  const std::string table =
      Ok({"schedule", "refine", "--norms", WriteFile("bad.csv", csv), "--total-steps", "50"});
  EXPECT_THAT(table, ContainsRegex("fell back to linear decay: +yes: \\S"));
  EXPECT_THAT(table, ContainsRegex("steps: +50\n"));
}

TEST_F(HyperctlScheduleTest, UsageErrorsExitTwoAndSayWhatToGive) {
  CommandResult no_length = Hyperctl({"schedule", "show", "cosine"});
  EXPECT_EQ(no_length.exit_code, 2) << no_length;
  EXPECT_THAT(no_length.err, HasSubstr("--total-steps T"));

  CommandResult unknown = Hyperctl({"schedule", "show", "cosinus", "--total-steps", "10"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("'cosinus' is neither a schedule family"));

  CommandResult bad_spec = Hyperctl({"schedule", "plan", "--schedule", "wsd:lots"});
  EXPECT_EQ(bad_spec.exit_code, 2) << bad_spec;
  EXPECT_THAT(bad_spec.err, HasSubstr("COOLDOWN_FRACTION 'lots' is not a number"));

  CommandResult nothing = Hyperctl({"schedule", "plan", "--horizon", "100"});
  EXPECT_EQ(nothing.exit_code, 2) << nothing;

  CommandResult half = Hyperctl({"schedule", "plan", "--extend-from", "4000"});
  EXPECT_EQ(half.exit_code, 2) << half;
  EXPECT_THAT(half.err, HasSubstr("--extend-to T2"));

  // Server-side validation: exit 1 with the field.
  CommandResult no_horizon = Hyperctl({"schedule", "plan", "--schedule", "linear"});
  EXPECT_EQ(no_horizon.exit_code, 1) << no_horizon;
  EXPECT_THAT(no_horizon.err, HasSubstr("INVALID_ARGUMENT: horizon"));

  CommandResult no_norms = Hyperctl({"schedule", "refine"});
  EXPECT_EQ(no_norms.exit_code, 2) << no_norms;
  EXPECT_THAT(no_norms.err, HasSubstr("--norms FILE"));
}

}  // namespace
}  // namespace hyperd
