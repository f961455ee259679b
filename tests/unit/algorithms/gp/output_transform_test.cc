#include "algorithms/samplers/gp/output_transform.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(StandardizeTargets, MatchesSpecVector) {
  const StandardizedTargets t = StandardizeTargets({3, 1, 2}, Goal::kMinimize);
  ASSERT_EQ(t.values.size(), 3);
  EXPECT_NEAR(t.values[0], -1.224744871391589, 1e-12);
  EXPECT_NEAR(t.values[1], 1.224744871391589, 1e-12);
  EXPECT_NEAR(t.values[2], 0.0, 1e-15);
  EXPECT_NEAR(t.mean, -2.0, 1e-15);
}

TEST(StandardizeTargets, MaximisationKeepsOrientation) {
  const StandardizedTargets t = StandardizeTargets({3, 1, 2}, Goal::kMaximize);
  EXPECT_NEAR(t.values[0], 1.224744871391589, 1e-12);
  EXPECT_NEAR(t.values[1], -1.224744871391589, 1e-12);
}

TEST(StandardizeTargets, NonFiniteValuesTakeTheInfeasibleWarp) {
  // Maximise scale: finite values −1, −3 (min −3, range 2) → worst −3 − (0.5·2 + 1) = −5.
  const StandardizedTargets t = StandardizeTargets({1, 3, kNan, kInf, -kInf}, Goal::kMinimize);
  const double mean = (-1 - 3 - 5 - 5 - 5) / 5.0;
  EXPECT_NEAR(t.mean, mean, 1e-12);
  EXPECT_NEAR(t.values[2] * t.scale + t.mean, -5, 1e-12);
  EXPECT_NEAR(t.values[3] * t.scale + t.mean, -5, 1e-12);
  EXPECT_NEAR(t.values[4] * t.scale + t.mean, -5, 1e-12);
  EXPECT_LT(t.values[2], t.values[1]);
}

TEST(StandardizeTargets, ConstantValuesStandardiseToZero) {
  const StandardizedTargets t = StandardizeTargets({2, 2, 2}, Goal::kMinimize);
  EXPECT_TRUE(t.values.isZero());
}

TEST(StandardizeTargets, AllNonFiniteGivesZeros) {
  const StandardizedTargets t = StandardizeTargets({kNan, kInf}, Goal::kMaximize);
  EXPECT_TRUE(t.values.isZero());
  EXPECT_TRUE(t.values.allFinite());
}

}  // namespace
}  // namespace hyperd::algorithms::gp
