#include "algorithms/samplers/gp/matern52_kernel.h"

#include <cmath>
#include <vector>

#include "Eigen/Core"
#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

Matern52Kernel MakeKernel(std::vector<bool> categorical, std::vector<double> length_scales,
                          double signal_variance) {
  return Matern52Kernel(std::move(categorical),
                        Eigen::Map<Eigen::VectorXd>(length_scales.data(), length_scales.size()),
                        signal_variance);
}

// Central difference of f at 0 with step h.
template <typename F>
double CentralDifference(F f, double h) {
  return (f(h) - f(-h)) / (2 * h);
}

void ExpectRelativelyClose(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::max(1.0, std::abs(expected)))
      << "actual " << actual << " expected " << expected;
}

TEST(Matern52Kernel, MatchesSpecVectorForContinuousPair) {
  const Matern52Kernel kernel = MakeKernel({false, false}, {0.5, 1.0}, 2.0);
  const double x[] = {0.1, 0.2};
  const double y[] = {0.4, 0.6};
  EXPECT_NEAR(kernel.Value(x, y), 1.3874596795963383, 1e-12);
  EXPECT_NEAR(kernel.SquaredDistance(x, y), 0.52, 1e-15);
}

TEST(Matern52Kernel, MatchesSpecVectorWithHammingTerm) {
  const Matern52Kernel kernel = MakeKernel({false, false, true}, {0.5, 1.0, 0.8}, 2.0);
  const double x[] = {0.1, 0.2, 0};
  const double y[] = {0.4, 0.6, 2};
  EXPECT_NEAR(kernel.Value(x, y), 0.6109285976842689, 1e-12);
  // Equal categories contribute nothing.
  const double z[] = {0.4, 0.6, 0};
  EXPECT_NEAR(kernel.Value(x, z), 1.3874596795963383, 1e-12);
}

TEST(Matern52Kernel, IdenticalPointsGiveSignalVariance) {
  const Matern52Kernel kernel = MakeKernel({false, true}, {0.3, 0.7}, 1.7);
  const double x[] = {0.25, 1};
  EXPECT_DOUBLE_EQ(kernel.Value(x, x), 1.7);
  EXPECT_DOUBLE_EQ(Matern52DerivativeR2(0), -5.0 / 6.0);
}

TEST(Matern52Kernel, CrossCovarianceMatchesPairwiseValues) {
  const Matern52Kernel kernel = MakeKernel({false, true, false}, {0.3, 0.9, 2.0}, 1.3);
  Eigen::MatrixXd a(3, 4);
  a << 0.1, 0.5, 0.9, 0.3,  //
      0, 1, 2, 1,           //
      0.7, 0.2, 0.4, 0.7;
  Eigen::MatrixXd b(3, 3);
  b << 0.2, 0.5, 0.0,  //
      1, 1, 0,         //
      0.6, 0.2, 1.0;
  const Eigen::MatrixXd k = kernel.CrossCovariance(a, b);
  ASSERT_EQ(k.rows(), 4);
  ASSERT_EQ(k.cols(), 3);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) {
      EXPECT_NEAR(k(i, j), kernel.Value(a.col(i).data(), b.col(j).data()), 1e-14);
    }
  }
}

TEST(Matern52Kernel, DerivativeInSquaredDistanceMatchesFiniteDifferences) {
  for (double r2 : {1e-3, 0.1, 0.52, 2.0, 9.0}) {
    const double fd = CentralDifference([&](double h) { return Matern52(r2 + h); }, 1e-6);
    ExpectRelativelyClose(Matern52DerivativeR2(r2), fd, 1e-6);
  }
  // At r = 0 only a one-sided difference exists; the derivative is finite there.
  const double h = 1e-9;
  EXPECT_NEAR((Matern52(h) - Matern52(0)) / h, Matern52DerivativeR2(0), 1e-3);
}

// Relative error of the analytic gradient of k(x, b) w.r.t. x against central differences.
void CheckGradientWrtX(const Matern52Kernel& kernel, Eigen::VectorXd x, const Eigen::VectorXd& b) {
  const Eigen::VectorXd gradient = kernel.GradientWrtX(x.data(), b.data());
  for (int i = 0; i < kernel.dimensions(); ++i) {
    if (kernel.categorical(i)) {
      EXPECT_EQ(gradient[i], 0.0);
      continue;
    }
    const double fd = CentralDifference(
        [&](double h) {
          Eigen::VectorXd moved = x;
          moved[i] += h;
          return kernel.Value(moved.data(), b.data());
        },
        1e-5);
    EXPECT_NEAR(gradient[i], fd, 1e-4 * std::max(1e-3, std::abs(fd))) << "dimension " << i;
  }
}

