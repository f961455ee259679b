#include "algorithms/schedules/refinement/convex_bound.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "algorithms/schedules/refinement/bound_schedule_arrays.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::HasSubstr;

std::vector<double> Unwrap(absl::StatusOr<std::vector<double>> values) {
  EXPECT_TRUE(values.ok()) << values.status();
  return values.ok() ? *std::move(values) : std::vector<double>{};
}

OptimalBaseLr Optimal(const std::vector<double>& shape, int64_t horizon) {
  absl::StatusOr<OptimalBaseLr> best = ComputeOptimalBaseLr(shape, horizon, {});
  EXPECT_TRUE(best.ok()) << best.status();
  return best.ok() ? *best : OptimalBaseLr{};
}

// --- §3.1 schedule arrays ------------------------------------------------------------------

TEST(BoundScheduleArrays, LinearDecayIsWsdWithFullCooldown) {
  const std::vector<double> linear = Unwrap(MakeLinearDecayArray(101));
  ASSERT_EQ(linear.size(), 101u);
  EXPECT_EQ(linear[0], 1.0);
  EXPECT_NEAR(linear[1], 0.99, 1e-15);
  EXPECT_NEAR(linear[99], 0.01, 1e-15);
  EXPECT_EQ(linear[100], 0.0);
  EXPECT_EQ(Unwrap(MakeWsdArray({101, 1.0})), linear);
}

TEST(BoundScheduleArrays, WsdCooldownStartsAtIntCTimesSteps) {
  const std::vector<double> wsd = Unwrap(MakeWsdArray({101, 0.2}));
  ASSERT_EQ(wsd.size(), 101u);
  EXPECT_EQ(WsdCooldownStart(101, 0.2), 81);  // cd = int(20.2) = 20
  for (int t = 0; t < 81; ++t) EXPECT_EQ(wsd[t], 1.0) << t;
  EXPECT_NEAR(wsd[81], 1.0 - 1.0 / 20, 1e-15);
  EXPECT_EQ(wsd[100], 0.0);
}

TEST(BoundScheduleArrays, OneMinusSqrtCooldown) {
  const std::vector<double> wsd =
      Unwrap(MakeWsdArray({11, 0.4, CooldownShape::kOneMinusSqrt}));  // cd = 4
  EXPECT_NEAR(wsd[7], 1.0 - std::sqrt(0.25), 1e-15);
  EXPECT_NEAR(wsd[8], 1.0 - std::sqrt(0.5), 1e-15);
  EXPECT_EQ(wsd[10], 0.0);
}

TEST(BoundScheduleArrays, ConstantIsWsdWithoutCooldownAndTinyFractionsGiveNoCooldown) {
  EXPECT_EQ(Unwrap(MakeWsdArray({101, 0.0})), std::vector<double>(101, 1.0));
  EXPECT_EQ(Unwrap(MakeWsdArray({101, 0.009})), std::vector<double>(101, 1.0));
  EXPECT_EQ(Unwrap(MakeConstantArray(101)), std::vector<double>(101, 1.0));
}

TEST(BoundScheduleArrays, CosineHalfPeriodOverTheWholeArray) {
  const std::vector<double> cosine = Unwrap(MakeCosineArray(101));
  EXPECT_EQ(cosine[0], 1.0);
  EXPECT_NEAR(cosine[50], 0.5, 1e-15);
  EXPECT_NEAR(cosine[100], 0.0, 1e-15);
}

TEST(BoundScheduleArrays, WarmupStartsAtOneE10AndReachesOneAfterW) {
  const std::vector<double> wsd = Unwrap(MakeWsdArray({20, 0.25, CooldownShape::kLinear, 4}));
  ASSERT_EQ(wsd.size(), 20u);
  EXPECT_EQ(wsd[0], kBoundWarmupStart);
  EXPECT_NEAR(wsd[2], 0.5, 1e-9);
  EXPECT_EQ(wsd[4], 1.0);
  const std::vector<double> linear = Unwrap(MakeLinearDecayArray(10, 3));
  EXPECT_EQ(linear[3], 1.0);
  EXPECT_EQ(linear[9], 0.0);
}

TEST(BoundScheduleArrays, TwoStageDropsByFactorThenCoolsDownFromIt) {
  const std::vector<double> shape =
      Unwrap(MakeTwoStageArray({10, 3, 0.5, 4, CooldownShape::kLinear, 0.0}));
  EXPECT_THAT(shape, testing::ElementsAre(1, 1, 1, 0.5, 0.5, 0.5, 0.375, 0.25, 0.125, 0));
}

