#include "bench/sample_stats.h"

#include <gtest/gtest.h>

namespace hyperd::bench {
namespace {

TEST(Median, IsTheMiddleValueOfAnOddCountInAnyOrder) { EXPECT_DOUBLE_EQ(Median({5, 1, 3}), 3); }

TEST(Median, AveragesTheTwoMiddleValuesOfAnEvenCount) {
  EXPECT_DOUBLE_EQ(Median({4, 1, 3, 2}), 2.5);
}

TEST(Median, IsZeroWithoutValues) { EXPECT_DOUBLE_EQ(Median({}), 0); }

TEST(Percentile, UsesTheNearestRank) {
  const std::vector<double> sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_DOUBLE_EQ(Percentile(sorted, 0.5), 50);
  EXPECT_DOUBLE_EQ(Percentile(sorted, 0.51), 60);
  EXPECT_DOUBLE_EQ(Percentile(sorted, 0.99), 100);
  EXPECT_DOUBLE_EQ(Percentile(sorted, 0.01), 10);
}

TEST(Percentile, IsZeroWithoutValues) { EXPECT_DOUBLE_EQ(Percentile({}, 0.5), 0); }

}  // namespace
}  // namespace hyperd::bench
