#include "algorithms/samplers/gp/gp_acquisition.h"

#include <cmath>
#include <utility>

#include "Eigen/Core"
#include "algorithms/samplers/gp/gaussian_process.h"
#include "algorithms/samplers/gp/kernel_cholesky.h"
#include "algorithms/samplers/random_bits.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

GaussianProcess MakeModel() {
  const Matern52Kernel kernel({false, false, true}, Eigen::Vector3d(0.25, 0.4, 0.7), 1.2);
  SplitMix64 stream(21);
  const int n = 20;
  Eigen::MatrixXd x(3, n);
  Eigen::VectorXd y(n);
  for (int j = 0; j < n; ++j) {
    x(0, j) = UnitDoubleFromBits(stream.Next());
    x(1, j) = UnitDoubleFromBits(stream.Next());
    x(2, j) = j % 3;
    y[j] = std::sin(5 * x(0, j)) - x(1, j) + 0.2 * x(2, j);
  }
  absl::StatusOr<KernelCholesky> cholesky = KernelCholesky::Create(kernel, 1e-4, x);
  EXPECT_TRUE(cholesky.ok());
  return GaussianProcess(*std::move(cholesky), y);
}

void CheckGradient(const GpAcquisition& acquisition) {
  SplitMix64 stream(22);
  for (int probe = 0; probe < 8; ++probe) {
    Eigen::Vector3d x(UnitDoubleFromBits(stream.Next()), UnitDoubleFromBits(stream.Next()),
                      probe % 3);
    Eigen::VectorXd gradient(3);
    const double value = acquisition.EvaluateWithGradient(x, &gradient);
    // The batch path agrees with the pointwise one.
    EXPECT_NEAR(acquisition.EvaluateBatch(x.transpose())[0], value,
                1e-9 * std::max(1.0, std::abs(value)));
    EXPECT_EQ(gradient[2], 0.0);
    for (int i = 0; i < 2; ++i) {
      const double h = 1e-6;
      Eigen::VectorXd up = x, down = x, ignored(3);
      up[i] += h;
      down[i] -= h;
      const double fd = (acquisition.EvaluateWithGradient(up, &ignored) -
                         acquisition.EvaluateWithGradient(down, &ignored)) /
                        (2 * h);
      EXPECT_NEAR(gradient[i], fd, 1e-4 * std::max(1e-2, std::abs(fd))) << "probe " << probe;
    }
  }
}

TEST(GpAcquisition, LogExpectedImprovementGradientMatchesFiniteDifferences) {
  const GaussianProcess gp = MakeModel();
  CheckGradient(
      GpAcquisition(&gp, GpAcquisition::Kind::kLogExpectedImprovement, 0, gp.targets().maxCoeff()));
  // Far below the incumbent (tiny EI) the log stays finite and differentiable.
  CheckGradient(GpAcquisition(&gp, GpAcquisition::Kind::kLogExpectedImprovement, 0, 25.0));
}

TEST(GpAcquisition, UpperConfidenceBoundGradientMatchesFiniteDifferences) {
  const GaussianProcess gp = MakeModel();
  CheckGradient(GpAcquisition(&gp, GpAcquisition::Kind::kUpperConfidenceBound, 1.8, 0));
}

TEST(GpAcquisition, BatchEvaluationReusesItsBuffersAcrossSizes) {
  const GaussianProcess gp = MakeModel();
  const GpAcquisition acquisition(&gp, GpAcquisition::Kind::kUpperConfidenceBound, 1.8, 0);
  SplitMix64 stream(23);
  Eigen::MatrixXd big(600, 3);  // more than one prediction block
  for (int i = 0; i < 600; ++i) {
    big.row(i) << UnitDoubleFromBits(stream.Next()), UnitDoubleFromBits(stream.Next()), i % 3;
  }
  const Eigen::VectorXd all = acquisition.EvaluateBatch(big);
  const Eigen::VectorXd head = acquisition.EvaluateBatch(big.topRows(7));
  const Eigen::VectorXd again = acquisition.EvaluateBatch(big);
  ASSERT_EQ(all.size(), 600);
  EXPECT_LT((all.head(7) - head).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_TRUE(all == again);
}

}  // namespace
}  // namespace hyperd::algorithms::gp