TEST(BoundScheduleArrays, RejectsFinalLrAboveLastMainLr) {
  absl::StatusOr<std::vector<double>> shape =
      MakeTwoStageArray({10, 3, 0.5, 4, CooldownShape::kLinear, 0.6});
  EXPECT_EQ(shape.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(shape.status().message(), HasSubstr("final_lr"));
  EXPECT_THAT(MakeWsdArray({10, 0.2, CooldownShape::kLinear, 0, 1.5}).status().message(),
              HasSubstr("final_lr"));
}

TEST(BoundScheduleArrays, RejectsInconsistentLengths) {
  EXPECT_THAT(MakeWsdArray({10, 1.0, CooldownShape::kLinear, 3}).status().message(),
              HasSubstr("warmup_steps"));
  EXPECT_THAT(MakeWsdArray({0, 0.2}).status().message(), HasSubstr("steps"));
  EXPECT_THAT(MakeWsdArray({10, 1.2}).status().message(), HasSubstr("cooldown_fraction"));
  EXPECT_THAT(MakeCosineArray(5, 4).status().message(), HasSubstr("warmup_steps"));
  EXPECT_THAT(MakeTwoStageArray({10, 8, 0.5, 4}).status().message(), HasSubstr("drop_step"));
  EXPECT_THAT(MakeTwoStageArray({10, 3, 0.0, 4}).status().message(), HasSubstr("factor"));
}

// --- §3.2 / §3.4 bound and optimal base LR --------------------------------------------------

TEST(ConvexBound, ConstantLrTermsMatchClosedForms) {
  const std::vector<double> lrs(11, 0.5);
  absl::StatusOr<ConvexBoundTerms> terms = ComputeConvexBoundTerms(lrs, 10, {});
  ASSERT_TRUE(terms.ok()) << terms.status();
  EXPECT_NEAR(terms->distance_term, 0.1, 1e-15);
  EXPECT_NEAR(terms->noise_term, 0.25, 1e-15);
  EXPECT_NEAR(terms->last_iterate_term, 0.7072420634920635, 1e-14);
  double harmonic = 0.0;
  for (int i = 1; i <= 9; ++i) harmonic += 1.0 / i;
  EXPECT_NEAR(terms->last_iterate_term, 0.25 * harmonic, 1e-14);  // (γ/2)G²H_{t-1}
}

TEST(ConvexBound, SingleStepBoundIsDistancePlusNoise) {
  absl::StatusOr<ConvexBoundTerms> terms = ComputeConvexBoundTerms({0.3}, 1, {2.0, 3.0, {}});
  ASSERT_TRUE(terms.ok());
  EXPECT_NEAR(terms->Total(), 4.0 / (2 * 0.3) + 0.3 * 9.0 / 2, 1e-14);
  EXPECT_EQ(terms->last_iterate_term, 0.0);
}

TEST(ConvexBound, ReferenceOptimalBaseLrsAtHorizon100) {
  struct Case {
    std::vector<double> shape;
    double base_lr;
    double bound;
  };
  const Case cases[] = {
      {Unwrap(MakeLinearDecayArray(101)), 0.0972552, 0.2036084},
      {Unwrap(MakeCosineArray(101)), 0.0946945, 0.2091144},
      {Unwrap(MakeWsdArray({101, 0.2})), 0.0495442, 0.2230276},
      {Unwrap(MakeConstantArray(101)), 0.0402344, 0.2485433},
  };
  for (const Case& c : cases) {
    const OptimalBaseLr best = Optimal(c.shape, 100);
    EXPECT_NEAR(best.base_lr, c.base_lr, 5e-8);
    EXPECT_NEAR(best.bound, c.bound, 5e-8);
  }
}

TEST(ConvexBound, OptimalBaseLrMinimisesTheBound) {
  const std::vector<double> shape = Unwrap(MakeWsdArray({101, 0.2}));
  absl::StatusOr<ConvexBoundTerms> terms = ComputeConvexBoundTerms(shape, 100, {});
  ASSERT_TRUE(terms.ok());
  const OptimalBaseLr best = Optimal(shape, 100);
  EXPECT_NEAR(BoundAtBaseLr(*terms, best.base_lr), best.bound, 1e-14);
  EXPECT_GT(BoundAtBaseLr(*terms, best.base_lr * 1.01), best.bound);
  EXPECT_GT(BoundAtBaseLr(*terms, best.base_lr * 0.99), best.bound);
  // The shape's terms scale as Ω_T(γ·s) = t1/γ + γ(t2 + t3).
  std::vector<double> scaled = shape;
  for (double& s : scaled) s *= 0.37;
  absl::StatusOr<ConvexBoundTerms> at_gamma = ComputeConvexBoundTerms(scaled, 100, {});
  ASSERT_TRUE(at_gamma.ok());
  EXPECT_NEAR(at_gamma->Total(), BoundAtBaseLr(*terms, 0.37), 1e-13);
}

TEST(ConvexBound, OptimalBaseLrScalesAsDOverGForConstantG) {
  const std::vector<double> shape = Unwrap(MakeCosineArray(101));
  const OptimalBaseLr unit = Optimal(shape, 100);
  absl::StatusOr<OptimalBaseLr> scaled = ComputeOptimalBaseLr(shape, 100, {3.0, 2.0, {}});
  ASSERT_TRUE(scaled.ok());
  EXPECT_NEAR(scaled->base_lr, unit.base_lr * 1.5, 1e-12);
  EXPECT_NEAR(scaled->bound, unit.bound * 6.0, 1e-12);
}

TEST(ConvexBound, PerStepGradNormsEqualConstantWhenAllEqual) {
  const std::vector<double> shape = Unwrap(MakeCosineArray(101));
  absl::StatusOr<OptimalBaseLr> per_step =
      ComputeOptimalBaseLr(shape, 100, {1.0, 0.0, std::vector<double>(100, 2.0)});
  absl::StatusOr<OptimalBaseLr> constant = ComputeOptimalBaseLr(shape, 100, {1.0, 2.0, {}});
  ASSERT_TRUE(per_step.ok() && constant.ok());
  EXPECT_NEAR(per_step->base_lr, constant->base_lr, 1e-15);
}

TEST(ConvexBound, TrailingZerosAreTruncated) {
  absl::StatusOr<ConvexBoundTerms> with_zeros =
      ComputeConvexBoundTerms({0.5, 0.4, 0.0, 0.0}, 4, {});
  absl::StatusOr<ConvexBoundTerms> without = ComputeConvexBoundTerms({0.5, 0.4}, 2, {});
  ASSERT_TRUE(with_zeros.ok() && without.ok());
  EXPECT_EQ(with_zeros->Total(), without->Total());
  EXPECT_TRUE(std::isfinite(with_zeros->Total()));
}

TEST(ConvexBound, RejectsBadInputsNamingTheField) {
  const std::vector<double> lrs = {0.5, 0.5, 0.5};
  EXPECT_THAT(ComputeConvexBoundTerms(lrs, 0, {}).status().message(), HasSubstr("horizon"));
  EXPECT_THAT(ComputeConvexBoundTerms(lrs, 4, {}).status().message(), HasSubstr("horizon"));
  EXPECT_THAT(ComputeConvexBoundTerms({0.5, -1, 0.5}, 3, {}).status().message(),
              HasSubstr("schedule[1]"));
  EXPECT_THAT(ComputeConvexBoundTerms({0.5, NAN, 0.5}, 3, {}).status().message(),
              HasSubstr("schedule[1]"));
  EXPECT_THAT(ComputeConvexBoundTerms({0, 0, 0}, 3, {}).status().message(),
              HasSubstr("all 0"));
  EXPECT_THAT(ComputeConvexBoundTerms(lrs, 3, {0.0, 1.0, {}}).status().message(),
              HasSubstr("distance"));
  EXPECT_THAT(ComputeConvexBoundTerms(lrs, 3, {1.0, -1.0, {}}).status().message(),
              HasSubstr("grad_norm"));
  EXPECT_THAT(ComputeConvexBoundTerms(lrs, 3, {1.0, 1.0, {1.0}}).status().message(),
              HasSubstr("grad_norms"));
  EXPECT_THAT(ComputeConvexBoundTerms(lrs, 3, {1.0, 1.0, {1.0, INFINITY, 1.0}}).status().message(),
              HasSubstr("grad_norms[1]"));
  absl::StatusOr<OptimalBaseLr> zero_g = ComputeOptimalBaseLr(lrs, 3, {1.0, 0.0, {}});
  EXPECT_EQ(zero_g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(zero_g.status().message(), HasSubstr("grad_norm"));
}

// --- §3.4 WSD theorem check ------------------------------------------------------------------

TEST(WsdTheoremBound, BoundsTheOptimalRateOfWsd) {
  struct Case {
    int64_t horizon;
    double bound;
    double rate;
  };
  for (const Case& c : {Case{100, 0.272620, 0.223028}, Case{1000, 0.0846389, 0.0687070}}) {
    const int64_t t0 = WsdCooldownStart(c.horizon + 1, 0.2);
    absl::StatusOr<double> bound = WsdTheoremBound(c.horizon, t0, 1.0, 1.0);
    ASSERT_TRUE(bound.ok()) << bound.status();
    EXPECT_NEAR(*bound, c.bound, 5e-7);
    const OptimalBaseLr best = Optimal(Unwrap(MakeWsdArray({c.horizon + 1, 0.2})), c.horizon);
    EXPECT_NEAR(best.bound, c.rate, 5e-7);
    EXPECT_LE(best.bound, *bound);
  }
}

TEST(WsdTheoremBound, RejectsCooldownStartOutsideHorizon) {
  EXPECT_THAT(WsdTheoremBound(100, 100, 1, 1).status().message(), HasSubstr("cooldown_start"));
  EXPECT_THAT(WsdTheoremBound(100, 0, 1, 1).status().message(), HasSubstr("cooldown_start"));
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
