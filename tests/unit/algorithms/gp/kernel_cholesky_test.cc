#include "algorithms/samplers/gp/kernel_cholesky.h"

#include <utility>

#include "Eigen/Cholesky"
#include "Eigen/Core"
#include "algorithms/samplers/random_bits.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

Eigen::MatrixXd RandomPoints(int dimensions, int n, uint64_t seed) {
  SplitMix64 stream(seed);
  Eigen::MatrixXd points(dimensions, n);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < dimensions; ++i) points(i, j) = UnitDoubleFromBits(stream.Next());
  }
  return points;
}

TEST(KernelCholesky, HundredRowAppendsMatchFullFactorisation) {
  const double signal = 1.7;
  const Matern52Kernel kernel({false, false, false}, Eigen::Vector3d(0.3, 0.5, 0.8), signal);
  const double noise = 1e-8 * signal;  // bo.md §9.2: jitter 1e-8·σ_f²
  const Eigen::MatrixXd points = RandomPoints(3, 110, 7);
  absl::StatusOr<KernelCholesky> cholesky =
      KernelCholesky::Create(kernel, noise, points.leftCols(10));
  ASSERT_TRUE(cholesky.ok()) << cholesky.status();
  for (int j = 10; j < 110; ++j) ASSERT_TRUE(cholesky->Append(points.col(j)).ok());
  ASSERT_EQ(cholesky->size(), 110);
  ASSERT_EQ(cholesky->jitter(), 0.0);

  Eigen::MatrixXd k = kernel.CrossCovariance(points, points);
  k.diagonal().array() += noise;
  const Eigen::MatrixXd full = Eigen::LLT<Eigen::MatrixXd>(k).matrixL();
  EXPECT_LT((cholesky->factor() - full).cwiseAbs().maxCoeff(), 1e-8);
  EXPECT_LT((cholesky->factor() * cholesky->factor().transpose() - k).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(KernelCholesky, AppendsReplayedOnAFreshFactorAreBitIdentical) {
  const Matern52Kernel kernel({false, false}, Eigen::Vector2d(0.2, 0.4), 1.0);
  const Eigen::MatrixXd points = RandomPoints(2, 40, 8);
  absl::StatusOr<KernelCholesky> a = KernelCholesky::Create(kernel, 1e-6, points.leftCols(20));
  ASSERT_TRUE(a.ok());
  for (int j = 20; j < 30; ++j) ASSERT_TRUE(a->Append(points.col(j)).ok());
  KernelCholesky b = *a;  // a "cached" factor, continued
  for (int j = 30; j < 40; ++j) ASSERT_TRUE(b.Append(points.col(j)).ok());
  absl::StatusOr<KernelCholesky> c = KernelCholesky::Create(kernel, 1e-6, points.leftCols(20));
  ASSERT_TRUE(c.ok());
  for (int j = 20; j < 40; ++j) ASSERT_TRUE(c->Append(points.col(j)).ok());
  EXPECT_TRUE(b.factor() == c->factor());
}

TEST(KernelCholesky, JitterRetryTriggersOnDuplicatedPointWithoutNoise) {
  const Matern52Kernel kernel({false, false}, Eigen::Vector2d(0.5, 0.5), 1.0);
  Eigen::MatrixXd points(2, 3);
  points << 0.1, 0.5, 0.1,  //
      0.2, 0.7, 0.2;
  const uint64_t total_before = CholeskyJitterRetriesTotal();
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 0, points);
  ASSERT_TRUE(cholesky.ok()) << cholesky.status();
  EXPECT_GE(cholesky->jitter_retries(), 1);
  EXPECT_GT(cholesky->jitter(), 0.0);
  EXPECT_LE(cholesky->jitter(), 1e-6 * 1e4);
  EXPECT_GT(CholeskyJitterRetriesTotal(), total_before);
  EXPECT_TRUE(cholesky->factor().allFinite());
}

TEST(KernelCholesky, AppendingADuplicateWithoutNoiseRefactorisesWithJitter) {
  const Matern52Kernel kernel({false}, Eigen::VectorXd::Constant(1, 0.5), 1.0);
  Eigen::MatrixXd points(1, 2);
  points << 0.1, 0.6;
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 0, points);
  ASSERT_TRUE(cholesky.ok());
  EXPECT_EQ(cholesky->jitter_retries(), 0);
  ASSERT_TRUE(cholesky->Append(Eigen::VectorXd::Constant(1, 0.6)).ok());
  EXPECT_EQ(cholesky->size(), 3);
  EXPECT_GE(cholesky->jitter_retries(), 1);
  EXPECT_GT(cholesky->jitter(), 0.0);
  Eigen::MatrixXd k = kernel.CrossCovariance(cholesky->points(), cholesky->points());
  k.diagonal().array() += cholesky->jitter();
  EXPECT_LT((cholesky->factor() * cholesky->factor().transpose() - k).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(KernelCholesky, SolveInvertsTheCovariance) {
  const Matern52Kernel kernel({false, true}, Eigen::Vector2d(0.3, 1.0), 2.0);
  Eigen::MatrixXd points(2, 4);
  points << 0.1, 0.4, 0.8, 0.5,  //
      0, 1, 0, 2;
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 0.01, points);
  ASSERT_TRUE(cholesky.ok());
  Eigen::MatrixXd k = kernel.CrossCovariance(points, points);
  k.diagonal().array() += 0.01;
  const Eigen::Vector4d b(1, -2, 0.5, 3);
  EXPECT_LT((k * cholesky->Solve(b) - b).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(KernelCholesky, FailsCleanlyOnNonFiniteMatrix) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Identity(2, 2);
  m(1, 0) = std::numeric_limits<double>::quiet_NaN();
  double jitter = 0;
  int retries = 0;
  Eigen::MatrixXd factor;
  EXPECT_EQ(
      FactorizeWithJitter([&](Eigen::MatrixXd* out) { *out = m; }, 0, &factor, &jitter, &retries)
          .code(),
      absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace hyperd::algorithms::gp
