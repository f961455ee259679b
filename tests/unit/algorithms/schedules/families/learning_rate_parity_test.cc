// Parity of the schedule families with PyTorch torch.optim.lr_scheduler and HF transformers
// optimization.py. PyTorch is not installed on the build image, so the expected values are the test
// vectors of specs/lr-schedules.md §1.1-§1.2 (recomputed there in double precision from the
// libraries' closed forms; quoted to 6 significant digits), PyTorch's documented MultiStepLR /
// StepLR examples, and where marked "python3 closed form" values printed once by
//   python3 -c "import math; f=lambda s,W,N:
//   max(0,0.5*(1+math.cos(math.pi*2*0.5*(s-W)/max(1,N-W)))); ..."
// i.e. HF's formulas transcribed literally (see each test).
#include <cmath>
#include <cstdint>
#include <vector>

#include "algorithms/schedules/families/learning_rate.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/families/schedule_validation.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules {
namespace {

// The spec's vectors carry 6 significant digits.
constexpr double kSpecRelativeTolerance = 1e-5;

void ExpectVector(const Schedule& schedule, const std::vector<int64_t>& steps,
                  const std::vector<double>& expected) {
  ASSERT_TRUE(ValidateSchedule(schedule).ok()) << ValidateSchedule(schedule);
  ASSERT_EQ(steps.size(), expected.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_NEAR(LearningRateAt(schedule, steps[i]), expected[i],
                kSpecRelativeTolerance * std::abs(expected[i]) + 1e-15)
        << "step " << steps[i];
  }
}

std::vector<int64_t> Range(int64_t n) {
  std::vector<int64_t> steps;
  for (int64_t t = 0; t < n; ++t) steps.push_back(t);
  return steps;
}

Schedule Make(ScheduleFamily family, double base_lr, int64_t total_steps, int64_t warmup_steps) {
  Schedule schedule;
  schedule.family = family;
  schedule.base_lr = base_lr;
  schedule.total_steps = total_steps;
  schedule.warmup_steps = warmup_steps;
  return schedule;
}

// PyTorch LinearLR(start_factor=.05, total_iters=40), b = .05: our warm-up with a = start_factor.
TEST(PyTorchParity, WarmupWithStartFactorIsLinearLR) {
  Schedule schedule = Make(ScheduleFamily::kConstant, 0.05, 100, 40);
  schedule.warmup_start_factor = 0.05;
  ExpectVector(schedule, {0, 1, 2, 3, 20, 40, 41, 99},
               {0.0025, 0.0036875, 0.004875, 0.0060625, 0.02625, 0.05, 0.05, 0.05});
}

// PyTorch CosineAnnealingLR(T_max=10), b = .1.
TEST(PyTorchParity, CosineIsCosineAnnealingLRUpToTMax) {
  const Schedule schedule = Make(ScheduleFamily::kCosine, 0.1, 10, 0);
  ExpectVector(schedule, {0, 1, 5, 9, 10}, {0.1, 0.0975528, 0.05, 0.00244717, 0.0});
}

// Gotcha: CosineAnnealingLR is not clamped (e=15 -> 0.05, e=20 -> 0.1); hyperd holds the floor.
TEST(PyTorchParity, CosineHoldsTheFloorPastTMaxWhereCosineAnnealingLRRisesAgain) {
  const Schedule schedule = Make(ScheduleFamily::kCosine, 0.1, 10, 0);
  EXPECT_EQ(LearningRateAt(schedule, 15), 0.0);
  EXPECT_EQ(LearningRateAt(schedule, 20), 0.0);
}

// SequentialLR([LinearLR(0.1, total_iters=5), CosineAnnealingLR(T_max=10)], milestones=[5]):
// the cosine restarts at its own epoch 0 at the milestone, so steps 5.. repeat the vector above.
TEST(PyTorchParity, WarmupThenCosineIsSequentialLRWithMilestoneAtW) {
  Schedule schedule = Make(ScheduleFamily::kCosine, 0.1, 15, 5);
  schedule.warmup_start_factor = 0.1;
  ExpectVector(schedule, {0, 4, 5, 6, 10, 14, 15},
               {0.01, 0.1 * (0.1 + 0.9 * 4.0 / 5.0), 0.1, 0.0975528, 0.05, 0.00244717, 0.0});
}

// PyTorch PolynomialLR(total_iters=50, power=.9), b = .05.
TEST(PyTorchParity, PolynomialIsPolynomialLR) {
  Schedule schedule = Make(ScheduleFamily::kPolynomial, 0.05, 50, 0);
  schedule.polynomial.power = 0.9;
  ExpectVector(schedule, {0, 1, 2, 50}, {0.05, 0.0490991, 0.0481963, 0.0});
}

Schedule OneCycle(bool three_phase, OneCycleAnneal anneal) {
  Schedule schedule = Make(ScheduleFamily::kOneCycle, 0.1, 10, 0);
  schedule.onecycle.three_phase = three_phase;
  schedule.onecycle.anneal = anneal;
  return schedule;
}

// PyTorch OneCycleLR(max_lr=.1, total_steps=10), defaults pct_start=.3, div 25, final_div 1e4.
TEST(PyTorchParity, OneCycleCosIsOneCycleLR) {
  ExpectVector(OneCycle(false, OneCycleAnneal::kCos), Range(10),
               {0.004, 0.052, 0.1, 0.0950485, 0.0811746, 0.0611262, 0.0388742, 0.0188258,
                0.00495194, 4e-07});
}

TEST(PyTorchParity, OneCycleLinearIsOneCycleLR) {
  ExpectVector(
      OneCycle(false, OneCycleAnneal::kLinear), Range(10),
      {0.004, 0.052, 0.1, 0.0857143, 0.0714287, 0.057143, 0.0428574, 0.0285717, 0.0142861, 4e-07});
}

TEST(PyTorchParity, OneCycleThreePhaseLinearIsOneCycleLR) {
  ExpectVector(
      OneCycle(true, OneCycleAnneal::kLinear), Range(10),
      {0.004, 0.052, 0.1, 0.052, 0.004, 0.00320008, 0.00240016, 0.00160024, 0.00080032, 4e-07});
}

// Gotcha: OneCycleLR raises past total_steps; hyperd holds its last value.
TEST(PyTorchParity, OneCycleHoldsItsLastValuePastTheHorizon) {
  const Schedule schedule = OneCycle(false, OneCycleAnneal::kCos);
  EXPECT_DOUBLE_EQ(LearningRateAt(schedule, 10), LearningRateAt(schedule, 9));
  EXPECT_DOUBLE_EQ(LearningRateAt(schedule, 1000), LearningRateAt(schedule, 9));
}

// PyTorch docs, MultiStepLR(milestones=[30, 80], gamma=0.1), lr = 0.05:
// 0.05 for epoch < 30, 0.005 for 30 <= epoch < 80, 0.0005 for epoch >= 80.
TEST(PyTorchParity, PiecewiseConstantIsMultiStepLR) {
  Schedule schedule = Make(ScheduleFamily::kPiecewiseConstant, 0.05, 100, 0);
  schedule.piecewise_constant.milestones = {30, 80};
  schedule.piecewise_constant.factors = {0.1, 0.1};
  ExpectVector(schedule, {0, 29, 30, 79, 80, 99}, {0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005});
}

// PyTorch docs, StepLR(step_size=30, gamma=0.1), lr = 0.05: 0.05 / 0.005 / 0.0005 on
// [0, 30) / [30, 60) / [60, 90).
TEST(PyTorchParity, PiecewiseConstantWithEvenlySpacedMilestonesIsStepLR) {
  Schedule schedule = Make(ScheduleFamily::kPiecewiseConstant, 0.05, 90, 0);
  schedule.piecewise_constant.milestones = {30, 60};
  schedule.piecewise_constant.factors = {0.1, 0.1};
  ExpectVector(schedule, {0, 29, 30, 59, 60, 89}, {0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005});
}

// PyTorch docs, StepLR(step_size=30, gamma=0.1), lr = 0.05, as the step family: 0.05 / 0.005 /
// 0.0005 on [0, 30) / [30, 60) / [60, 90); the hold at T is gamma^(90 // 30) = 1e-3 · 0.05.
TEST(PyTorchParity, StepIsStepLR) {
  Schedule schedule = Make(ScheduleFamily::kStep, 0.05, 90, 0);
  schedule.step = {30, 0.1};
  ExpectVector(schedule, {0, 1, 29, 30, 31, 59, 60, 89, 90},
               {0.05, 0.05, 0.05, 0.005, 0.005, 0.005, 0.0005, 0.0005, 0.00005});
}

// StepLR's closed form base_lr · gamma ** (last_epoch // step_size), hand-computed for
// step_size = 7, gamma = 0.5, b = 0.2: e = 0, 6 → 0.2; 7, 13 → 0.1; 14 → 0.05; 48 → 0.2·0.5^6;
// 49 → 0.2·0.5^7.
TEST(PyTorchParity, StepMatchesTheStepLRClosedFormAtChosenSteps) {
  Schedule schedule = Make(ScheduleFamily::kStep, 0.2, 50, 0);
  schedule.step = {7, 0.5};
  ExpectVector(schedule, {0, 6, 7, 13, 14, 48, 49},
               {0.2, 0.2, 0.1, 0.1, 0.05, 0.003125, 0.0015625});
}

// SequentialLR([LinearLR(0.1, total_iters=5), StepLR(step_size=3, gamma=0.5)], milestones=[5]),
// b = 0.1: the StepLR restarts at its own epoch 0 at t = 5, so it decays at t = 8, 11, 14
// (e = t − 5 = 3, 6, 9), not at multiples of 3 of the global step.
TEST(PyTorchParity, WarmupThenStepIsSequentialLRWithMilestoneAtW) {
  Schedule schedule = Make(ScheduleFamily::kStep, 0.1, 15, 5);
  schedule.warmup_start_factor = 0.1;
  schedule.step = {3, 0.5};
  ExpectVector(schedule, {0, 1, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15},
               {0.01, 0.028, 0.082, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125});
}

// HF get_linear_schedule_with_warmup, W=10, N=100 (multiplier; base_lr = 1). Gotcha: s_0 = 0 (the
// first update is wasted) and the last update (s=99) is 1/90 above 0; 0 is reached at s = N.
TEST(HuggingFaceParity, LinearIsGetLinearScheduleWithWarmup) {
  const Schedule schedule = Make(ScheduleFamily::kLinear, 1.0, 100, 10);
  ExpectVector(schedule, {0, 5, 10, 55, 99, 100}, {0.0, 0.5, 1.0, 0.5, 0.0111111, 0.0});
}

// HF get_cosine_schedule_with_warmup (num_cycles=.5), W=10, N=100.
TEST(HuggingFaceParity, CosineIsGetCosineScheduleWithWarmup) {
  const Schedule schedule = Make(ScheduleFamily::kCosine, 1.0, 100, 10);
  ExpectVector(schedule, {0, 5, 10, 55, 99, 100}, {0.0, 0.5, 1.0, 0.5, 0.000304586, 0.0});
}

// HF get_cosine_with_min_lr_schedule_with_warmup(min_lr_rate=.1), W=10, N=100: factor·0.9 + 0.1.
// Expected values: python3 closed form (factor at s=99 is 0.000304586..., see file comment).
TEST(HuggingFaceParity, CosineWithMinLrRatioIsGetCosineWithMinLrSchedule) {
  Schedule schedule = Make(ScheduleFamily::kCosine, 1.0, 100, 10);
  schedule.min_lr_ratio = 0.1;
  EXPECT_NEAR(LearningRateAt(schedule, 55), 0.55, 1e-15);
  EXPECT_NEAR(LearningRateAt(schedule, 99), 0.10027412784140691, 1e-15);
  EXPECT_EQ(LearningRateAt(schedule, 100), 0.1);
}

// HF get_polynomial_decay_schedule_with_warmup(lr_end=0.1·lr_init, power=2), W=10, N=100:
// (1 − 0.1)·(1 − 45/90)^2 + 0.1 = 0.325 at s=55 (python3 closed form).
TEST(HuggingFaceParity, PolynomialIsGetPolynomialDecayScheduleWithWarmup) {
  Schedule schedule = Make(ScheduleFamily::kPolynomial, 1.0, 100, 10);
  schedule.min_lr_ratio = 0.1;
  schedule.polynomial.power = 2.0;
  ExpectVector(schedule, {0, 5, 10, 55, 100}, {0.0, 0.5, 1.0, 0.325, 0.1});
}

// HF get_inverse_sqrt_schedule, W=4 (timescale defaults to W).
TEST(HuggingFaceParity, InverseSqrtIsGetInverseSqrtSchedule) {
  const Schedule schedule = Make(ScheduleFamily::kInverseSqrt, 1.0, 1000, 4);
  ExpectVector(schedule, {0, 2, 4, 8, 16, 100}, {0.0, 0.5, 1.0, 0.707107, 0.5, 0.2});
}

// Gotcha: without warm-up HF's timescale is 10000, not 0.
TEST(HuggingFaceParity, InverseSqrtWithoutWarmupUsesTimescale10000) {
  const Schedule schedule = Make(ScheduleFamily::kInverseSqrt, 1.0, 20000, 0);
  ExpectVector(schedule, {0, 10000}, {1.0, 0.707107});
}

TEST(HuggingFaceParity, InverseSqrtHonoursAnExplicitTimescale) {
  Schedule schedule = Make(ScheduleFamily::kInverseSqrt, 1.0, 1000, 4);
  schedule.inverse_sqrt.timescale = 100;
  ExpectVector(schedule, {4, 304}, {1.0, 0.5});  // 1/√((300 + 100)/100)
}

// HF get_wsd_schedule, r=0, W=10, S=70, D=20 (c = 0.2 of T = 100).
Schedule Wsd(WsdDecayShape shape, double min_lr_ratio) {
  Schedule schedule = Make(ScheduleFamily::kWsd, 1.0, 100, 10);
  schedule.wsd.cooldown_fraction = 0.2;
  schedule.wsd.decay_shape = shape;
  schedule.min_lr_ratio = min_lr_ratio;
  schedule.warmup_start_factor = min_lr_ratio;  // HF's WSD warm-up starts at min_lr_ratio.
  return schedule;
}

TEST(HuggingFaceParity, WsdLinearDecayIsGetWsdSchedule) {
  ExpectVector(Wsd(WsdDecayShape::kLinear, 0.0), {0, 5, 10, 79, 80, 90, 99, 100},
               {0.0, 0.5, 1.0, 1.0, 1.0, 0.5, 0.05, 0.0});
}

TEST(HuggingFaceParity, WsdOneMinusSqrtDecayIsGetWsdSchedule) {
  ExpectVector(Wsd(WsdDecayShape::kOneMinusSqrt, 0.0), {80, 85, 90, 99},
               {1.0, 0.5, 0.292893, 0.0253206});
}

// decay_type "cosine" with min_lr_ratio .1: ½(1 + cos(π·15/20))·0.9 + 0.1 at s=95 (python3
// closed form); warm-up starts at 0.1 like HF's.
TEST(HuggingFaceParity, WsdCosineDecayWithFloorIsGetWsdSchedule) {
  const Schedule schedule = Wsd(WsdDecayShape::kCosine, 0.1);
  EXPECT_NEAR(LearningRateAt(schedule, 0), 0.1, 1e-15);
  EXPECT_NEAR(LearningRateAt(schedule, 5), 0.55, 1e-15);
  EXPECT_NEAR(LearningRateAt(schedule, 90), 0.55, 1e-15);
  EXPECT_NEAR(LearningRateAt(schedule, 95), 0.23180194846605365, 1e-15);
  EXPECT_EQ(LearningRateAt(schedule, 100), 0.1);
}

TEST(LearningRates, ListsLearningRateAtForEachStep) {
  const Schedule schedule = OneCycle(false, OneCycleAnneal::kCos);
  const std::vector<double> rates = LearningRates(schedule, 12);
  ASSERT_EQ(rates.size(), 12u);
  for (int64_t t = 0; t < 12; ++t) EXPECT_EQ(rates[t], LearningRateAt(schedule, t)) << t;
  EXPECT_TRUE(LearningRates(schedule, 0).empty());
  EXPECT_TRUE(LearningRates(schedule, -3).empty());
}

}  // namespace
}  // namespace hyperd::algorithms::schedules
