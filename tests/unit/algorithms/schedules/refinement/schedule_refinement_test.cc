#include "algorithms/schedules/refinement/schedule_refinement.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::HasSubstr;

std::vector<GradientNormSample> EveryStep(const std::vector<double>& norms) {
  std::vector<GradientNormSample> samples;
  for (size_t t = 0; t < norms.size(); ++t) {
    samples.push_back({static_cast<int64_t>(t), norms[t]});
  }
  return samples;
}

RefinementOptions Options(int64_t output_steps) {
  RefinementOptions options;
  options.output_steps = output_steps;
  return options;
}

RefinedSchedule Refine(const std::vector<GradientNormSample>& samples,
                       const RefinementOptions& options) {
  absl::StatusOr<RefinedSchedule> schedule = RefineScheduleFromNorms(samples, options);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return schedule.ok() ? *std::move(schedule) : RefinedSchedule{};
}

void ExpectLinearDecay(const std::vector<double>& multipliers, double tolerance) {
  const auto n = static_cast<double>(multipliers.size());
  for (size_t t = 0; t < multipliers.size(); ++t) {
    EXPECT_NEAR(multipliers[t], 1.0 - static_cast<double>(t) / (n - 1.0), tolerance) << t;
  }
  EXPECT_EQ(multipliers.back(), 0.0);
}

// A run whose norms start high (implicit warm-up) and rise at the end (faster anneal).
std::vector<double> WarmupAnnealNorms(int64_t steps, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.05);
  std::vector<double> norms(static_cast<size_t>(steps));
  for (int64_t t = 0; t < steps; ++t) {
    const double u = static_cast<double>(t) / static_cast<double>(steps - 1);
    norms[static_cast<size_t>(t)] = (1.0 + 4.0 * std::exp(-20.0 * u) + u * u) * (1.0 + noise(rng));
  }
  return norms;
}

TEST(RefineScheduleFromNorms, ConstantNormsGiveLinearDecayExactly) {
  const RefinedSchedule schedule =
      Refine(EveryStep(std::vector<double>(500, 2.5)), Options(500));
  EXPECT_FALSE(schedule.fell_back_to_linear_decay);
  EXPECT_TRUE(schedule.fallback_reason.empty());
  ASSERT_EQ(schedule.multipliers.size(), 500u);
  ExpectLinearDecay(schedule.multipliers, 1e-12);
  EXPECT_EQ(schedule.multipliers.front(), 1.0);
}

TEST(RefineScheduleFromNorms, AdamVariantAlsoGivesLinearDecayForConstantNorms) {
  RefinementOptions options = Options(300);
  options.kind = NormKind::kL1Adam;
  ExpectLinearDecay(Refine(EveryStep(std::vector<double>(300, 40.0)), options).multipliers,
                    1e-12);
}

TEST(RefineScheduleFromNorms, HighEarlyNormsProduceAWarmUpAndLateRiseAnnealsEarly) {
  const RefinedSchedule schedule = Refine(EveryStep(WarmupAnnealNorms(2000, 7)), Options(2000));
  const auto peak = std::max_element(schedule.multipliers.begin(), schedule.multipliers.end());
  const auto peak_step = peak - schedule.multipliers.begin();
  EXPECT_GT(peak_step, 50);                         // implicit warm-up
  EXPECT_LT(schedule.multipliers[0], 0.2);
  EXPECT_LT(schedule.multipliers[1500], 1.0 - 1500.0 / 1999.0);  // below linear decay late
  // The tabulated shape peaks at exactly 1; sampling it at other u can only lower the peak a bit.
  EXPECT_DOUBLE_EQ(*std::max_element(schedule.shape.begin(), schedule.shape.end()), 1.0);
  EXPECT_NEAR(*peak, 1.0, 1e-3);
}

TEST(RefineScheduleFromNorms, ResultIsNonNegativeBoundedAndEndsAtZeroForRandomLogs) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> norm(0.0, 0.7);
  std::uniform_int_distribution<int64_t> length(12, 3000);
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<double> norms(static_cast<size_t>(length(rng)));
    for (double& g : norms) g = norm(rng);
    for (NormKind kind : {NormKind::kL2Sgd, NormKind::kL1Adam}) {
      RefinementOptions options = Options(length(rng));
      options.kind = kind;
      const RefinedSchedule schedule = Refine(EveryStep(norms), options);
      ASSERT_EQ(static_cast<int64_t>(schedule.multipliers.size()), options.output_steps);
      EXPECT_EQ(schedule.multipliers.back(), 0.0);
      EXPECT_EQ(schedule.shape.back(), 0.0);
      EXPECT_DOUBLE_EQ(*std::max_element(schedule.shape.begin(), schedule.shape.end()), 1.0);
      for (double s : schedule.multipliers) {
        EXPECT_GE(s, 0.0);
        EXPECT_LE(s, 1.0);
      }
    }
  }
}

