#include "algorithms/schedules/refinement/schedule_bound_array.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "algorithms/schedules/families/learning_rate.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/refinement/bound_schedule_arrays.h"
#include "algorithms/schedules/refinement/convex_bound.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::HasSubstr;

Schedule Make(ScheduleFamily family, int64_t total_steps) {
  Schedule schedule;
  schedule.family = family;
  schedule.base_lr = 3e-4;  // ignored by the bound array
  schedule.total_steps = total_steps;
  return schedule;
}

std::vector<double> Array(const Schedule& schedule, int64_t horizon) {
  absl::StatusOr<std::vector<double>> values = ScheduleBoundArray(schedule, horizon);
  EXPECT_TRUE(values.ok()) << values.status();
  return values.ok() ? *std::move(values) : std::vector<double>{};
}

std::vector<double> Unwrap(absl::StatusOr<std::vector<double>> values) {
  EXPECT_TRUE(values.ok()) << values.status();
  return values.ok() ? *std::move(values) : std::vector<double>{};
}

// Spec §3.4, T = 100, D = G = 1, through hyperd schedules (what PlanSchedules receives).
TEST(ScheduleBoundArray, ReproducesTheReferenceOptimalBaseLrsAtHorizon100) {
  Schedule wsd = Make(ScheduleFamily::kWsd, 100);
  wsd.wsd.cooldown_fraction = 0.2;
  struct Case {
    Schedule schedule;
    double base_lr;
    double bound;
  };
  const Case cases[] = {
      {Make(ScheduleFamily::kLinear, 100), 0.0972552, 0.2036084},
      {Make(ScheduleFamily::kCosine, 100), 0.0946945, 0.2091144},
      {wsd, 0.0495442, 0.2230276},
      {Make(ScheduleFamily::kConstant, 100), 0.0402344, 0.2485433},
  };
  for (const Case& c : cases) {
    const std::vector<double> shape = Array(c.schedule, 100);
    ASSERT_EQ(shape.size(), 101u);
    absl::StatusOr<OptimalBaseLr> best = ComputeOptimalBaseLr(shape, 100, {});
    ASSERT_TRUE(best.ok()) << best.status();
    EXPECT_NEAR(best->base_lr, c.base_lr, 5e-8) << ScheduleFamilyName(c.schedule.family);
    EXPECT_NEAR(best->bound, c.bound, 5e-8) << ScheduleFamilyName(c.schedule.family);
  }
}

TEST(ScheduleBoundArray, PackageFamiliesAreThePackageArraysWithFloorAndWarmup) {
  Schedule linear = Make(ScheduleFamily::kLinear, 50);
  linear.warmup_steps = 5;
  linear.min_lr_ratio = 0.1;
  EXPECT_EQ(Array(linear, 50), Unwrap(MakeLinearDecayArray(51, 5, 0.1)));
  Schedule cosine = Make(ScheduleFamily::kCosine, 50);
  cosine.warmup_steps = 5;
  EXPECT_EQ(Array(cosine, 50), Unwrap(MakeCosineArray(51, 5)));
  Schedule wsd = Make(ScheduleFamily::kWsd, 50);
  wsd.wsd = {0.3, WsdDecayShape::kOneMinusSqrt};
  EXPECT_EQ(Array(wsd, 50), Unwrap(MakeWsdArray({51, 0.3, CooldownShape::kOneMinusSqrt, 0, 0.0})));
  EXPECT_EQ(Array(Make(ScheduleFamily::kConstant, 50), 50), Unwrap(MakeConstantArray(51)));
}

// Away from the package's roundings the package arrays are the closed forms the job runs.
TEST(ScheduleBoundArray, PackageArraysAgreeWithTheClosedFormsAfterWarmup) {
  for (ScheduleFamily family :
       {ScheduleFamily::kLinear, ScheduleFamily::kCosine, ScheduleFamily::kWsd}) {
    Schedule schedule = Make(family, 200);
    schedule.warmup_steps = 20;
    schedule.min_lr_ratio = 0.05;
    schedule.wsd.cooldown_fraction = 0.25;  // int(0.25·201) = 50 = round(0.25·200)
    const std::vector<double> shape = Array(schedule, 200);
    for (int64_t t = 20; t <= 200; ++t) {
      EXPECT_NEAR(shape[static_cast<size_t>(t)], ScheduleShapeAt(schedule, t), 1e-12)
          << ScheduleFamilyName(family) << " t=" << t;
    }
  }
}

