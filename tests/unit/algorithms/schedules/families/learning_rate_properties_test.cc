// Boundary and monotonicity properties of every family over a deterministic grid of horizons,
// warm-ups, start factors and floors.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "algorithms/schedules/families/learning_rate.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/families/schedule_validation.h"
#include "algorithms/schedules/families/wsd_cooldown.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules {
namespace {

// Families that decay from 1 to the floor ρ over the run.
std::vector<Schedule> DecayingSchedules() {
  std::vector<Schedule> schedules;
  for (int64_t total : {1, 2, 7, 100, 1001}) {
    for (int64_t warmup : {int64_t{0}, int64_t{1}, total / 10, total - 1}) {
      if (warmup >= total) continue;
      for (double start : {0.0, 0.05}) {
        for (double floor : {0.0, 0.1, 1.0}) {
          Schedule base;
          base.base_lr = 0.5;
          base.total_steps = total;
          base.warmup_steps = warmup;
          base.warmup_start_factor = start;
          base.min_lr_ratio = floor;
          for (ScheduleFamily family :
               {ScheduleFamily::kLinear, ScheduleFamily::kCosine, ScheduleFamily::kPolynomial}) {
            Schedule schedule = base;
            schedule.family = family;
            schedule.polynomial.power = 2.0;
            schedules.push_back(schedule);
          }
          for (WsdDecayShape shape :
               {WsdDecayShape::kLinear, WsdDecayShape::kCosine, WsdDecayShape::kOneMinusSqrt}) {
            Schedule schedule = base;
            schedule.family = ScheduleFamily::kWsd;
            schedule.wsd.decay_shape = shape;
            schedule.wsd.cooldown_fraction = 0.2;
            if (WsdCooldownSteps(0.2, total) <= total - warmup) schedules.push_back(schedule);
          }
        }
      }
    }
  }
  return schedules;
}

std::string Describe(const Schedule& s) {
  return absl::StrCat(ScheduleFamilyName(s.family), " T=", s.total_steps, " W=", s.warmup_steps,
                      " a=", s.warmup_start_factor, " rho=", s.min_lr_ratio);
}

TEST(ScheduleProperties, WarmupRisesFromTheStartFactorAndReachesThePeakExactlyAtW) {
  for (const Schedule& schedule : DecayingSchedules()) {
    SCOPED_TRACE(Describe(schedule));
    ASSERT_TRUE(ValidateSchedule(schedule).ok()) << ValidateSchedule(schedule);
    const int64_t w = schedule.warmup_steps;
    if (w > 0) {
      EXPECT_EQ(ScheduleShapeAt(schedule, 0), schedule.warmup_start_factor);
      for (int64_t t = 1; t < w; ++t) {
        EXPECT_GT(ScheduleShapeAt(schedule, t), ScheduleShapeAt(schedule, t - 1)) << t;
      }
      EXPECT_LT(ScheduleShapeAt(schedule, w - 1), 1.0);
    }
    EXPECT_EQ(ScheduleShapeAt(schedule, w), 1.0);
    EXPECT_EQ(LearningRateAt(schedule, w), schedule.base_lr);
  }
}

TEST(ScheduleProperties, DecayIsNonIncreasingAndReachesTheFloorExactlyAtT) {
  for (const Schedule& schedule : DecayingSchedules()) {
    SCOPED_TRACE(Describe(schedule));
    const int64_t total = schedule.total_steps;
    for (int64_t t = schedule.warmup_steps + 1; t <= total; ++t) {
      EXPECT_LE(ScheduleShapeAt(schedule, t), ScheduleShapeAt(schedule, t - 1)) << t;
      EXPECT_GE(ScheduleShapeAt(schedule, t), schedule.min_lr_ratio) << t;
    }
    EXPECT_EQ(ScheduleShapeAt(schedule, total), schedule.min_lr_ratio);
  }
}

// Spec §0 / HF: the floor is the value after the last update; the last update t = T−1 still uses
// a little more (linear: ρ + (1−ρ)/(T−W)).
TEST(ScheduleProperties, LastUpdateOfLinearDecayIsOneStepAboveTheFloor) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kLinear;
  schedule.base_lr = 1.0;
  schedule.total_steps = 100;
  schedule.warmup_steps = 20;
  schedule.min_lr_ratio = 0.2;
  EXPECT_DOUBLE_EQ(ScheduleShapeAt(schedule, 99), 0.2 + 0.8 / 80.0);
  EXPECT_EQ(ScheduleShapeAt(schedule, 100), 0.2);
}

