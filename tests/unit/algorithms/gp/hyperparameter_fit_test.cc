#include "algorithms/samplers/gp/hyperparameter_fit.h"

#include <cmath>
#include <limits>
#include <vector>

#include "Eigen/Core"
#include "algorithms/samplers/gp/marginal_likelihood.h"
#include "algorithms/samplers/random_bits.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

struct Data {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

// A smooth 2-D function plus optional Gaussian-ish noise, standardised.
Data MakeData(int n, double noise, uint64_t seed) {
  SplitMix64 stream(seed);
  Data data{Eigen::MatrixXd(2, n), Eigen::VectorXd(n)};
  for (int j = 0; j < n; ++j) {
    data.x(0, j) = UnitDoubleFromBits(stream.Next());
    data.x(1, j) = UnitDoubleFromBits(stream.Next());
    const double e = UnitDoubleFromBits(stream.Next()) + UnitDoubleFromBits(stream.Next()) - 1;
    data.y[j] = std::sin(5 * data.x(0, j)) + 0.5 * data.x(1, j) + noise * e;
  }
  const double mean = data.y.mean();
  data.y = (data.y.array() - mean) / std::sqrt((data.y.array() - mean).square().mean());
  return data;
}

TEST(HyperparameterPrior, DefaultMatchesSpec) {
  const HyperparameterPrior prior = DefaultHyperparameterPrior(2, false);
  ASSERT_EQ(prior.mean.size(), 4);
  EXPECT_DOUBLE_EQ(prior.mean[0], std::log(0.5));
  EXPECT_DOUBLE_EQ(prior.stddev[1], 1.5);
  EXPECT_DOUBLE_EQ(prior.lower[0], std::log(0.01));
  EXPECT_DOUBLE_EQ(prior.upper[1], std::log(20.0));
  EXPECT_DOUBLE_EQ(prior.mean[2], 0.0);
  EXPECT_DOUBLE_EQ(prior.lower[2], std::log(0.01));
  EXPECT_DOUBLE_EQ(prior.upper[2], std::log(50.0));
  EXPECT_DOUBLE_EQ(prior.mean[3], std::log(1e-3));
  EXPECT_DOUBLE_EQ(prior.stddev[3], 3.0);
  EXPECT_DOUBLE_EQ(prior.lower[3], std::log(kNoiseFloor));
  EXPECT_DOUBLE_EQ(prior.upper[3], 0.0);
}

TEST(FitHyperparameters, ImprovesOnEveryStartAndStaysInBounds) {
  const Data data = MakeData(40, 0.0, 1);
  const std::vector<bool> categorical = {false, false};
  const HyperparameterPrior prior = DefaultHyperparameterPrior(2, false);
  FitOptions options;
  options.seed = 5;
  const FitResult fit = FitHyperparameters(data.x, data.y, categorical, prior, nullptr, options);
  ASSERT_FALSE(fit.fell_back_to_prior);
  EXPECT_TRUE(((fit.theta - prior.lower).array() >= 0).all());
  EXPECT_TRUE(((prior.upper - fit.theta).array() >= 0).all());
  const double at_prior_mean =
      *MapLoss(data.x, data.y, categorical, prior, prior.ClampedMean(), nullptr);
  EXPECT_LT(fit.loss, at_prior_mean);
  EXPECT_NEAR(*MapLoss(data.x, data.y, categorical, prior, fit.theta, nullptr), fit.loss, 1e-12);
  // x0 matters more (sin(5 x0)) than x1 (linear): a shorter length scale.
  EXPECT_LT(fit.theta[0], fit.theta[1]);
  EXPECT_GT(fit.evaluations, 0);
}

TEST(FitHyperparameters, IsDeterministicForASeed) {
  const Data data = MakeData(30, 0.2, 2);
  const HyperparameterPrior prior = DefaultHyperparameterPrior(2, false);
  FitOptions options;
  options.seed = 9;
  const FitResult a = FitHyperparameters(data.x, data.y, {false, false}, prior, nullptr, options);
  const FitResult b = FitHyperparameters(data.x, data.y, {false, false}, prior, nullptr, options);
  EXPECT_TRUE(a.theta == b.theta);
  EXPECT_EQ(a.loss, b.loss);
}

TEST(FitHyperparameters, LearnsNoiseFromNoisyData) {
  const HyperparameterPrior prior = DefaultHyperparameterPrior(2, false);
  FitOptions options;
  const Data clean = MakeData(60, 0.0, 3);
  const Data noisy = MakeData(60, 1.0, 3);
  const FitResult clean_fit =
      FitHyperparameters(clean.x, clean.y, {false, false}, prior, nullptr, options);
  const FitResult noisy_fit =
      FitHyperparameters(noisy.x, noisy.y, {false, false}, prior, nullptr, options);
  const double clean_noise = NoiseFromLogHyperparameters(clean_fit.theta);
  const double noisy_noise = NoiseFromLogHyperparameters(noisy_fit.theta);
  EXPECT_LT(clean_noise, 1e-3);
  EXPECT_GT(noisy_noise, 1e-2);
}

TEST(FitHyperparameters, DeterministicObjectivePinsNoiseToTheFloor) {
  const Data data = MakeData(30, 0.5, 4);
  const HyperparameterPrior prior = DefaultHyperparameterPrior(2, true);
  const FitResult fit = FitHyperparameters(data.x, data.y, {false, false}, prior, nullptr, {});
  ASSERT_FALSE(fit.fell_back_to_prior);
  EXPECT_DOUBLE_EQ(fit.theta[3], std::log(kNoiseFloor));
}

TEST(FitHyperparameters, WarmStartAtTheOptimumStaysThere) {
  const Data data = MakeData(30, 0.0, 6);
  const HyperparameterPrior prior = DefaultHyperparameterPrior(2, false);
  FitOptions options;
  options.random_restarts = 0;
  const FitResult first =
      FitHyperparameters(data.x, data.y, {false, false}, prior, nullptr, options);
  const FitResult second =
      FitHyperparameters(data.x, data.y, {false, false}, prior, &first.theta, options);
  EXPECT_LE(second.loss, first.loss);
  EXPECT_LT((second.theta - first.theta).cwiseAbs().maxCoeff(), 1e-2);
}

TEST(FitHyperparameters, FallsBackToPriorMeanWhenEveryStartFails) {
  Data data = MakeData(10, 0.0, 7);
  data.y[3] = std::numeric_limits<double>::quiet_NaN();
  const HyperparameterPrior prior = DefaultHyperparameterPrior(2, false);
  const FitResult fit = FitHyperparameters(data.x, data.y, {false, false}, prior, nullptr, {});
  EXPECT_TRUE(fit.fell_back_to_prior);
  EXPECT_TRUE(fit.theta == prior.ClampedMean());
}

}  // namespace
}  // namespace hyperd::algorithms::gp
