#include "algorithms/schedules/refinement/online_rerefinement.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "algorithms/schedules/families/learning_rate.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/families/schedule_validation.h"
#include "algorithms/schedules/refinement/schedule_refinement.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::HasSubstr;

Schedule Cosine(int64_t total_steps, int64_t warmup_steps) {
  Schedule schedule;
  schedule.family = ScheduleFamily::kCosine;
  schedule.base_lr = 0.02;
  schedule.total_steps = total_steps;
  schedule.warmup_steps = warmup_steps;
  return schedule;
}

// One norm per step for steps 0 … count−1.
std::vector<GradientNormSample> Constant(int64_t count, double norm) {
  std::vector<GradientNormSample> samples;
  for (int64_t t = 0; t < count; ++t) samples.push_back({t, norm});
  return samples;
}

RerefinedSchedule Rerefine(const Schedule& current, const std::vector<GradientNormSample>& seen,
                           int64_t current_step, const RerefineOptions& options = {}) {
  absl::StatusOr<RerefinedSchedule> result =
      RerefineRemainder(current, seen, current_step, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : RerefinedSchedule{};
}

void ExpectUnchanged(const RerefinedSchedule& result, const Schedule& current,
                     const std::string& reason) {
  EXPECT_FALSE(result.changed);
  EXPECT_THAT(result.unchanged_reason, HasSubstr(reason));
  EXPECT_EQ(result.schedule.family, current.family);
  EXPECT_EQ(result.schedule.base_lr, current.base_lr);
  EXPECT_EQ(result.schedule.total_steps, current.total_steps);
  EXPECT_EQ(result.schedule.warmup_steps, current.warmup_steps);
}

// Constant norms refine to linear decay over the whole run (§2.6), so the rescaled tail is the
// straight line from the LR in use at k to 0 at T − 1: s'_t = s_k·(T−1−t)/(T−1−k).
TEST(RerefineRemainder, ConstantNormsContinueAsALinearDecayFromTheLrInUse) {
  const Schedule current = Cosine(1000, 50);
  const int64_t k = 400;
  const RerefinedSchedule result = Rerefine(current, Constant(k, 1.7), k);
  ASSERT_TRUE(result.changed) << result.unchanged_reason;
  EXPECT_EQ(result.unchanged_reason, "");
  EXPECT_EQ(result.extrapolated_norm, 1.7);
  EXPECT_EQ(result.recent_samples, 40);  // ceil(0.1 · 398 clean samples after the trim of 2)
  const Schedule& next = result.schedule;
  EXPECT_EQ(next.family, ScheduleFamily::kTabulated);
  EXPECT_EQ(next.base_lr, current.base_lr);
  EXPECT_EQ(next.total_steps, 1000);
  EXPECT_EQ(next.tabulated.shape.size(), 1000u);  // one entry per step
  EXPECT_TRUE(ValidateSchedule(next).ok()) << ValidateSchedule(next);
  const double s_k = ScheduleShapeAt(current, k);
  for (int64_t t = k; t < 1000; ++t) {
    EXPECT_NEAR(ScheduleShapeAt(next, t), s_k * static_cast<double>(999 - t) / (999.0 - k), 1e-12)
        << t;
  }
  EXPECT_EQ(LearningRateAt(next, 999), 0.0);
  EXPECT_EQ(LearningRateAt(next, 1000), 0.0);  // past the run: the last entry
}

TEST(RerefineRemainder, LrAtCurrentStepIsExactlyTheLrInUseAndThePastIsKept) {
  const Schedule current = Cosine(777, 30);
  for (int64_t k : {int64_t{40}, int64_t{200}, int64_t{776 - 1}}) {
    const RerefinedSchedule result = Rerefine(current, Constant(k - 1, 0.3), k);
    ASSERT_TRUE(result.changed) << result.unchanged_reason;
    EXPECT_EQ(LearningRateAt(result.schedule, k), LearningRateAt(current, k)) << k;
    for (int64_t t = 0; t < k; ++t) {
      EXPECT_EQ(LearningRateAt(result.schedule, t), LearningRateAt(current, t)) << t;
    }
  }
}

// Beyond kMaxRerefinedTablePoints steps the table is a grid; the LR at k is still exact, whether
// or not k falls on a grid point (every 5 steps here: (50001 − 1)/(10001 − 1)).
TEST(RerefineRemainder, LongRunsUseABoundedGridAndStayExactAtCurrentStep) {
  const Schedule current = Cosine(50001, 1000);
  std::vector<GradientNormSample> seen;
  for (int64_t t = 0; t < 20000; t += 10) seen.push_back({t, 2.0});  // logged every 10 steps
  for (int64_t k : {int64_t{20000}, int64_t{20003}}) {
    const RerefinedSchedule result = Rerefine(current, seen, k);
    ASSERT_TRUE(result.changed) << result.unchanged_reason;
    const Schedule& next = result.schedule;
    EXPECT_EQ(next.tabulated.shape.size(), static_cast<size_t>(kMaxRerefinedTablePoints));
    EXPECT_TRUE(ValidateSchedule(next).ok()) << ValidateSchedule(next);
    const double s_k = ScheduleShapeAt(current, k);
    EXPECT_EQ(ScheduleShapeAt(next, k), s_k) << k;
    // Off the grid the LR holds s_k up to the next grid point (20005), then decays linearly.
    EXPECT_NEAR(ScheduleShapeAt(next, 20005), k == 20003 ? s_k : s_k * 29995.0 / 30000.0,
                k == 20003 ? 0.0 : 1e-12);
    for (int64_t t = 20010; t < 50001; t += 997) {
      EXPECT_NEAR(ScheduleShapeAt(next, t), s_k * static_cast<double>(50000 - t) / (50000.0 - k),
                  1e-9)
          << t;
    }
    EXPECT_EQ(ScheduleShapeAt(next, 50000), 0.0);
  }
}

// High recent norms (an instability) make the rest of the run anneal from the current LR; the
// tail stays within [0, peak] and reaches 0 at the last step.
TEST(RerefineRemainder, RisingNormsGiveABoundedTailEndingAtZero) {
  const Schedule current = Cosine(2000, 100);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 0.05);
  std::vector<GradientNormSample> seen;
  for (int64_t t = 0; t < 900; ++t) {
    const double rise = t < 800 ? 1.0 : 1.0 + static_cast<double>(t - 800) / 25.0;
    seen.push_back({t, rise * (1.0 + noise(rng))});
  }
  const RerefinedSchedule result = Rerefine(current, seen, 900);
  ASSERT_TRUE(result.changed) << result.unchanged_reason;
  EXPECT_GT(result.extrapolated_norm, 3.0);  // the median of the last 90 reports
  const double s_k = ScheduleShapeAt(current, 900);
  EXPECT_EQ(ScheduleShapeAt(result.schedule, 900), s_k);
  for (int64_t t = 900; t < 2000; ++t) {
    const double s = ScheduleShapeAt(result.schedule, t);
    EXPECT_GE(s, 0.0) << t;
    EXPECT_LE(s, 1.0) << t;
  }
  EXPECT_EQ(ScheduleShapeAt(result.schedule, 1999), 0.0);
  EXPECT_LT(ScheduleShapeAt(result.schedule, 1500), s_k);
}