TEST(ScheduleProperties, StepsOutsideTheRunAreClampedToZeroAndT) {
  for (const Schedule& schedule : DecayingSchedules()) {
    SCOPED_TRACE(Describe(schedule));
    EXPECT_EQ(ScheduleShapeAt(schedule, -5), ScheduleShapeAt(schedule, 0));
    EXPECT_EQ(ScheduleShapeAt(schedule, schedule.total_steps + 1),
              ScheduleShapeAt(schedule, schedule.total_steps));
    EXPECT_EQ(ScheduleShapeAt(schedule, INT64_MAX),
              ScheduleShapeAt(schedule, schedule.total_steps));
  }
}

TEST(ScheduleProperties, WsdIsExactlyOneBetweenWarmupAndCooldown) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kWsd;
  schedule.base_lr = 1.0;
  schedule.total_steps = 1000;
  schedule.warmup_steps = 50;
  schedule.min_lr_ratio = 0.1;
  schedule.wsd.cooldown_fraction = 0.25;
  for (int64_t t = 50; t <= 750; ++t) EXPECT_EQ(ScheduleShapeAt(schedule, t), 1.0) << t;
  EXPECT_LT(ScheduleShapeAt(schedule, 751), 1.0);
}

TEST(ScheduleProperties, WsdWithoutCooldownIsConstantThenDropsToTheFloorAtT) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kWsd;
  schedule.base_lr = 1.0;
  schedule.total_steps = 10;
  schedule.min_lr_ratio = 0.3;
  schedule.wsd.cooldown_fraction = 0.0;
  for (int64_t t = 0; t < 10; ++t) EXPECT_EQ(ScheduleShapeAt(schedule, t), 1.0) << t;
  EXPECT_EQ(ScheduleShapeAt(schedule, 10), 0.3);
}

TEST(WsdCooldownSteps, RoundsHalvesAwayFromZeroAndStaysWithinTheRun) {
  EXPECT_EQ(WsdCooldownSteps(0.2, 100), 20);
  EXPECT_EQ(WsdCooldownSteps(0.25, 10), 3);  // 2.5 -> 3
  EXPECT_EQ(WsdCooldownSteps(0.05, 10), 1);  // 0.5 -> 1
  EXPECT_EQ(WsdCooldownSteps(0.04, 10), 0);
  EXPECT_EQ(WsdCooldownSteps(0.0, 10), 0);
  EXPECT_EQ(WsdCooldownSteps(1.0, 10), 10);
}

TEST(ScheduleProperties, ConstantHoldsThePeakAfterWarmup) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kConstant;
  schedule.base_lr = 0.25;
  schedule.total_steps = 50;
  schedule.warmup_steps = 4;
  EXPECT_EQ(LearningRateAt(schedule, 0), 0.0);  // HF default a = 0: the first update is wasted.
  EXPECT_EQ(LearningRateAt(schedule, 2), 0.125);
  for (int64_t t = 4; t <= 60; ++t) EXPECT_EQ(LearningRateAt(schedule, t), 0.25) << t;
}

