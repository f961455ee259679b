#include "algorithms/schedules/families/schedule_validation.h"

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "algorithms/schedules/families/schedule.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Schedule Valid(ScheduleFamily family) {
  Schedule schedule;
  schedule.family = family;
  schedule.base_lr = 1e-3;
  schedule.total_steps = 1000;
  schedule.warmup_steps = 100;
  return schedule;
}

void ExpectInvalid(const Schedule& schedule, const std::string& message) {
  const absl::Status status = ValidateSchedule(schedule);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(message));
}

TEST(ValidateSchedule, AcceptsEveryFamilyWithDefaultParameters) {
  for (ScheduleFamily family :
       {ScheduleFamily::kConstant, ScheduleFamily::kLinear, ScheduleFamily::kCosine,
        ScheduleFamily::kWsd, ScheduleFamily::kInverseSqrt, ScheduleFamily::kPolynomial,
        ScheduleFamily::kOneCycle, ScheduleFamily::kPiecewiseConstant}) {
    EXPECT_TRUE(ValidateSchedule(Valid(family)).ok())
        << ScheduleFamilyName(family) << ": " << ValidateSchedule(Valid(family));
  }
  Schedule tabulated = Valid(ScheduleFamily::kTabulated);
  tabulated.warmup_steps = 0;
  tabulated.tabulated.shape = {0.5, 1.0, 0.0};
  EXPECT_TRUE(ValidateSchedule(tabulated).ok()) << ValidateSchedule(tabulated);
}

TEST(ValidateSchedule, ChecksTabulatedShapeAndRefusesWarmupInFrontOfIt) {
  Schedule schedule = Valid(ScheduleFamily::kTabulated);
  schedule.tabulated.shape = {1.0};
  ExpectInvalid(schedule, "schedule.tabulated.shape: must hold at least 2 values");
  ExpectInvalid(schedule, "schedule.warmup_steps: must be 0 for family tabulated");
  schedule.warmup_steps = 0;
  schedule.tabulated.shape = {0.2, 1.5, std::nan("")};
  ExpectInvalid(schedule,
                "schedule.tabulated.shape[1]: must be in [0, 1], got 1.5; "
                "schedule.tabulated.shape[2]: must be in [0, 1], got nan");
}

TEST(ScheduleFamilyName, RoundTripsThroughScheduleFamilyFromName) {
  for (ScheduleFamily family :
       {ScheduleFamily::kConstant, ScheduleFamily::kLinear, ScheduleFamily::kCosine,
        ScheduleFamily::kWsd, ScheduleFamily::kInverseSqrt, ScheduleFamily::kPolynomial,
        ScheduleFamily::kOneCycle, ScheduleFamily::kPiecewiseConstant, ScheduleFamily::kTabulated,
        ScheduleFamily::kStep}) {
    EXPECT_EQ(ScheduleFamilyFromName(ScheduleFamilyName(family)), family);
  }
  EXPECT_EQ(ScheduleFamilyName(ScheduleFamily::kStep), "step");
  EXPECT_EQ(ScheduleFamilyName(ScheduleFamily::kInverseSqrt), "inverse_sqrt");
  EXPECT_EQ(ScheduleFamilyFromName("Cosine"), std::nullopt);
  EXPECT_EQ(ScheduleFamilyFromName("uba"), std::nullopt);
}

TEST(ValidateSchedule, RejectsADefaultConstructedScheduleNamingTheFieldsToSet) {
  const absl::Status status = ValidateSchedule(Schedule{});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("schedule.base_lr: must be finite and > 0, got 0"));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("schedule.total_steps: must be >= 1, got 0"));
}

TEST(ValidateSchedule, ReportsEveryViolationSeparatedBySemicolons) {
  Schedule schedule = Valid(ScheduleFamily::kCosine);
  schedule.min_lr_ratio = 2;
  schedule.warmup_start_factor = -0.5;
  ExpectInvalid(schedule,
                "schedule.warmup_start_factor: must be in [0, 1], got -0.5; "
                "schedule.min_lr_ratio: must be in [0, 1], got 2");
}

