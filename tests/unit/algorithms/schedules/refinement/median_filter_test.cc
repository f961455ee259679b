#include "algorithms/schedules/refinement/median_filter.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

TEST(ReflectPadRight, MirrorsWithoutRepeatingTheEdgeSample) {
  EXPECT_THAT(ReflectPadRight({1, 2, 3, 4}, 5), ElementsAre(1, 2, 3, 4, 3, 2, 1, 2, 3));
}

TEST(ReflectPadRight, ReflectsBackAndForthWhenPadExceedsLength) {
  EXPECT_THAT(ReflectPadRight({1, 2}, 5), ElementsAre(1, 2, 1, 2, 1, 2, 1));
  EXPECT_THAT(ReflectPadRight({7}, 3), ElementsAre(7, 7, 7, 7));
  EXPECT_THAT(ReflectPadRight({1, 2, 3}, 0), ElementsAre(1, 2, 3));
}

TEST(MedianFilterWidth, IsTwoFloorHalfTauNPlusOneAndAlwaysOdd) {
  EXPECT_EQ(MedianFilterWidth(12, 0.25), 3);
  EXPECT_EQ(MedianFilterWidth(10000, 0.1), 1001);
  EXPECT_EQ(MedianFilterWidth(100, 0.1), 11);
  EXPECT_EQ(MedianFilterWidth(40, 0.1), 5);
  for (int n = 1; n < 200; ++n) EXPECT_EQ(MedianFilterWidth(n, 0.37) % 2, 1) << n;
}

TEST(MedianFilterWidth, IsOneBelowTwentyPointsWithDefaultTau) {
  for (int n = 1; n < 20; ++n) EXPECT_EQ(MedianFilterWidth(n, 0.1), 1) << n;
  EXPECT_EQ(MedianFilterWidth(20, 0.1), 3);
}

TEST(MedianFilterWidth, ClampsToLargestOddNumberNotAboveLength) {
  EXPECT_EQ(MedianFilterWidth(4, 1.0), 3);  // 2·floor(4/2)+1 = 5 > 4
  EXPECT_EQ(MedianFilterWidth(5, 1.0), 5);
  EXPECT_EQ(MedianFilterWidth(1, 1.0), 1);
}

TEST(MedianFilterNearest, RepeatsEdgeSamplesAtBothEnds) {
  EXPECT_THAT(MedianFilterNearest({9, 1, 2, 8}, 3), ElementsAre(9, 2, 2, 8));
  EXPECT_THAT(MedianFilterNearest({3, 1, 2}, 1), ElementsAre(3, 1, 2));
}

TEST(SmoothGradientNorms, RemovesTheSpikeOfTheSpecExample) {
  const std::vector<double> norms = {5, 3, 2, 1, 1, 9, 1, 1, 1, 1, 2, 2};
  EXPECT_THAT(SmoothGradientNorms(norms, 0.25),
              ElementsAreArray({5, 3, 2, 1, 1, 1, 1, 1, 1, 1, 2, 2}));
}

TEST(SmoothGradientNorms, KeepsTheLateRiseBecausePaddingMirrorsOnTheRight) {
  // The last window sees {2, 3, 2} (reflected pad), so the rise survives as 2 rather than being
  // flattened back to the plateau of 1.
  const std::vector<double> smooth = SmoothGradientNorms({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3}, 0.25);
  EXPECT_THAT(smooth, ElementsAre(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2));
}

TEST(SmoothGradientNorms, LeavesShortSeriesUntouchedWithDefaultTau) {
  const std::vector<double> norms = {3, 2, 1, 1, 1, 1, 1, 1, 1, 2};
  EXPECT_THAT(SmoothGradientNorms(norms, 0.1), ElementsAreArray(norms));
  EXPECT_TRUE(SmoothGradientNorms({}, 0.1).empty());
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