// From k on the norms are the recent median, so the refined tail is a plain decay; it can only
// rise when a coarse grid interpolates k against a grid point with a high norm. Here grid point 1
// (step 99.75) reads a norm of 13.25 from the spike before k, so R(k) ≈ 0.0074 R(step 199.5):
// the rescaled tail would jump far above the peak and is capped at 1.
TEST(RerefineRemainder, TailNeverExceedsThePeakBaseLr) {
  Schedule current = Cosine(400, 0);
  std::vector<GradientNormSample> seen;
  for (int64_t t = 0; t < 100; ++t) seen.push_back({t, t < 90 ? 1.0 : 50.0});
  RerefineOptions options;
  options.filter_fraction = 0.0;  // keep the spike at k − 10 … k − 1
  options.recent_fraction = 0.5;  // extrapolate the median of the last half: 1
  options.grid_points = 5;
  const RerefinedSchedule result = Rerefine(current, seen, 100, options);
  ASSERT_TRUE(result.changed) << result.unchanged_reason;
  EXPECT_EQ(result.extrapolated_norm, 1.0);
  double peak = 0.0;
  for (int64_t t = 100; t < 400; ++t) peak = std::max(peak, ScheduleShapeAt(result.schedule, t));
  EXPECT_EQ(peak, 1.0);
  EXPECT_EQ(ScheduleShapeAt(result.schedule, 100), ScheduleShapeAt(current, 100));
}