TEST(ScheduleProperties, InverseSqrtDecreasesStrictlyAfterWarmup) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kInverseSqrt;
  schedule.base_lr = 1.0;
  schedule.total_steps = 500;
  schedule.warmup_steps = 25;
  EXPECT_EQ(ScheduleShapeAt(schedule, 25), 1.0);
  for (int64_t t = 26; t <= 500; ++t) {
    EXPECT_LT(ScheduleShapeAt(schedule, t), ScheduleShapeAt(schedule, t - 1)) << t;
  }
  EXPECT_EQ(ScheduleShapeAt(schedule, 100), 0.5);  // 1/√((75 + 25)/25), τ = W = 25
}

TEST(ScheduleProperties, OneCycleStartsAtMaxOverDivPeaksAtPctStartAndEndsAtTheMinimum) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kOneCycle;
  schedule.base_lr = 2.0;
  schedule.total_steps = 1000;
  schedule.onecycle.pct_start = 0.25;  // peak at step 0.25·1000 − 1 = 249
  ASSERT_TRUE(ValidateSchedule(schedule).ok());
  // PyTorch's cos anneal, end + (start − end)/2·(cos 0 + 1), is a few ulps off `start`.
  EXPECT_NEAR(LearningRateAt(schedule, 0), 2.0 / 25.0, 1e-15);
  EXPECT_EQ(LearningRateAt(schedule, 249), 2.0);
  for (int64_t t = 1; t <= 249; ++t) {
    EXPECT_GT(LearningRateAt(schedule, t), LearningRateAt(schedule, t - 1)) << t;
  }
  for (int64_t t = 250; t < 1000; ++t) {
    EXPECT_LT(LearningRateAt(schedule, t), LearningRateAt(schedule, t - 1)) << t;
  }
  EXPECT_DOUBLE_EQ(LearningRateAt(schedule, 999), 2.0 / 25.0 / 1e4);
}

// Warm-up in front of onecycle is SequentialLR([LinearLR, OneCycleLR(total_steps=T−W)], [W]).
TEST(ScheduleProperties, WarmupInFrontOfOneCycleStartsTheCycleAtW) {
  Schedule plain;
  plain.family = ScheduleFamily::kOneCycle;
  plain.base_lr = 0.1;
  plain.total_steps = 10;
  Schedule warmed = plain;
  warmed.total_steps = 15;
  warmed.warmup_steps = 5;
  warmed.warmup_start_factor = 0.5;
  EXPECT_EQ(LearningRateAt(warmed, 0), 0.05);
  for (int64_t e = 0; e < 10; ++e) {
    EXPECT_EQ(LearningRateAt(warmed, 5 + e), LearningRateAt(plain, e)) << e;
  }
}

TEST(ScheduleProperties, PiecewiseConstantMilestonesAreAbsoluteStepsAfterWarmup) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kPiecewiseConstant;
  schedule.base_lr = 1.0;
  schedule.total_steps = 100;
  schedule.warmup_steps = 10;
  schedule.piecewise_constant.milestones = {5, 40, 70};
  schedule.piecewise_constant.factors = {0.5, 0.2, 3.0};
  EXPECT_EQ(ScheduleShapeAt(schedule, 5), 0.5);   // still warming up
  EXPECT_EQ(ScheduleShapeAt(schedule, 10), 0.5);  // milestone 5 already passed
  EXPECT_EQ(ScheduleShapeAt(schedule, 39), 0.5);
  EXPECT_DOUBLE_EQ(ScheduleShapeAt(schedule, 40), 0.1);
  EXPECT_DOUBLE_EQ(ScheduleShapeAt(schedule, 70), 0.3);
  EXPECT_DOUBLE_EQ(ScheduleShapeAt(schedule, 100), 0.3);
}

