#include "algorithms/samplers/gp/gaussian_process.h"

#include <cmath>
#include <utility>
#include <vector>

#include "Eigen/Core"
#include "algorithms/samplers/acquisition/log_expected_improvement.h"
#include "algorithms/samplers/gp/kernel_cholesky.h"
#include "algorithms/samplers/gp/matern52_kernel.h"
#include "algorithms/samplers/random_bits.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

// The 1-D model of bo.md §3.2: ℓ = 0.4, σ_f² = 1.3, σ_n² = 0.01, X = [0, 0.3, 1], y = [1, −0.5,
// 0.25].
GaussianProcess SpecModel() {
  const Matern52Kernel kernel({false}, Eigen::VectorXd::Constant(1, 0.4), 1.3);
  Eigen::MatrixXd x(1, 3);
  x << 0, 0.3, 1;
  Eigen::VectorXd y(3);
  y << 1, -0.5, 0.25;
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 0.01, x);
  EXPECT_TRUE(cholesky.ok()) << cholesky.status();
  return GaussianProcess(*std::move(cholesky), y);
}

Eigen::MatrixXd RandomPoints(int dimensions, int n, uint64_t seed) {
  SplitMix64 stream(seed);
  Eigen::MatrixXd points(dimensions, n);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < dimensions; ++i) points(i, j) = UnitDoubleFromBits(stream.Next());
  }
  return points;
}

TEST(GaussianProcess, MatchesSpecVector) {
  const GaussianProcess gp = SpecModel();
  Eigen::MatrixXd expected_l(3, 3);
  expected_l << 1.1445523142, 0, 0,   //
      0.7674110909, 0.8491644232, 0,  //
      0.0721358717, 0.2411856505, 1.1165240248;
  EXPECT_LT((gp.factor().factor() - expected_l).cwiseAbs().maxCoeff(), 1e-10);
  Eigen::VectorXd expected_alpha(3);
  expected_alpha << 1.9048170186, -1.7415895901, 0.4166650551;
  EXPECT_LT((gp.alpha() - expected_alpha).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_NEAR(gp.NegativeLogLikelihood(), 4.278436072456376, 1e-12);

  Eigen::MatrixXd at(1, 1);
  at << 0.5;
  Eigen::VectorXd mean, variance;
  gp.Predict(at, &mean, &variance);
  EXPECT_NEAR(mean[0], -0.6959377016574131, 1e-12);
  EXPECT_NEAR(variance[0], 0.2934385894802676, 1e-12);

  const double z = (mean[0] - 1.0) / std::sqrt(variance[0]);
  EXPECT_NEAR(z, -3.130770851, 1e-9);
  // The spec's value has no stabilising variance; LogExpectedImprovement adds it back.
  EXPECT_NEAR(LogExpectedImprovement(mean[0], variance[0] - kAcquisitionVarianceFloor, 1.0).value,
              -8.95220106222256, 1e-12);
}

TEST(GaussianProcess, BatchPredictionMatchesPointPrediction) {
  const Matern52Kernel kernel({false, true, false}, Eigen::Vector3d(0.3, 0.9, 0.5), 1.4);
  Eigen::MatrixXd x = RandomPoints(3, 25, 1);
  for (int j = 0; j < x.cols(); ++j) x(1, j) = std::floor(x(1, j) * 3);
  Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(25, -1, 1).array().sin();
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 1e-4, x);
  ASSERT_TRUE(cholesky.ok()) << cholesky.status();
  const GaussianProcess gp(*std::move(cholesky), y);
  Eigen::MatrixXd candidates = RandomPoints(3, 40, 2);
  for (int j = 0; j < candidates.cols(); ++j) candidates(1, j) = std::floor(candidates(1, j) * 3);
  Eigen::VectorXd mean, variance;
  gp.Predict(candidates, &mean, &variance);
  for (int j = 0; j < candidates.cols(); ++j) {
    const GaussianProcess::PointPrediction p = gp.PredictWithGradient(candidates.col(j));
    EXPECT_NEAR(p.mean, mean[j], 1e-12);
    EXPECT_NEAR(p.variance, variance[j], 1e-12);
    EXPECT_NEAR(gp.Mean(candidates.col(j)), mean[j], 1e-12);
  }
}

