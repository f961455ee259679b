#include "algorithms/importance/feature_matrix.h"

#include <cmath>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(FeatureMatrix, CopiesRowsAndKeepsMissingValues) {
  auto x = FeatureMatrix::FromRows({{0.5, 2}, {kNaN, 0}, {-1.5, kNaN}}, {false, true});
  ASSERT_TRUE(x.ok()) << x.status();
  EXPECT_EQ(x->rows(), 3);
  EXPECT_EQ(x->columns(), 2);
  EXPECT_FALSE(x->categorical(0));
  EXPECT_TRUE(x->categorical(1));
  EXPECT_EQ(x->at(0, 0), 0.5);
  EXPECT_EQ(x->at(0, 1), 2);
  EXPECT_TRUE(std::isnan(x->at(1, 0)));
  EXPECT_EQ(x->at(2, 0), -1.5);
  EXPECT_TRUE(std::isnan(x->at(2, 1)));
}

TEST(FeatureMatrix, SelectRowsKeepsTheGivenOrder) {
  auto x = FeatureMatrix::FromRows({{0}, {1}, {2}, {3}}, {false});
  ASSERT_TRUE(x.ok());
  const FeatureMatrix selected = x->SelectRows({3, 1});
  ASSERT_EQ(selected.rows(), 2);
  EXPECT_EQ(selected.at(0, 0), 3);
  EXPECT_EQ(selected.at(1, 0), 1);
}

TEST(FeatureMatrix, RejectsRaggedRowsNamingTheRow) {
  auto x = FeatureMatrix::FromRows({{0, 1}, {0, 1}, {0}}, {false, false});
  EXPECT_EQ(x.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(x.status().message(), HasSubstr("features[2] has 1 columns"));
}

TEST(FeatureMatrix, RejectsInfiniteValuesNamingTheCell) {
  auto x = FeatureMatrix::FromRows({{0, 1}, {0, std::numeric_limits<double>::infinity()}},
                                   {false, false});
  EXPECT_EQ(x.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(x.status().message(), HasSubstr("features[1][1]"));
  EXPECT_THAT(x.status().message(), HasSubstr("NaN"));
}

TEST(FeatureMatrix, RejectsCategoryCodesThatAreNotNonNegativeIntegers) {
  for (double bad : {1.5, -1.0}) {
    auto x = FeatureMatrix::FromRows({{0, 1}, {bad, 1}}, {true, false});
    EXPECT_EQ(x.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(x.status().message(), HasSubstr("features[1][0]"));
    EXPECT_THAT(x.status().message(), HasSubstr("categorical"));
  }
}

TEST(FeatureMatrix, RejectsAnEmptyColumnList) {
  auto x = FeatureMatrix::FromRows({{}, {}}, {});
  EXPECT_EQ(x.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(x.status().message(), HasSubstr("categorical is empty"));
}

}  // namespace
}  // namespace hyperd::algorithms
