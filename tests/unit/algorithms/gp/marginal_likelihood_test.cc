#include "algorithms/samplers/gp/marginal_likelihood.h"

#include <cmath>
#include <vector>

#include "Eigen/Core"
#include "algorithms/samplers/gp/gaussian_process.h"
#include "algorithms/samplers/gp/hyperparameter_fit.h"
#include "algorithms/samplers/random_bits.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

TEST(MarginalLikelihood, MatchesSpecVector) {
  Eigen::MatrixXd x(1, 3);
  x << 0, 0.3, 1;
  Eigen::VectorXd y(3);
  y << 1, -0.5, 0.25;
  Eigen::VectorXd theta(3);
  theta << std::log(0.4), std::log(1.3), std::log(0.01);
  absl::StatusOr<double> nll = NegativeLogMarginalLikelihood(x, y, {false}, theta, nullptr);
  ASSERT_TRUE(nll.ok()) << nll.status();
  EXPECT_NEAR(*nll, 4.278436072456376, 1e-12);
}

// ∂NLL/∂θ against central differences, h = 1e-4 in log space (bo.md §9.1).
void CheckGradient(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                   const std::vector<bool>& categorical, const Eigen::VectorXd& theta) {
  Eigen::VectorXd gradient;
  absl::StatusOr<double> nll = NegativeLogMarginalLikelihood(x, y, categorical, theta, &gradient);
  ASSERT_TRUE(nll.ok()) << nll.status();
  ASSERT_EQ(gradient.size(), theta.size());
  for (int i = 0; i < theta.size(); ++i) {
    const double h = 1e-4;
    Eigen::VectorXd up = theta, down = theta;
    up[i] += h;
    down[i] -= h;
    const double fd = (*NegativeLogMarginalLikelihood(x, y, categorical, up, nullptr) -
                       *NegativeLogMarginalLikelihood(x, y, categorical, down, nullptr)) /
                      (2 * h);
    EXPECT_NEAR(gradient[i], fd, 1e-4 * std::max(1e-2, std::abs(fd))) << "parameter " << i;
  }
}

TEST(MarginalLikelihood, GradientMatchesFiniteDifferences) {
  SplitMix64 stream(11);
  const int n = 30;
  Eigen::MatrixXd x(3, n);
  Eigen::VectorXd y(n);
  for (int j = 0; j < n; ++j) {
    x(0, j) = UnitDoubleFromBits(stream.Next());
    x(1, j) = UnitDoubleFromBits(stream.Next());
    x(2, j) = std::floor(UnitDoubleFromBits(stream.Next()) * 3);  // categorical
    y[j] = std::sin(6 * x(0, j)) + x(1, j) * x(1, j) + 0.3 * x(2, j);
  }
  y = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  Eigen::VectorXd theta(5);
  theta << std::log(0.3), std::log(0.7), std::log(0.9), std::log(1.2), std::log(1e-2);
  CheckGradient(x, y, {false, false, true}, theta);
  theta << std::log(0.05), std::log(3.0), std::log(0.2), std::log(0.5), std::log(1e-5);
  CheckGradient(x, y, {false, false, true}, theta);
}

TEST(MarginalLikelihood, GradientMatchesFiniteDifferencesForCategoricalOnlyData) {
  Eigen::MatrixXd x(2, 6);
  x << 0, 1, 2, 0, 1, 2,  //
      0, 0, 1, 1, 0, 1;
  Eigen::VectorXd y(6);
  y << 1.0, -0.3, 0.4, 1.2, -0.5, 0.1;
  Eigen::VectorXd theta(4);
  theta << std::log(0.8), std::log(1.5), std::log(0.9), std::log(0.05);
  CheckGradient(x, y, {true, true}, theta);
}

TEST(MarginalLikelihood, AgreesWithTheModel) {
  SplitMix64 stream(12);
  Eigen::MatrixXd x(2, 12);
  Eigen::VectorXd y(12);
  for (int j = 0; j < 12; ++j) {
    x(0, j) = UnitDoubleFromBits(stream.Next());
    x(1, j) = UnitDoubleFromBits(stream.Next());
    y[j] = x(0, j) - 2 * x(1, j);
  }
  Eigen::VectorXd theta(4);
  theta << std::log(0.4), std::log(0.6), std::log(0.8), std::log(1e-3);
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(
      KernelFromLogHyperparameters({false, false}, theta), NoiseFromLogHyperparameters(theta), x);
  ASSERT_TRUE(cholesky.ok());
  const GaussianProcess gp(*std::move(cholesky), y);
  EXPECT_NEAR(*NegativeLogMarginalLikelihood(x, y, {false, false}, theta, nullptr),
              gp.NegativeLogLikelihood(), 1e-10);
}

TEST(MapLoss, AddsTheDefaultPriorWithItsGradient) {
  Eigen::MatrixXd x(1, 4);
  x << 0.1, 0.4, 0.5, 0.9;
  Eigen::VectorXd y(4);
  y << 0.3, -1.0, -0.8, 1.5;
  const HyperparameterPrior prior = DefaultHyperparameterPrior(1, false);
  Eigen::VectorXd theta(3);
  theta << std::log(0.3), std::log(2.0), std::log(1e-2);
  Eigen::VectorXd gradient;
  const double loss = *MapLoss(x, y, {false}, prior, theta, &gradient);
  const double nll = *NegativeLogMarginalLikelihood(x, y, {false}, theta, nullptr);
  const double expected_penalty = 0.5 * std::pow((std::log(0.3) - std::log(0.5)) / 1.5, 2) +
                                  0.5 * std::pow(std::log(2.0) / 1.5, 2) +
                                  0.5 * std::pow((std::log(1e-2) - std::log(1e-3)) / 3, 2);
  EXPECT_NEAR(loss, nll + expected_penalty, 1e-12);
  for (int i = 0; i < 3; ++i) {
    const double h = 1e-4;
    Eigen::VectorXd up = theta, down = theta;
    up[i] += h;
    down[i] -= h;
    const double fd = (*MapLoss(x, y, {false}, prior, up, nullptr) -
                       *MapLoss(x, y, {false}, prior, down, nullptr)) /
                      (2 * h);
    EXPECT_NEAR(gradient[i], fd, 1e-4 * std::max(1e-2, std::abs(fd)));
  }
}

}  // namespace
}  // namespace hyperd::algorithms::gp
