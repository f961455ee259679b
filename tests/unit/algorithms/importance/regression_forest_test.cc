#include "algorithms/importance/regression_forest.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "algorithms/importance/column_order.h"
#include "algorithms/importance/feature_matrix.h"
#include "algorithms/importance/regression_tree.h"
#include "algorithms/samplers/random_bits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/importance/importance_test_data.h"

namespace hyperd::algorithms {
namespace {

using importance_testing::UniformRows;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

FeatureMatrix Matrix(const std::vector<std::vector<double>>& rows, std::vector<bool> categorical) {
  auto x = FeatureMatrix::FromRows(rows, categorical);
  EXPECT_TRUE(x.ok()) << x.status();
  return *x;
}

RegressionForestOptions Options(int num_trees, uint64_t seed) {
  RegressionForestOptions options;
  options.num_trees = num_trees;
  options.seed = seed;
  return options;
}

// A tree on every row once, with all columns tried and leaves of one row.
RegressionTree FitExactTree(const FeatureMatrix& x, const std::vector<double>& y) {
  RegressionTreeOptions options;
  options.min_samples_leaf = 1;
  SplitMix64 bits(1);
  return RegressionTree::Fit(x, SortRowsByColumn(x), y, std::vector<int>(x.rows(), 1), options,
                             bits);
}

TEST(RegressionForest, FitsAStepFunctionAwayFromTheStep) {
  const auto rows = UniformRows(400, 1, 11);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(row[0] < 0.5 ? 0.0 : 1.0);
  const FeatureMatrix x = Matrix(rows, {false});
  auto forest = RegressionForest::Fit(x, y, Options(32, 3));
  ASSERT_TRUE(forest.ok()) << forest.status();

  const FeatureMatrix probes = Matrix({{0.05}, {0.3}, {0.45}, {0.55}, {0.7}, {0.95}}, {false});
  const std::vector<double> expected = {0, 0, 0, 1, 1, 1};
  for (int row = 0; row < probes.rows(); ++row) {
    EXPECT_NEAR(forest->Predict(probes, row), expected[row], 0.02) << probes.at(row, 0);
  }
}

TEST(RegressionForest, OutOfBagRowsAreExactlyTheRowsTheBootstrapDidNotDraw) {
  const int n = 300;
  const auto rows = UniformRows(n, 2, 5);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(row[0] + row[1]);
  auto forest = RegressionForest::Fit(Matrix(rows, {false, false}), y, Options(40, 0));
  ASSERT_TRUE(forest.ok()) << forest.status();
  ASSERT_EQ(forest->trees().size(), 40u);

  double oob_fraction = 0;
  for (const ForestTree& member : forest->trees()) {
    ASSERT_EQ(member.in_bag_counts.size(), static_cast<size_t>(n));
    int draws = 0;
    std::vector<int> not_drawn;
    for (int row = 0; row < n; ++row) {
      draws += member.in_bag_counts[row];
      if (member.in_bag_counts[row] == 0) not_drawn.push_back(row);
    }
    EXPECT_EQ(draws, n);  // a bootstrap sample is n draws with replacement
    EXPECT_EQ(member.oob_rows, not_drawn);
    oob_fraction += static_cast<double>(not_drawn.size()) / n / 40;
  }
  EXPECT_NEAR(oob_fraction, std::exp(-1.0), 0.02);  // (1 - 1/n)^n -> 1/e
}

TEST(RegressionForest, SameSeedGivesTheSameForestAndOtherSeedsAnotherBootstrap) {
  const auto rows = UniformRows(100, 3, 9);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(row[0] * row[1] - row[2]);
  const FeatureMatrix x = Matrix(rows, {false, false, false});
  auto a = RegressionForest::Fit(x, y, Options(8, 42));
  auto b = RegressionForest::Fit(x, y, Options(8, 42));
  auto c = RegressionForest::Fit(x, y, Options(8, 43));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  for (int row = 0; row < x.rows(); ++row) EXPECT_EQ(a->Predict(x, row), b->Predict(x, row));
  EXPECT_EQ(a->trees()[0].in_bag_counts, b->trees()[0].in_bag_counts);
  EXPECT_NE(a->trees()[0].in_bag_counts, c->trees()[0].in_bag_counts);
}

TEST(RegressionForest, RejectsBadArgumentsNamingThem) {
  const FeatureMatrix x = Matrix({{0}, {1}, {2}}, {false});
  auto short_targets = RegressionForest::Fit(x, {0, 1});
  EXPECT_EQ(short_targets.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_targets.status().message(), HasSubstr("targets has 2 entries"));

  auto nan_target = RegressionForest::Fit(x, {0, kNaN, 1});
  EXPECT_EQ(nan_target.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(nan_target.status().message(), HasSubstr("targets[1]"));

  auto no_trees = RegressionForest::Fit(x, {0, 1, 2}, Options(0, 0));
  EXPECT_EQ(no_trees.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_trees.status().message(), HasSubstr("options.num_trees"));

  RegressionForestOptions zero_leaf;
  zero_leaf.min_samples_leaf = 0;
  auto bad_leaf = RegressionForest::Fit(x, {0, 1, 2}, zero_leaf);
  EXPECT_EQ(bad_leaf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_leaf.status().message(), HasSubstr("options.min_samples_leaf"));

  auto empty = RegressionForest::Fit(FeatureMatrix(0, {false}), {});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RegressionTree, SeparatesMissingValuesFromEveryActiveValue) {
  // The objective depends only on whether the parameter is active.
  const FeatureMatrix x = Matrix({{kNaN}, {0.1}, {kNaN}, {0.9}, {0.5}, {kNaN}}, {false});
  const RegressionTree tree = FitExactTree(x, {1, 0, 1, 0, 0, 1});
  EXPECT_EQ(tree.num_leaves(), 2);
  const FeatureMatrix probes = Matrix({{kNaN}, {-100}, {100}}, {false});
  EXPECT_DOUBLE_EQ(tree.Predict(probes, 0), 1);
  EXPECT_DOUBLE_EQ(tree.Predict(probes, 1), 0);
  EXPECT_DOUBLE_EQ(tree.Predict(probes, 2), 0);
}

TEST(RegressionTree, SplitsCategoriesOneVersusRestWithoutOrderingCodes) {
  // Code 2 sits between 1 and 3, so no threshold on the codes could isolate it in one split.
  const FeatureMatrix x = Matrix({{0}, {1}, {2}, {3}, {2}, {1}, {3}, {0}}, {true});
  const RegressionTree tree = FitExactTree(x, {0, 0, 1, 0, 1, 0, 0, 0});
  EXPECT_EQ(tree.num_leaves(), 2);
  const FeatureMatrix probes = Matrix({{2}, {1}, {3}, {7}}, {true});
  EXPECT_DOUBLE_EQ(tree.Predict(probes, 0), 1);
  EXPECT_DOUBLE_EQ(tree.Predict(probes, 1), 0);
  EXPECT_DOUBLE_EQ(tree.Predict(probes, 2), 0);
  EXPECT_DOUBLE_EQ(tree.Predict(probes, 3), 0);  // an unseen code goes with "the rest"
}

TEST(RegressionTree, ConstantTargetsGiveASingleLeafAtTheirValue) {
  const FeatureMatrix x = Matrix({{0, 1}, {1, 0}, {2, 1}, {3, 0}}, {false, true});
  const RegressionTree tree = FitExactTree(x, {4, 4, 4, 4});
  EXPECT_EQ(tree.num_nodes(), 1);
  EXPECT_DOUBLE_EQ(tree.Predict(x, 2), 4);
}

TEST(RegressionTree, MaxDepthZeroPredictsTheWeightedMean) {
  const FeatureMatrix x = Matrix({{0}, {1}, {2}}, {false});
  RegressionTreeOptions options;
  options.max_depth = 0;
  SplitMix64 bits(1);
  // Weights 2, 0, 1: (2 * 3 + 1 * 9) / 3 = 5; the unweighted row does not count.
  const RegressionTree tree =
      RegressionTree::Fit(x, SortRowsByColumn(x), {3, 100, 9}, {2, 0, 1}, options, bits);
  EXPECT_EQ(tree.num_nodes(), 1);
  EXPECT_DOUBLE_EQ(tree.Predict(x, 0), 5);
}

TEST(RegressionTree, LeavesHoldAtLeastMinSamplesLeafDraws) {
  // Each row alone would be the best leaf; min_samples_leaf = 3 forces leaves of >= 3 rows.
  const FeatureMatrix x = Matrix({{0}, {1}, {2}, {3}, {4}, {5}, {6}}, {false});
  RegressionTreeOptions options;
  options.min_samples_leaf = 3;
  SplitMix64 bits(1);
  const RegressionTree tree = RegressionTree::Fit(x, SortRowsByColumn(x), {0, 1, 2, 3, 4, 5, 6},
                                                  std::vector<int>(7, 1), options, bits);
  EXPECT_EQ(tree.num_leaves(), 2);
}

}  // namespace
}  // namespace hyperd::algorithms