TEST(RerefineRemainder, FloorHoldsAfterCurrentStepButNeverAboveTheLrInUse) {
  const Schedule current = Cosine(500, 0);
  RerefineOptions options;
  options.min_multiplier = 0.2;
  const RerefinedSchedule early = Rerefine(current, Constant(100, 1.0), 100, options);
  ASSERT_TRUE(early.changed) << early.unchanged_reason;
  EXPECT_EQ(ScheduleShapeAt(early.schedule, 498), 0.2);
  EXPECT_EQ(ScheduleShapeAt(early.schedule, 499), 0.0);  // the last step stays 0
  // Late in a cosine the LR in use (≈ 0.0095) is below the floor: the floor drops to it.
  const RerefinedSchedule late = Rerefine(current, Constant(450, 1.0), 450, options);
  ASSERT_TRUE(late.changed) << late.unchanged_reason;
  const double s_k = ScheduleShapeAt(current, 450);
  ASSERT_LT(s_k, 0.2);
  for (int64_t t = 450; t < 499; ++t) EXPECT_EQ(ScheduleShapeAt(late.schedule, t), s_k) << t;
}

// A previous re-refinement (tabulated) can be re-refined again, and a shape above 1
// (piecewise_constant factor 2) moves into base_lr so every LR is kept.
TEST(RerefineRemainder, ChainsAndKeepsLrsOfShapesAboveOne) {
  const Schedule current = Cosine(600, 0);
  const RerefinedSchedule first = Rerefine(current, Constant(200, 1.0), 200);
  ASSERT_TRUE(first.changed) << first.unchanged_reason;
  const RerefinedSchedule second = Rerefine(first.schedule, Constant(400, 1.0), 400);
  ASSERT_TRUE(second.changed) << second.unchanged_reason;
  EXPECT_EQ(LearningRateAt(second.schedule, 400), LearningRateAt(first.schedule, 400));
  EXPECT_EQ(LearningRateAt(second.schedule, 300), LearningRateAt(first.schedule, 300));

  Schedule boosted;
  boosted.family = ScheduleFamily::kPiecewiseConstant;
  boosted.base_lr = 0.01;
  boosted.total_steps = 300;
  boosted.piecewise_constant = {{100}, {2.0}};
  const RerefinedSchedule lifted = Rerefine(boosted, Constant(150, 1.0), 150);
  ASSERT_TRUE(lifted.changed) << lifted.unchanged_reason;
  EXPECT_TRUE(ValidateSchedule(lifted.schedule).ok()) << ValidateSchedule(lifted.schedule);
  EXPECT_DOUBLE_EQ(lifted.schedule.base_lr, 0.02);
  for (int64_t t : {0, 99, 100, 150}) {
    EXPECT_DOUBLE_EQ(LearningRateAt(lifted.schedule, t), LearningRateAt(boosted, t)) << t;
  }
}

