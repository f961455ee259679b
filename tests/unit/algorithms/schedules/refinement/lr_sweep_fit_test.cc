#include "algorithms/schedules/refinement/lr_sweep_fit.h"

#include <cmath>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::HasSubstr;

std::vector<double> Losses(const std::vector<double>& lrs, double a, double b, double c) {
  std::vector<double> losses;
  for (double lr : lrs) losses.push_back(a / lr + b * lr + c);
  return losses;
}

TEST(FitLrSweep, RecoversExactCoefficientsAndTheirMinimiser) {
  const std::vector<double> lrs = {0.01, 0.03, 0.1, 0.3, 1.0};
  absl::StatusOr<LrSweepFit> fit = FitLrSweep(lrs, Losses(lrs, 0.02, 0.5, 1.7));
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->a, 0.02, 1e-10);
  EXPECT_NEAR(fit->b, 0.5, 1e-10);
  EXPECT_NEAR(fit->c, 1.7, 1e-10);
  EXPECT_NEAR(fit->best_base_lr, 0.2, 1e-9);
  EXPECT_NEAR(fit->residual_sum_of_squares, 0.0, 1e-18);
}

TEST(FitLrSweep, NoisySweepLandsNearTheTrueOptimum) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0.0, 0.002);
  std::vector<double> lrs;
  for (int i = 0; i < 12; ++i) lrs.push_back(1e-3 * std::pow(2.0, i));
  std::vector<double> losses = Losses(lrs, 1e-3, 0.1, 2.0);
  for (double& loss : losses) loss += noise(rng);
  absl::StatusOr<LrSweepFit> fit = FitLrSweep(lrs, losses);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(std::log(fit->best_base_lr), std::log(0.1), 0.2);
  EXPECT_GE(fit->a, 0.0);
  EXPECT_GE(fit->b, 0.0);
  EXPECT_GE(fit->c, 0.0);
}

TEST(FitLrSweep, NegativeUnconstrainedConstantIsClampedToZero) {
  const std::vector<double> lrs = {0.1, 0.2, 0.4, 0.8};
  // Unconstrained least squares would want C < 0; the NNLS fit keeps C = 0.
  absl::StatusOr<LrSweepFit> fit = FitLrSweep(lrs, Losses(lrs, 0.1, 1.0, -0.5));
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(fit->c, 0.0);
  EXPECT_GT(fit->residual_sum_of_squares, 0.0);
}

TEST(FitLrSweep, SweepThatDoesNotBracketTheMinimumFailsPrecondition) {
  const std::vector<double> lrs = {0.1, 0.2, 0.4, 0.8};
  absl::StatusOr<LrSweepFit> fit = FitLrSweep(lrs, {4.0, 3.0, 2.5, 2.2});
  EXPECT_EQ(fit.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fit.status().message(), HasSubstr("larger base LRs"));
  fit = FitLrSweep(lrs, Losses(lrs, 0.0, 1.0, 0.5));
  EXPECT_EQ(fit.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fit.status().message(), HasSubstr("smaller base LRs"));
}

TEST(FitLrSweep, RejectsMalformedSweepsNamingTheField) {
  EXPECT_THAT(FitLrSweep({0.1, 0.2, 0.3}, {1, 2}).status().message(), HasSubstr("losses"));
  EXPECT_THAT(FitLrSweep({0.1, -0.2, 0.3}, {1, 2, 3}).status().message(),
              HasSubstr("base_lrs[1]"));
  EXPECT_THAT(FitLrSweep({0.1, 0.2, 0.3}, {1, NAN, 3}).status().message(),
              HasSubstr("losses[1]"));
  EXPECT_THAT(FitLrSweep({0.1, 0.1, 0.3}, {1, 2, 3}).status().message(),
              HasSubstr("distinct"));
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
