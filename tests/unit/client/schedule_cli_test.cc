// hyperctl's schedule helpers: family specs, schedule files, norms CSV, step selection, rendering.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "client/cli/args.h"
#include "client/cli/norms_csv.h"
#include "client/cli/schedule_argument.h"
#include "client/cli/schedule_render.h"
#include "client/cli/step_selection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/messages.h"

namespace hyperd::cli {
namespace {

using ::hyperd::testing::ParseText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ScheduleFamilySpec, ReadsFamiliesAndTheirParameters) {
  absl::StatusOr<v1::Schedule> wsd = ParseScheduleFamilySpec("wsd:0.1:1-sqrt");
  ASSERT_TRUE(wsd.ok()) << wsd.status();
  EXPECT_EQ(wsd->family(), v1::Schedule::WSD);
  EXPECT_DOUBLE_EQ(wsd->wsd().cooldown_fraction(), 0.1);
  EXPECT_EQ(wsd->wsd().decay_shape(), v1::WsdParams::ONE_MINUS_SQRT);

  absl::StatusOr<v1::Schedule> inverse_sqrt = ParseScheduleFamilySpec("inverse-sqrt:1000");
  ASSERT_TRUE(inverse_sqrt.ok()) << inverse_sqrt.status();
  EXPECT_EQ(inverse_sqrt->family(), v1::Schedule::INVERSE_SQRT);
  EXPECT_EQ(inverse_sqrt->inverse_sqrt().timescale(), 1000);

  absl::StatusOr<v1::Schedule> step = ParseScheduleFamilySpec("step:30:0.5");
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->step().step_size(), 30);
  EXPECT_DOUBLE_EQ(step->step().gamma(), 0.5);

  absl::StatusOr<v1::Schedule> onecycle = ParseScheduleFamilySpec("onecycle:0.25:linear");
  ASSERT_TRUE(onecycle.ok()) << onecycle.status();
  EXPECT_DOUBLE_EQ(onecycle->onecycle().pct_start(), 0.25);
  EXPECT_EQ(onecycle->onecycle().anneal(), v1::OneCycleParams::LINEAR);

  absl::StatusOr<v1::Schedule> cosine = ParseScheduleFamilySpec("cosine");
  ASSERT_TRUE(cosine.ok()) << cosine.status();
  EXPECT_EQ(cosine->family(), v1::Schedule::COSINE);
  EXPECT_FALSE(cosine->has_wsd());
}

TEST(ScheduleFamilySpec, UnknownNamesAreNotFoundSoTheyCanBeFiles) {
  EXPECT_EQ(ParseScheduleFamilySpec("refined.json").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseScheduleFamilySpec("family_unspecified").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ScheduleFamilySpec, BadParametersAreUsageErrorsThatShowTheSyntax) {
  for (const char* spec : {"wsd:x", "wsd:0.2:quadratic", "linear:3", "step", "step:3.5",
                           "tabulated", "onecycle:0.3:triangle", "polynomial:2:3"}) {
    const absl::Status status = ParseScheduleFamilySpec(spec).status();
    EXPECT_TRUE(IsUsageError(status)) << spec << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(spec));
    EXPECT_THAT(status.message(), HasSubstr("wsd[:COOLDOWN_FRACTION"));
  }
}

TEST(ScheduleFile, ReadsJsonAndTheTextFormat) {
  absl::StatusOr<v1::Schedule> json = ParseScheduleFile(
      R"({"family": "TABULATED", "baseLr": 0.5, "totalSteps": "10",
          "tabulated": {"shape": [1, 0.5, 0]}})",
      "refined.json");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->family(), v1::Schedule::TABULATED);
  EXPECT_THAT(json->tabulated().shape(), ElementsAre(1, 0.5, 0));

  absl::StatusOr<v1::Schedule> text = ParseScheduleFile(
      "family: WSD\nbase_lr: 3e-4 total_steps: 1000\nwsd { cooldown_fraction: "
      "0.1 }\n",
      "wsd.txtpb");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->total_steps(), 1000);
  EXPECT_DOUBLE_EQ(text->wsd().cooldown_fraction(), 0.1);
}

TEST(ScheduleFile, ErrorsNameTheFileAndForTextTheLine) {
  const absl::Status json = ParseScheduleFile(R"({"familly": "LINEAR"})", "a.json").status();
  EXPECT_TRUE(IsUsageError(json));
  EXPECT_THAT(json.message(), HasSubstr("a.json is not a hyperd.v1.Schedule"));
  const absl::Status text = ParseScheduleFile("family: LINEAR\nbase_lrr: 1\n", "b.txt").status();
  EXPECT_TRUE(IsUsageError(text));
  EXPECT_THAT(text.message(), HasSubstr("b.txt"));
  EXPECT_THAT(text.message(), HasSubstr("line 2"));
}