TEST(ScheduleProperties, StepWithoutWarmupIsPiecewiseConstantAtMultiplesOfStepSize) {
  Schedule step;
  step.family = ScheduleFamily::kStep;
  step.base_lr = 0.3;
  step.total_steps = 100;
  step.step = {12, 0.7};
  Schedule piecewise = step;
  piecewise.family = ScheduleFamily::kPiecewiseConstant;
  for (int64_t milestone = 12; milestone <= 100; milestone += 12) {
    piecewise.piecewise_constant.milestones.push_back(milestone);
    piecewise.piecewise_constant.factors.push_back(0.7);
  }
  ASSERT_TRUE(ValidateSchedule(step).ok()) << ValidateSchedule(step);
  ASSERT_TRUE(ValidateSchedule(piecewise).ok()) << ValidateSchedule(piecewise);
  for (int64_t t = 0; t <= 100; ++t) {
    EXPECT_NEAR(LearningRateAt(step, t), LearningRateAt(piecewise, t), 1e-15) << t;
  }
}

TEST(ScheduleProperties, StepCountsItsDecaysFromTheEndOfWarmupAndNeverRises) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kStep;
  schedule.base_lr = 1.0;
  schedule.total_steps = 60;
  schedule.warmup_steps = 10;
  schedule.step = {20, 0.5};
  ASSERT_TRUE(ValidateSchedule(schedule).ok()) << ValidateSchedule(schedule);
  EXPECT_EQ(ScheduleShapeAt(schedule, 9), 0.9);
  EXPECT_EQ(ScheduleShapeAt(schedule, 10), 1.0);
  EXPECT_EQ(ScheduleShapeAt(schedule, 29), 1.0);
  EXPECT_EQ(ScheduleShapeAt(schedule, 30), 0.5);
  EXPECT_EQ(ScheduleShapeAt(schedule, 50), 0.25);
  EXPECT_EQ(ScheduleShapeAt(schedule, 60), 0.25);   // T: e = 50 → gamma^2
  EXPECT_EQ(ScheduleShapeAt(schedule, 500), 0.25);  // clamped to T
  for (int64_t t = 11; t <= 60; ++t) {
    EXPECT_LE(ScheduleShapeAt(schedule, t), ScheduleShapeAt(schedule, t - 1)) << t;
  }
}

// Spec §2.6: constant norms refine to [1, .75, .5, .25, 0] for T = 5; reused at T' = 9 the table
// is read at u = t/8, so odd steps fall halfway between grid points (spec §2.4 Run B).
TEST(ScheduleProperties, TabulatedInterpolatesLinearlyInNormalisedTime) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kTabulated;
  schedule.base_lr = 2.0;
  schedule.total_steps = 5;
  schedule.tabulated.shape = {1.0, 0.75, 0.5, 0.25, 0.0};
  ASSERT_TRUE(ValidateSchedule(schedule).ok()) << ValidateSchedule(schedule);
  EXPECT_EQ(LearningRates(schedule, 5), (std::vector<double>{2.0, 1.5, 1.0, 0.5, 0.0}));
  schedule.total_steps = 9;
  EXPECT_EQ(LearningRates(schedule, 9),
            (std::vector<double>{2.0, 1.75, 1.5, 1.25, 1.0, 0.75, 0.5, 0.25, 0.0}));
  EXPECT_EQ(LearningRateAt(schedule, 9), 0.0);  // past the run: the last entry
  schedule.total_steps = 1;
  EXPECT_EQ(LearningRateAt(schedule, 0), 2.0);  // a one-step run reads u = 0
}

TEST(ScheduleProperties, TabulatedHitsEveryGridPointExactlyWhenTheLengthsMatch) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kTabulated;
  schedule.base_lr = 1.0;
  schedule.tabulated.shape = {0.133333, 0.29, 1, 0.84, 0.68, 0.52, 0.36, 0.2, 0.04, 0};
  schedule.total_steps = 10;
  for (int64_t t = 0; t < 10; ++t) {
    EXPECT_EQ(ScheduleShapeAt(schedule, t), schedule.tabulated.shape[t]) << t;
  }
}

}  // namespace
}  // namespace hyperd::algorithms::schedules