TEST(ValidateSchedule, RejectsNonFiniteBaseLr) {
  Schedule schedule = Valid(ScheduleFamily::kConstant);
  schedule.base_lr = std::numeric_limits<double>::quiet_NaN();
  ExpectInvalid(schedule, "schedule.base_lr: must be finite and > 0, got nan");
  schedule.base_lr = std::numeric_limits<double>::infinity();
  ExpectInvalid(schedule, "schedule.base_lr: must be finite and > 0, got inf");
}

TEST(ValidateSchedule, RequiresWarmupShorterThanTheRun) {
  Schedule schedule = Valid(ScheduleFamily::kLinear);
  schedule.warmup_steps = 1000;
  ExpectInvalid(schedule, "schedule.warmup_steps: must be less than total_steps 1000, got 1000");
  schedule.warmup_steps = -1;
  ExpectInvalid(schedule, "schedule.warmup_steps: must be >= 0, got -1");
}

TEST(ValidateSchedule, RejectsAFloorOnFamiliesWithoutOneInsteadOfIgnoringIt) {
  Schedule schedule = Valid(ScheduleFamily::kInverseSqrt);
  schedule.min_lr_ratio = 0.1;
  ExpectInvalid(schedule,
                "schedule.min_lr_ratio: family inverse_sqrt has no floor, so min_lr_ratio must be "
                "0, got 0.1");
  schedule.family = ScheduleFamily::kPolynomial;
  EXPECT_TRUE(ValidateSchedule(schedule).ok());
}

TEST(ValidateSchedule, ChecksWsdCooldownFractionAndOverlapWithWarmup) {
  Schedule schedule = Valid(ScheduleFamily::kWsd);
  schedule.wsd.cooldown_fraction = 1.5;
  ExpectInvalid(schedule, "schedule.wsd.cooldown_fraction: must be in [0, 1], got 1.5");
  schedule.wsd.cooldown_fraction = 0.95;  // 950 cooldown steps > 1000 - 100
  ExpectInvalid(schedule,
                "schedule.wsd.cooldown_fraction: the cooldown round(0.95 * total_steps 1000) = 950 "
                "steps overlaps the warm-up; it must be at most total_steps - warmup_steps = 900");
  schedule.wsd.cooldown_fraction = 0.9;
  EXPECT_TRUE(ValidateSchedule(schedule).ok());
  schedule.wsd.cooldown_fraction = 0.0;  // a constant run
  EXPECT_TRUE(ValidateSchedule(schedule).ok());
}

TEST(ValidateSchedule, ChecksPolynomialPowerAndInverseSqrtTimescale) {
  Schedule schedule = Valid(ScheduleFamily::kPolynomial);
  schedule.polynomial.power = 0;
  ExpectInvalid(schedule, "schedule.polynomial.power: must be finite and > 0, got 0");
  schedule = Valid(ScheduleFamily::kInverseSqrt);
  schedule.inverse_sqrt.timescale = -4;
  ExpectInvalid(schedule, "schedule.inverse_sqrt.timescale: must be >= 0");
}

TEST(ValidateSchedule, ChecksOneCycleParameters) {
  Schedule schedule = Valid(ScheduleFamily::kOneCycle);
  schedule.warmup_steps = 0;
  schedule.onecycle.pct_start = 1.0;
  schedule.onecycle.div_factor = 0;
  schedule.onecycle.final_div_factor = std::numeric_limits<double>::infinity();
  ExpectInvalid(schedule, "schedule.onecycle.pct_start: must be in (0, 1), got 1");
  ExpectInvalid(schedule, "schedule.onecycle.div_factor: must be finite and > 0, got 0");
  ExpectInvalid(schedule, "schedule.onecycle.final_div_factor: must be finite and > 0, got inf");
}