TEST(RefineScheduleFromNorms, IsScaleInvariantIncludingTinyAndHugeNorms) {
  const std::vector<double> norms = WarmupAnnealNorms(400, 3);
  const RefinedSchedule reference = Refine(EveryStep(norms), Options(400));
  for (double scale : {1e-150, 1e-3, 1e150}) {
    std::vector<double> scaled = norms;
    for (double& g : scaled) g *= scale;
    const RefinedSchedule schedule = Refine(EveryStep(scaled), Options(400));
    for (size_t t = 0; t < 400; ++t) {
      EXPECT_NEAR(schedule.multipliers[t], reference.multipliers[t], 1e-12) << scale;
    }
  }
}

TEST(RefineScheduleFromNorms, OutputOfAnotherLengthInterpolatesTheShapeInNormalisedTime) {
  const std::vector<double> norms = WarmupAnnealNorms(1001, 5);
  const RefinedSchedule same = Refine(EveryStep(norms), Options(1001));
  const RefinedSchedule twice = Refine(EveryStep(norms), Options(2001));
  ASSERT_EQ(twice.multipliers.size(), 2001u);
  EXPECT_EQ(same.shape, twice.shape);
  // Run B's step 2t sits at the same u as run A's step t.
  for (size_t t = 0; t < 1001; t += 50) {
    EXPECT_NEAR(twice.multipliers[2 * t], same.multipliers[t], 1e-12) << t;
  }
  EXPECT_EQ(twice.multipliers.back(), 0.0);
  const RefinedSchedule shorter = Refine(EveryStep(norms), Options(11));
  EXPECT_EQ(shorter.multipliers.size(), 11u);
  EXPECT_EQ(shorter.multipliers.back(), 0.0);
}

TEST(RefineScheduleFromNorms, LogsEveryKStepsAreResampledOntoTheRunsTimeAxis) {
  // Norms logged every 10 steps of a 1000-step run: the same smooth curve as logging every step.
  std::vector<GradientNormSample> every_step;
  std::vector<GradientNormSample> every_tenth;
  for (int64_t t = 0; t < 1000; ++t) {
    const double u = static_cast<double>(t) / 999.0;
    const double g = 1.0 + 2.0 * (1.0 - u) * (1.0 - u);
    every_step.push_back({t, g});
    if (t % 10 == 0) every_tenth.push_back({t, g});
  }
  RefinementOptions options = Options(1000);
  options.run_steps = 1000;
  options.grid_points = 1000;
  options.trim_per_end = 0;
  const RefinedSchedule dense = Refine(every_step, options);
  const RefinedSchedule sparse = Refine(every_tenth, options);
  for (size_t t = 0; t < 1000; t += 37) {
    EXPECT_NEAR(sparse.multipliers[t], dense.multipliers[t], 0.01) << t;
  }
}

TEST(RefineScheduleFromNorms, DefaultGridHasOnePointPerCleanSampleCappedAtTenThousand) {
  EXPECT_EQ(Refine(EveryStep(std::vector<double>(100, 1.0)), Options(100)).shape.size(), 96u);
  EXPECT_EQ(Refine(EveryStep(std::vector<double>(12000, 1.0)), Options(100)).shape.size(),
            10000u);
}

TEST(RefineScheduleFromNorms, ZeroNormsAreClampedNotRejected) {
  std::vector<double> norms(200, 1.0);
  norms[100] = 0.0;
  norms[101] = 0.0;
  RefinementOptions options = Options(200);
  options.filter_fraction = 0.0;  // keep the zeros through smoothing
  const RefinedSchedule schedule = Refine(EveryStep(norms), options);
  EXPECT_FALSE(schedule.fell_back_to_linear_decay);
  for (double s : schedule.multipliers) EXPECT_TRUE(std::isfinite(s));
  // A clamped zero has weight 1e24 times the rest, so the schedule peaks there.
  const auto peak = std::max_element(schedule.multipliers.begin(), schedule.multipliers.end());
  EXPECT_NEAR(peak - schedule.multipliers.begin(), 100, 1);
}

TEST(RefineScheduleFromNorms, MostlyZeroNormsAreInvalid) {
  std::vector<double> norms(100, 0.0);
  for (int t = 0; t < 30; ++t) norms[t] = 1.0;
  absl::StatusOr<RefinedSchedule> result = RefineScheduleFromNorms(EveryStep(norms), Options(100));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("median"));
}

TEST(RefineScheduleFromNorms, FewNonFiniteNormsAreDroppedAndInterpolated) {
  std::vector<double> norms(400, 1.5);
  norms[50] = NAN;
  norms[200] = INFINITY;
  norms[201] = -INFINITY;
  const RefinedSchedule schedule = Refine(EveryStep(norms), Options(400));
  EXPECT_FALSE(schedule.fell_back_to_linear_decay);
  ExpectLinearDecay(schedule.multipliers, 1e-12);
}