TEST(GaussianProcess, MeanAndVarianceGradientsMatchFiniteDifferences) {
  const Matern52Kernel kernel({false, false, true}, Eigen::Vector3d(0.3, 0.6, 0.5), 1.4);
  Eigen::MatrixXd x = RandomPoints(3, 15, 3);
  for (int j = 0; j < x.cols(); ++j) x(2, j) = std::floor(x(2, j) * 2);
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(15, -2, 2).array().cos();
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 1e-3, x);
  ASSERT_TRUE(cholesky.ok()) << cholesky.status();
  const GaussianProcess gp(*std::move(cholesky), y);
  const Eigen::MatrixXd probes = RandomPoints(3, 6, 4);
  for (int j = 0; j < probes.cols(); ++j) {
    Eigen::VectorXd point = probes.col(j);
    point[2] = j % 2;
    const GaussianProcess::PointPrediction p = gp.PredictWithGradient(point);
    EXPECT_EQ(p.d_mean[2], 0.0);
    EXPECT_EQ(p.d_variance[2], 0.0);
    for (int i = 0; i < 2; ++i) {
      const double h = 1e-6;
      Eigen::VectorXd up = point, down = point;
      up[i] += h;
      down[i] -= h;
      const GaussianProcess::PointPrediction pu = gp.PredictWithGradient(up);
      const GaussianProcess::PointPrediction pd = gp.PredictWithGradient(down);
      const double fd_mean = (pu.mean - pd.mean) / (2 * h);
      const double fd_variance = (pu.variance - pd.variance) / (2 * h);
      EXPECT_NEAR(p.d_mean[i], fd_mean, 1e-4 * std::max(1e-2, std::abs(fd_mean)));
      EXPECT_NEAR(p.d_variance[i], fd_variance, 1e-4 * std::max(1e-2, std::abs(fd_variance)));
    }
  }
}

TEST(GaussianProcess, KrigingBelieverKeepsMeanAndShrinksVariance) {
  GaussianProcess gp = SpecModel();
  Eigen::VectorXd pending(1);
  pending << 0.6;
  Eigen::MatrixXd probes(1, 3);
  probes << 0.55, 0.6, 0.8;
  Eigen::VectorXd mean_before, variance_before;
  gp.Predict(probes, &mean_before, &variance_before);
  ASSERT_TRUE(gp.Append(pending, gp.Mean(pending)).ok());
  EXPECT_EQ(gp.size(), 4);
  Eigen::VectorXd mean_after, variance_after;
  gp.Predict(probes, &mean_after, &variance_after);
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(mean_after[j], mean_before[j], 1e-10);
    EXPECT_LT(variance_after[j], variance_before[j]);
  }
  // The noise-free latent variance at the believed point falls to about the noise level.
  EXPECT_LT(variance_after[1], 0.011);
}

TEST(GaussianProcess, VarianceIsClampedAtFloor) {
  const Matern52Kernel kernel({false}, Eigen::VectorXd::Constant(1, 0.4), 1.0);
  Eigen::MatrixXd x(1, 1);
  x << 0.5;
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 0, x);
  ASSERT_TRUE(cholesky.ok()) << cholesky.status();
  const GaussianProcess gp(*std::move(cholesky), Eigen::VectorXd::Constant(1, 0.3));
  Eigen::VectorXd mean, variance;
  gp.Predict(x, &mean, &variance);
  EXPECT_GE(variance[0], kMinPosteriorVariance);
  EXPECT_NEAR(mean[0], 0.3, 1e-9);
}

}  // namespace
}  // namespace hyperd::algorithms::gp
