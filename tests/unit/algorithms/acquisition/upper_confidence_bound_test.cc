#include "algorithms/samplers/acquisition/upper_confidence_bound.h"

#include <cmath>

#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

TEST(UpperConfidenceBound, IsMeanPlusBetaTimesStddev) {
  const AcquisitionValue a = UpperConfidenceBound(0.5, 0.25, 1.8);
  EXPECT_NEAR(a.value, 0.5 + 1.8 * std::sqrt(0.25 + 1e-12), 1e-15);
  EXPECT_EQ(a.d_mean, 1.0);
  EXPECT_EQ(a.d_stddev, 1.8);
}

TEST(UpperConfidenceBound, GradientsMatchCentralDifferences) {
  const double beta = 1.8, mean = -0.3, stddev = 0.7, h = 1e-6;
  auto at = [&](double m, double s) { return UpperConfidenceBound(m, s * s - 1e-12, beta).value; };
  const AcquisitionValue a = UpperConfidenceBound(mean, stddev * stddev - 1e-12, beta);
  EXPECT_NEAR(a.d_mean, (at(mean + h, stddev) - at(mean - h, stddev)) / (2 * h), 1e-8);
  EXPECT_NEAR(a.d_stddev, (at(mean, stddev + h) - at(mean, stddev - h)) / (2 * h), 1e-8);
}

TEST(UpperConfidenceBound, UsesTheVarianceFloorAtZeroAndNegativeVariance) {
  EXPECT_NEAR(UpperConfidenceBound(1.0, 0.0, 2.0).value, 1.0 + 2e-6, 1e-15);
  EXPECT_EQ(UpperConfidenceBound(1.0, -1e-15, 2.0).value, UpperConfidenceBound(1.0, 0, 2).value);
}

}  // namespace
}  // namespace hyperd::algorithms