TEST(Matern52Kernel, GradientWrtXMatchesFiniteDifferences) {
  const Matern52Kernel kernel = MakeKernel({false, false, true}, {0.5, 0.2, 0.8}, 2.0);
  Eigen::VectorXd x(3), b(3);
  x << 0.1, 0.2, 0;
  b << 0.4, 0.35, 2;
  CheckGradientWrtX(kernel, x, b);
  b << 0.1001, 0.2, 0;  // nearly identical points
  CheckGradientWrtX(kernel, x, b);
}

TEST(Matern52Kernel, GradientWrtXIsZeroAtIdenticalPoints) {
  const Matern52Kernel kernel = MakeKernel({false, false}, {0.5, 0.2}, 2.0);
  Eigen::VectorXd x(2);
  x << 0.3, 0.6;
  const Eigen::VectorXd gradient = kernel.GradientWrtX(x.data(), x.data());
  EXPECT_TRUE(gradient.allFinite());
  EXPECT_EQ(gradient.norm(), 0.0);
  CheckGradientWrtX(kernel, x, x);
}

// Checks ∂k/∂θ (θ = ln ℓ…, ln σ_f²) against central differences with h = 1e-4 in log space.
void CheckGradientWrtLogHyperparameters(const std::vector<bool>& categorical,
                                        const Eigen::VectorXd& log_length_scales, double log_signal,
                                        const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const int d = static_cast<int>(categorical.size());
  auto value = [&](const Eigen::VectorXd& theta) {
    const Matern52Kernel k(categorical, theta.head(d).array().exp().matrix(), std::exp(theta[d]));
    return k.Value(a.data(), b.data());
  };
  Eigen::VectorXd theta(d + 1);
  theta << log_length_scales, log_signal;
  const Matern52Kernel kernel(categorical, log_length_scales.array().exp().matrix(),
                              std::exp(log_signal));
  const Eigen::VectorXd gradient = kernel.GradientWrtLogHyperparameters(a.data(), b.data());
  ASSERT_EQ(gradient.size(), d + 1);
  for (int i = 0; i <= d; ++i) {
    const double fd = CentralDifference(
        [&](double h) {
          Eigen::VectorXd moved = theta;
          moved[i] += h;
          return value(moved);
        },
        1e-4);
    if (std::abs(fd) < 1e-12) {
      EXPECT_NEAR(gradient[i], 0.0, 1e-12) << "parameter " << i;
    } else {
      EXPECT_NEAR(gradient[i], fd, 1e-4 * std::abs(fd)) << "parameter " << i;
    }
  }
}

TEST(Matern52Kernel, GradientWrtLogHyperparametersMatchesFiniteDifferences) {
  Eigen::VectorXd log_l(3), a(3), b(3);
  log_l << std::log(0.5), std::log(1.0), std::log(0.8);
  a << 0.1, 0.2, 0;
  b << 0.4, 0.6, 2;
  CheckGradientWrtLogHyperparameters({false, false, true}, log_l, std::log(2.0), a, b);
}

TEST(Matern52Kernel, GradientWrtLogHyperparametersAtZeroDistance) {
  Eigen::VectorXd log_l(3), a(3);
  log_l << std::log(0.5), std::log(0.1), std::log(3.0);
  a << 0.7, 0.2, 1;
  CheckGradientWrtLogHyperparameters({false, false, true}, log_l, std::log(0.3), a, a);
}

TEST(Matern52Kernel, GradientWrtLogHyperparametersForCategoricalOnlyPair) {
  Eigen::VectorXd log_l(2), a(2), b(2);
  log_l << std::log(0.8), std::log(2.5);
  a << 0, 3;
  b << 1, 3;
  CheckGradientWrtLogHyperparameters({true, true}, log_l, std::log(1.5), a, b);
  b << 2, 1;
  CheckGradientWrtLogHyperparameters({true, true}, log_l, std::log(1.5), a, b);
}

}  // namespace
}  // namespace hyperd::algorithms::gp