TEST(ScheduleBoundArray, OtherFamiliesAreTheirClosedFormsOverHorizonPlusOneSteps) {
  Schedule onecycle = Make(ScheduleFamily::kOneCycle, 100);
  Schedule step = Make(ScheduleFamily::kStep, 100);
  step.step = {30, 0.5};
  Schedule wsd_cosine = Make(ScheduleFamily::kWsd, 100);
  wsd_cosine.wsd.decay_shape = WsdDecayShape::kCosine;
  Schedule tabulated = Make(ScheduleFamily::kTabulated, 100);
  tabulated.tabulated.shape = {0.2, 1.0, 0.0};
  Schedule piecewise = Make(ScheduleFamily::kPiecewiseConstant, 100);
  piecewise.piecewise_constant = {{10, 60}, {2.0, 0.25}};  // peaks at 2 (multiplier of base_lr)
  for (const Schedule& schedule :
       {onecycle, step, wsd_cosine, tabulated, piecewise, Make(ScheduleFamily::kInverseSqrt, 100),
        Make(ScheduleFamily::kPolynomial, 100)}) {
    const std::vector<double> shape = Array(schedule, 100);
    ASSERT_EQ(shape.size(), 101u) << ScheduleFamilyName(schedule.family);
    for (int64_t t = 0; t <= 100; ++t) {
      EXPECT_EQ(shape[static_cast<size_t>(t)], ScheduleShapeAt(schedule, t))
          << ScheduleFamilyName(schedule.family) << " t=" << t;
    }
    EXPECT_TRUE(ComputeOptimalBaseLr(shape, 100, {}).ok()) << ScheduleFamilyName(schedule.family);
  }
}

TEST(ScheduleBoundArray, WarmupStartsAtThePackagesOneE10UnlessAStartFactorIsSet) {
  Schedule hf = Make(ScheduleFamily::kStep, 40);
  hf.warmup_steps = 4;
  hf.step = {10, 0.5};
  const std::vector<double> hf_shape = Array(hf, 40);
  EXPECT_EQ(hf_shape[0], kBoundWarmupStart);
  EXPECT_DOUBLE_EQ(hf_shape[2], kBoundWarmupStart + 0.5 * (1.0 - kBoundWarmupStart));
  EXPECT_EQ(hf_shape[4], 1.0);

  Schedule pytorch = Make(ScheduleFamily::kLinear, 40);
  pytorch.warmup_steps = 4;
  pytorch.warmup_start_factor = 0.2;
  const std::vector<double> pytorch_shape = Array(pytorch, 40);
  EXPECT_EQ(pytorch_shape[0], 0.2);
  EXPECT_DOUBLE_EQ(pytorch_shape[2], 0.6);
  EXPECT_EQ(pytorch_shape[4], 1.0);
  EXPECT_EQ(pytorch_shape[5], Unwrap(MakeLinearDecayArray(41, 4))[5]);
}

TEST(ScheduleBoundArray, ShorterHorizonTruncatesAndLongerHorizonHoldsTheValueAtT) {
  Schedule cosine = Make(ScheduleFamily::kCosine, 100);
  cosine.min_lr_ratio = 0.1;
  const std::vector<double> full = Array(cosine, 100);
  const std::vector<double> early = Array(cosine, 40);
  ASSERT_EQ(early.size(), 41u);
  EXPECT_EQ(early, std::vector<double>(full.begin(), full.begin() + 41));
  const std::vector<double> late = Array(cosine, 150);
  ASSERT_EQ(late.size(), 151u);
  EXPECT_EQ(std::vector<double>(late.begin(), late.begin() + 101), full);
  for (size_t t = 101; t < late.size(); ++t) EXPECT_EQ(late[t], 0.1) << t;
  // Reading past the run keeps the bound defined; trailing zeros (ρ = 0) are dropped by the bound.
  EXPECT_TRUE(ComputeOptimalBaseLr(late, 150, {}).ok());
  EXPECT_TRUE(ComputeOptimalBaseLr(Array(Make(ScheduleFamily::kLinear, 100), 150), 150, {}).ok());
}

TEST(ScheduleBoundArray, RejectsABadHorizonOrAnInvalidScheduleNamingTheField) {
  absl::StatusOr<std::vector<double>> bad_horizon =
      ScheduleBoundArray(Make(ScheduleFamily::kLinear, 100), 0);
  EXPECT_EQ(bad_horizon.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_horizon.status().message()), HasSubstr("horizon: 0 is < 1"));
  absl::StatusOr<std::vector<double>> bad_step =
      ScheduleBoundArray(Make(ScheduleFamily::kStep, 100), 100);  // step_size unset
  EXPECT_EQ(bad_step.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_step.status().message()), HasSubstr("schedule.step.step_size"));
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