TEST(RerefineRemainder, TooLittleDataLeavesTheScheduleUnchangedWithAReason) {
  const Schedule current = Cosine(1000, 0);
  ExpectUnchanged(Rerefine(current, {}, 0), current, "no gradient norms reported yet");
  // 11 reports, 2 trimmed: 9 < 10 clean samples.
  ExpectUnchanged(Rerefine(current, Constant(11, 1.0), 11), current,
                  "9 clean norms remain after dropping non-finite ones and the first 2, below "
                  "min_samples 10");
  const RerefinedSchedule enough = Rerefine(current, Constant(12, 1.0), 12);
  EXPECT_TRUE(enough.changed) << enough.unchanged_reason;
  ExpectUnchanged(Rerefine(current, Constant(100, 1.0), 999), current,
                  "current_step 999 leaves fewer than 2 of the 1000 steps to re-plan");
  ExpectUnchanged(Rerefine(current, Constant(100, 1.0), 5000), current, "fewer than 2");
  ExpectUnchanged(Rerefine(current, Constant(100, 0.0), 100), current,
                  "more than half of the reported norms are 0");
  std::vector<GradientNormSample> dying = Constant(100, 1.0);
  for (size_t i = 80; i < dying.size(); ++i) dying[i].norm = 0.0;
  ExpectUnchanged(Rerefine(current, dying, 100), current, "the median of the last 10 norms is 0");
}

TEST(RerefineRemainder, NonFiniteNormsAreDroppedUnlessThereAreTooManyOfThem) {
  const Schedule current = Cosine(1000, 0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<GradientNormSample> few = Constant(200, 1.0);
  for (size_t i : {10, 50, 120, 199}) few[i].norm = i % 2 == 0 ? nan : HUGE_VAL;
  const RerefinedSchedule kept = Rerefine(current, few, 200);
  ASSERT_TRUE(kept.changed) << kept.unchanged_reason;
  const RerefinedSchedule clean = Rerefine(current, Constant(200, 1.0), 200);
  for (int64_t t = 200; t < 1000; t += 37) {
    EXPECT_NEAR(ScheduleShapeAt(kept.schedule, t), ScheduleShapeAt(clean.schedule, t), 1e-12);
  }
  std::vector<GradientNormSample> many = Constant(200, 1.0);
  for (size_t i = 0; i < 11; ++i) many[i * 10].norm = nan;  // 5.5 % > 5 %
  ExpectUnchanged(Rerefine(current, many, 200), current,
                  "11 of 200 norms are non-finite, more than max_nonfinite_fraction (0.05)");
}

TEST(RerefineRemainder, RejectsMalformedInputsNamingTheField) {
  const Schedule current = Cosine(1000, 0);
  struct Case {
    Schedule schedule;
    std::vector<GradientNormSample> seen;
    int64_t current_step;
    RerefineOptions options;
    std::string message;
  };
  Schedule invalid = current;
  invalid.base_lr = -1.0;
  RerefineOptions bad_recent;
  bad_recent.recent_fraction = 0.0;
  RerefineOptions bad_floor;
  bad_floor.min_multiplier = 1.0;
  RerefineOptions bad_min_samples;
  bad_min_samples.min_samples = 1;
  RerefineOptions bad_grid;
  bad_grid.grid_points = 1;
  const Case cases[] = {
      {invalid, Constant(50, 1.0), 50, {}, "schedule.base_lr"},
      {current, Constant(50, 1.0), -1, {}, "current_step: -1 is negative"},
      {current, Constant(50, 1.0), 40, {}, "seen[40].step: 40 is ≥ current_step (40)"},
      {current, {{3, 1.0}, {3, 1.0}}, 10, {}, "seen[1].step: 3 is not greater than seen[0].step"},
      {current, {{-2, 1.0}}, 10, {}, "seen[0].step: -2 is negative"},
      {current, {{0, 1.0}, {1, -0.5}}, 10, {}, "seen[1].norm: -0.5 is negative"},
      {current, Constant(50, 1.0), 50, bad_recent, "options.recent_fraction: 0 is outside (0, 1]"},
      {current, Constant(50, 1.0), 50, bad_floor, "options.min_multiplier: 1 is outside [0, 1)"},
      {current, Constant(50, 1.0), 50, bad_min_samples, "options.min_samples: 1 is < 2"},
      {current, Constant(50, 1.0), 50, bad_grid, "options.grid_points: 1 must be 0"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<RerefinedSchedule> result =
        RerefineRemainder(c.schedule, c.seen, c.current_step, c.options);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