// PyTorch divides by each phase's length: pct_start·N − 1 must be > 0, and in three-phase mode the
// last phase N − 1 − (2·pct_start·N − 2) must be > 0 too.
TEST(ValidateSchedule, RejectsOneCyclePhasesOfZeroLength) {
  Schedule schedule = Valid(ScheduleFamily::kOneCycle);
  schedule.warmup_steps = 0;
  schedule.total_steps = 10;
  schedule.onecycle.pct_start = 0.1;  // first phase ends at 0.1·10 − 1 = 0
  ExpectInvalid(schedule,
                "schedule.onecycle.pct_start: leaves an empty phase over N = "
                "total_steps - warmup_steps = 10 steps");
  schedule.onecycle.pct_start = 0.11;
  EXPECT_TRUE(ValidateSchedule(schedule).ok());
  schedule.onecycle.three_phase = true;
  schedule.onecycle.pct_start = 0.55;  // last phase: 9 − (11 − 2) = 0
  ExpectInvalid(schedule, "choose 1/N < pct_start < (N+1)/(2N)");
  schedule.onecycle.pct_start = 0.5;
  EXPECT_TRUE(ValidateSchedule(schedule).ok());
}

TEST(ValidateSchedule, OneCyclePhasesAreMeasuredAfterTheWarmup) {
  Schedule schedule = Valid(ScheduleFamily::kOneCycle);
  schedule.total_steps = 12;
  schedule.warmup_steps = 2;  // N = 10
  schedule.onecycle.pct_start = 0.1;
  ExpectInvalid(schedule, "over N = total_steps - warmup_steps = 10 steps");
}

TEST(ValidateSchedule, ChecksPiecewiseConstantMilestonesAndFactors) {
  Schedule schedule = Valid(ScheduleFamily::kPiecewiseConstant);
  schedule.piecewise_constant.milestones = {0, 50, 50};
  schedule.piecewise_constant.factors = {0.5, -1};
  const absl::Status status = ValidateSchedule(schedule);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("schedule.piecewise_constant.factors: must have one factor per "
                                 "milestone: got 2 factors for 3 milestones"));
  EXPECT_THAT(message, HasSubstr("schedule.piecewise_constant.milestones[0]: must be >= 1"));
  EXPECT_THAT(message, HasSubstr("schedule.piecewise_constant.milestones[2]: must be greater than "
                                 "the previous milestone 50, got 50"));
  EXPECT_THAT(message, HasSubstr("schedule.piecewise_constant.factors[1]: must be finite and >= 0, "
                                 "got -1"));
  EXPECT_THAT(message, Not(HasSubstr("milestones[1]")));
}

TEST(ValidateSchedule, AcceptsStepWithAStepSizeAndGammaUpToOne) {
  Schedule schedule = Valid(ScheduleFamily::kStep);
  schedule.step.step_size = 1;
  EXPECT_TRUE(ValidateSchedule(schedule).ok()) << ValidateSchedule(schedule);
  schedule.step = {5000, 1.0};  // longer than the run, and gamma 1: constant, still valid
  EXPECT_TRUE(ValidateSchedule(schedule).ok()) << ValidateSchedule(schedule);
}

TEST(ValidateSchedule, ChecksStepSizeAndGammaAndRefusesAFloor) {
  Schedule schedule = Valid(ScheduleFamily::kStep);  // step_size unset (0)
  ExpectInvalid(schedule, "schedule.step.step_size: must be >= 1");
  schedule.step = {-3, 0.0};
  ExpectInvalid(schedule,
                "schedule.step.step_size: must be >= 1 (the LR is multiplied by gamma "
                "every step_size steps), got -3; schedule.step.gamma: must be in (0, 1] "
                "(the decay factor; PyTorch's default is 0.1), got 0");
  schedule.step = {10, 1.5};
  ExpectInvalid(schedule, "schedule.step.gamma: must be in (0, 1]");
  schedule.step.gamma = std::numeric_limits<double>::quiet_NaN();
  ExpectInvalid(schedule, "schedule.step.gamma: must be in (0, 1]");
  schedule.step.gamma = 0.5;
  schedule.min_lr_ratio = 0.1;
  ExpectInvalid(schedule, "schedule.min_lr_ratio: family step has no floor");
}

TEST(ValidateSchedule, IgnoresParametersOfOtherFamilies) {
  Schedule schedule = Valid(ScheduleFamily::kCosine);
  schedule.wsd.cooldown_fraction = 7;
  schedule.onecycle.pct_start = -1;
  schedule.polynomial.power = -2;
  EXPECT_TRUE(ValidateSchedule(schedule).ok());
}

}  // namespace
}  // namespace hyperd::algorithms::schedules