TEST(RefineScheduleFromNorms, MoreThanFivePercentNonFiniteFallsBackToLinearDecay) {
  std::vector<double> norms(100, 1.0);
  for (int t = 0; t < 6; ++t) norms[10 * t + 3] = NAN;  // 6 % non-finite
  const RefinedSchedule schedule = Refine(EveryStep(norms), Options(50));
  EXPECT_TRUE(schedule.fell_back_to_linear_decay);
  EXPECT_THAT(schedule.fallback_reason, HasSubstr("non-finite"));
  ExpectLinearDecay(schedule.multipliers, 1e-15);
  // Exactly 5 % is still accepted.
  norms[53] = 1.0;
  EXPECT_FALSE(Refine(EveryStep(norms), Options(50)).fell_back_to_linear_decay);
}

TEST(RefineScheduleFromNorms, ShortRunsFallBackToLinearDecay) {
  RefinedSchedule schedule = Refine(EveryStep({3, 2, 1, 1, 1, 1, 1, 1, 1}), Options(9));
  EXPECT_TRUE(schedule.fell_back_to_linear_decay);
  EXPECT_THAT(schedule.fallback_reason, HasSubstr("min_steps"));
  ExpectLinearDecay(schedule.multipliers, 1e-15);
  // 12 logged steps leave 8 after trimming 2 per end: still too few.
  schedule = Refine(EveryStep(std::vector<double>(12, 1.0)), Options(12));
  EXPECT_TRUE(schedule.fell_back_to_linear_decay);
  EXPECT_THAT(schedule.fallback_reason, HasSubstr("clean samples"));
  EXPECT_FALSE(Refine(EveryStep(std::vector<double>(14, 1.0)), Options(12))
                   .fell_back_to_linear_decay);
}

TEST(RefineScheduleFromNorms, OptionalFloorLiftsEveryStepButTheLast) {
  RefinementOptions options = Options(2000);
  options.min_multiplier = 0.3;
  const RefinedSchedule schedule = Refine(EveryStep(WarmupAnnealNorms(2000, 7)), options);
  for (size_t t = 0; t + 1 < schedule.multipliers.size(); ++t) {
    EXPECT_GE(schedule.multipliers[t], 0.3);
  }
  EXPECT_EQ(schedule.multipliers.back(), 0.0);
}

TEST(RefineScheduleFromNorms, RejectsMalformedLogsNamingTheSample) {
  EXPECT_THAT(RefineScheduleFromNorms({}, Options(10)).status().message(), HasSubstr("samples"));
  EXPECT_THAT(RefineScheduleFromNorms({{0, 1}, {2, 1}, {2, 1}}, Options(10)).status().message(),
              HasSubstr("samples[2].step"));
  EXPECT_THAT(RefineScheduleFromNorms({{3, 1}, {1, 1}}, Options(10)).status().message(),
              HasSubstr("samples[1].step"));
  EXPECT_THAT(RefineScheduleFromNorms({{-1, 1}}, Options(10)).status().message(),
              HasSubstr("samples[0].step"));
  EXPECT_THAT(RefineScheduleFromNorms({{0, 1}, {1, -2}}, Options(10)).status().message(),
              HasSubstr("samples[1].norm"));
  RefinementOptions options = Options(10);
  options.run_steps = 5;
  absl::StatusOr<RefinedSchedule> result = RefineScheduleFromNorms({{0, 1}, {5, 1}}, options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("run_steps"));
}

TEST(RefineScheduleFromNorms, RejectsOutOfRangeOptionsNamingTheField) {
  const std::vector<GradientNormSample> samples = EveryStep(std::vector<double>(50, 1.0));
  struct Case {
    RefinementOptions options;
    const char* field;
  };
  std::vector<Case> cases;
  RefinementOptions options = Options(1);
  cases.push_back({options, "output_steps"});
  options = Options(10);
  options.filter_fraction = 2.0;
  cases.push_back({options, "filter_fraction"});
  options = Options(10);
  options.grid_points = 1;
  cases.push_back({options, "grid_points"});
  options = Options(10);
  options.trim_per_end = -1;
  cases.push_back({options, "trim_per_end"});
  options = Options(10);
  options.max_nonfinite_fraction = -0.1;
  cases.push_back({options, "max_nonfinite_fraction"});
  options = Options(10);
  options.min_multiplier = 1.0;
  cases.push_back({options, "min_multiplier"});
  options = Options(10);
  options.run_steps = -3;
  cases.push_back({options, "run_steps"});
  options = Options(10);
  options.min_steps = 1;
  cases.push_back({options, "min_steps"});
  for (const Case& c : cases) {
    absl::StatusOr<RefinedSchedule> result = RefineScheduleFromNorms(samples, c.options);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(result.status().message(), HasSubstr(c.field));
  }
}

TEST(InterpolateShape, HitsGridPointsExactlyAndKeepsTheFinalZero) {
  EXPECT_THAT(InterpolateShape({1.0, 0.5, 0.0}, 5), testing::ElementsAre(1, 0.75, 0.5, 0.25, 0));
  EXPECT_THAT(InterpolateShape({0.2, 1.0, 0.0}, 2), testing::ElementsAre(0.2, 0));
}

TEST(ToLearningRates, ScalesByBaseLr) {
  EXPECT_THAT(ToLearningRates({1.0, 0.5, 0.0}, 0.1), testing::ElementsAre(0.1, 0.05, 0.0));
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
