#include "algorithms/importance/target_ranks.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;

TEST(ScaledMidRanks, MapsSmallestToZeroAndLargestToOne) {
  EXPECT_THAT(ScaledMidRanks({10, -3, 1e9}), ElementsAre(DoubleEq(0.5), DoubleEq(0), DoubleEq(1)));
}

TEST(ScaledMidRanks, TiesShareTheirMeanRank) {
  // Sorted: 1 (rank 0), 2 2 (ranks 1, 2 -> 1.5), 5 (rank 3); scaled by 1/3.
  EXPECT_THAT(ScaledMidRanks({2, 5, 1, 2}),
              ElementsAre(DoubleEq(0.5), DoubleEq(1), DoubleEq(0), DoubleEq(0.5)));
}

TEST(ScaledMidRanks, ConstantValuesAllMapToTheMiddle) {
  EXPECT_THAT(ScaledMidRanks({7, 7, 7}), ElementsAre(DoubleEq(0.5), DoubleEq(0.5), DoubleEq(0.5)));
  EXPECT_THAT(ScaledMidRanks({7}), ElementsAre(DoubleEq(0.5)));
}

}  // namespace
}  // namespace hyperd::algorithms
