#include "algorithms/importance/column_order.h"

#include <limits>
#include <vector>

#include "algorithms/importance/feature_matrix.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::ElementsAre;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(SortRowsByColumn, PutsMissingFirstThenAscendingValuesWithTiesByRow) {
  auto x = FeatureMatrix::FromRows({{0.5, 1}, {kNaN, 0}, {-2, 1}, {0.5, kNaN}, {kNaN, 0}},
                                   {false, true});
  ASSERT_TRUE(x.ok()) << x.status();
  const std::vector<std::vector<int>> orders = SortRowsByColumn(*x);
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_THAT(orders[0], ElementsAre(1, 4, 2, 0, 3));
  EXPECT_THAT(orders[1], ElementsAre(3, 1, 4, 0, 2));
}

}  // namespace
}  // namespace hyperd::algorithms