TEST(NormsCsv, ReadsStepNormLinesSkippingAHeaderCommentsAndBlankLines) {
  v1::RefineScheduleRequest request;
  ASSERT_TRUE(
      ParseNormsCsv("step,grad_norm\n# run A\n0, 1.5\n\n2,nan\n3,inf\n", "n.csv", &request).ok());
  EXPECT_THAT(request.steps(), ElementsAre(0, 2, 3));
  ASSERT_EQ(request.norms_size(), 3);
  EXPECT_DOUBLE_EQ(request.norms(0), 1.5);
  EXPECT_TRUE(std::isnan(request.norms(1)));
  EXPECT_TRUE(std::isinf(request.norms(2)));
}

TEST(NormsCsv, ABadLineIsAUsageErrorWithItsLineNumber) {
  v1::RefineScheduleRequest request;
  const absl::Status status = ParseNormsCsv("0,1\n1,1\n2;1\n", "n.csv", &request);
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(status.message(), HasSubstr("n.csv line 3"));
  v1::RefineScheduleRequest empty;
  EXPECT_TRUE(IsUsageError(ParseNormsCsv("step,norm\n", "e.csv", &empty)));
}

ParsedCommandLine Flags(std::map<std::string, std::vector<std::string>> flags) {
  ParsedCommandLine args;
  args.flags = std::move(flags);
  return args;
}

TEST(StepSelection, ListsGivenStepsOrEveryNthStepAndTheLastUpdate) {
  absl::StatusOr<std::vector<int64_t>> listed = SelectSteps(Flags({{"steps", {"0,10, 100"}}}), 50);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ElementsAre(0, 10, 100));
  absl::StatusOr<std::vector<int64_t>> every = SelectSteps(Flags({{"every", {"30"}}}), 100);
  ASSERT_TRUE(every.ok()) << every.status();
  EXPECT_THAT(*every, ElementsAre(0, 30, 60, 90, 99));
  absl::StatusOr<std::vector<int64_t>> fallback = SelectSteps(Flags({}), 20);
  ASSERT_TRUE(fallback.ok()) << fallback.status();
  EXPECT_THAT(*fallback, ElementsAre(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 19));
}

TEST(StepSelection, RejectsBothFlagsNegativeStepsAndZeroIntervals) {
  EXPECT_TRUE(IsUsageError(SelectSteps(Flags({{"steps", {"1"}}, {"every", {"2"}}}), 10).status()));
  EXPECT_TRUE(IsUsageError(SelectSteps(Flags({{"steps", {"1,-2"}}}), 10).status()));
  EXPECT_TRUE(IsUsageError(SelectSteps(Flags({{"every", {"0"}}}), 10).status()));
}

TEST(ScheduleRender, SummarySpellsOutDefaultsAndTheWarmUp) {
  EXPECT_EQ(FormatScheduleSummary(ParseText<v1::Schedule>(R"pb(family: WSD
                                                               base_lr: 0.001
                                                               total_steps: 1000
                                                               warmup_steps: 100)pb")),
            "wsd: base LR 0.001, 1000 steps, warm-up 100 steps from 0, cooldown 0.2 linear, "
            "floor 0");
  EXPECT_EQ(FormatScheduleSummary(ParseText<v1::Schedule>(R"pb(family: CONSTANT
                                                               base_lr: 0.5
                                                               total_steps: 10
                                                               effective_from_step: 4)pb")),
            "constant: base LR 0.5, 10 steps, from step 4");
}

TEST(ScheduleRender, LearningRateTableHasOneRowPerStep) {
  const v1::Schedule schedule =
      ParseText<v1::Schedule>(R"pb(family: LINEAR base_lr: 0.1 total_steps: 100)pb");
  EXPECT_EQ(RenderLearningRates(schedule, {{0, 1, 0.1}, {50, 0.5, 0.05}}),
            "linear: base LR 0.1, 100 steps, floor 0\n"
            "STEP  MULTIPLIER  LR\n"
            "0     1           0.1\n"
            "50    0.5         0.05\n");
}

TEST(ScheduleRender, PlanTableShowsTransferredLrOnlyWhenATunedLrWasGiven) {
  v1::PlanSchedulesRequest request;
  request.set_horizon(100);
  v1::PlanSchedulesResponse response = ParseText<v1::PlanSchedulesResponse>(R"pb(
    bounds { optimal_base_lr: 0.0972552 bound: 0.2036084 lr_ratio_to_first: 1 }
    bounds { optimal_base_lr: 0.0495442 bound: 0.2230276 lr_ratio_to_first: 0.509424 }
  )pb");
  const std::string plain = RenderSchedulePlan({"linear", "wsd:0.2"}, request, response);
  EXPECT_THAT(plain, HasSubstr("horizon T = 100"));
  EXPECT_THAT(plain, HasSubstr("wsd:0.2   0.0495442   0.223028  0.509424"));
  EXPECT_THAT(plain, ::testing::Not(HasSubstr("TRANSFERRED")));
  request.set_tuned_base_lr(0.1);
  EXPECT_THAT(RenderSchedulePlan({"linear", "wsd:0.2"}, request, response),
              HasSubstr("TRANSFERRED LR"));
}

}  // namespace
}  // namespace hyperd::cli
