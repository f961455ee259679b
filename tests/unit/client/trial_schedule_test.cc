// TrialSchedule: local evaluation of a trial's schedule and the updates online rules send.
#include "client/cpp/trial_schedule.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/messages.h"

namespace hyperd {
namespace {

using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;

// HF get_linear_schedule_with_warmup(W = 10, N = 100) at base LR 0.1 (spec §1.2).
v1::Schedule LinearWithWarmup() {
  return ParseText<v1::Schedule>(
      R"pb(family: LINEAR base_lr: 0.1 total_steps: 100 warmup_steps: 10)pb");
}

TrialSchedule MakeSchedule(const v1::Schedule& proto) {
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::Create(proto);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return *std::move(schedule);
}

TEST(TrialSchedule, EvaluatesTheClosedFormLocallyWithTheHfWarmUpConvention) {
  const TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  // s = 0, .5, 1, .5, 0.0111111, 0 at steps 0, 5, 10, 55, 99, 100.
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(0), 0.0);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(5), 0.05);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(10), 0.1);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(55), 0.05);
  EXPECT_NEAR(schedule.LearningRateAt(99), 0.1 * 0.0111111, 1e-8);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(100), 0.0);
}

TEST(TrialSchedule, RejectsAnInvalidScheduleNamingTheField) {
  v1::Schedule proto = LinearWithWarmup();
  proto.clear_total_steps();
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::Create(proto);
  EXPECT_EQ(schedule.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(schedule.status().message(), HasSubstr("schedule.total_steps"));
}

TEST(TrialSchedule, FromTrialWithoutScheduleSaysTheStudyHasNone) {
  v1::Trial trial;
  trial.set_name("studies/s/trials/3");
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::FromTrial(trial);
  EXPECT_EQ(schedule.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(schedule.status().message(), HasSubstr("studies/s/trials/3 has no schedule"));

  *trial.mutable_schedule() = LinearWithWarmup();
  absl::StatusOr<TrialSchedule> with = TrialSchedule::FromTrial(trial);
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_DOUBLE_EQ(with->LearningRateAt(10), 0.1);
}

TEST(TrialSchedule, AnUpdateAppliesFromItsEffectiveStepAndKeepsEarlierSteps) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  v1::Schedule update = ParseText<v1::Schedule>(
      R"pb(family: CONSTANT base_lr: 0.02 total_steps: 100 effective_from_step: 60)pb");
  ASSERT_TRUE(schedule.Update(update).ok());
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(55), 0.05);  // what the job used before
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(60), 0.02);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(99), 0.02);
  EXPECT_EQ(schedule.schedule().family(), v1::Schedule::CONSTANT);
  EXPECT_FALSE(schedule.override_learning_rate().has_value());
}

TEST(TrialSchedule, AnInvalidUpdateChangesNothing) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  v1::Schedule update = LinearWithWarmup();
  update.set_base_lr(-1);
  update.set_effective_from_step(20);
  const absl::Status status = schedule.Update(update);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("schedule.base_lr"));
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(55), 0.05);
  EXPECT_DOUBLE_EQ(schedule.schedule().base_lr(), 0.1);
}

TEST(TrialSchedule, AnOverrideHoldsItsLearningRateUntilTheNextUpdate) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  ASSERT_TRUE(schedule.OverrideLearningRate(50, 0.07).ok());
  ASSERT_TRUE(schedule.OverrideLearningRate(80, 0.08).ok());
  EXPECT_NEAR(schedule.LearningRateAt(49), 0.1 * (100 - 49) / 90.0, 1e-15);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(50), 0.07);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(79), 0.07);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(80), 0.08);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(1000), 0.08);
  EXPECT_EQ(schedule.override_learning_rate(), 0.08);
  EXPECT_EQ(schedule.override_step(), 80);
}

TEST(TrialSchedule, ALaterUpdateAtAnEarlierStepReplacesWhatWasPlannedFromThere) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  ASSERT_TRUE(schedule.OverrideLearningRate(80, 0.08).ok());
  ASSERT_TRUE(schedule.OverrideLearningRate(60, 0.06).ok());
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(90), 0.06);
}

TEST(TrialSchedule, TheRepeatedScheduleOfEveryReplyKeepsTheOverrides) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  ASSERT_TRUE(schedule.OverrideLearningRate(50, 0.07).ok());
  ASSERT_TRUE(schedule.Update(LinearWithWarmup()).ok());
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(60), 0.07);
}

TEST(TrialSchedule, RejectsOverridesThatAreNotLearningRates) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  EXPECT_EQ(schedule.OverrideLearningRate(10, -0.1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(schedule.OverrideLearningRate(10, std::nan("")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(schedule.OverrideLearningRate(10, std::numeric_limits<double>::infinity()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(schedule.OverrideLearningRate(-1, 0.1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(10), 0.1);
}

TEST(TrialSchedule, AppliesAReportStepsReplyScheduleThenTheNextLearningRate) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  v1::ReportStepsResponse reply;
  *reply.mutable_schedule() = ParseText<v1::Schedule>(
      R"pb(family: CONSTANT base_lr: 0.03 total_steps: 100 effective_from_step: 20)pb");
  reply.set_next_learning_rate(0.04);
  ASSERT_TRUE(schedule.Apply(reply, /*last_reported_step=*/29).ok());
  EXPECT_NEAR(schedule.LearningRateAt(19), 0.09, 1e-15);  // linear: (100 - 19) / 90
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(29), 0.03);
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(30), 0.04);

  v1::ReportStepsResponse no_change;
  ASSERT_TRUE(schedule.Apply(no_change, 49).ok());
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(50), 0.04);
}

TEST(TrialSchedule, AppliesTheScheduleOfAReportMeasurementReply) {
  TrialSchedule schedule = MakeSchedule(LinearWithWarmup());
  v1::ReportMeasurementResponse reply;
  ASSERT_TRUE(schedule.Apply(reply).ok());
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(55), 0.05);
  *reply.mutable_schedule() = ParseText<v1::Schedule>(
      R"pb(family: COSINE base_lr: 0.1 total_steps: 100 effective_from_step: 50)pb");
  ASSERT_TRUE(schedule.Apply(reply).ok());
  EXPECT_DOUBLE_EQ(schedule.LearningRateAt(50), 0.1 * 0.5 * (1 + std::cos(M_PI * 0.5)));
}

}  // namespace
}  // namespace hyperd
