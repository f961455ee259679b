#include "algorithms/importance/permutation_importance.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/importance/importance_test_data.h"

namespace hyperd::algorithms {
namespace {

using importance_testing::TestUniforms;
using importance_testing::UniformRows;
using ::testing::AllOf;
using ::testing::Each;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Le;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ImportanceOptions Seeded(uint64_t seed) {
  ImportanceOptions options;
  options.seed = seed;
  return options;
}

std::vector<double> Importance(const std::vector<std::vector<double>>& features,
                               const std::vector<bool>& categorical,
                               const std::vector<double>& targets,
                               const ImportanceOptions& options = {}) {
  auto result = PermutationImportance(features, categorical, targets, options);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return std::vector<double>(categorical.size(), -1.0);
  EXPECT_THAT(result->importance, Each(Ge(0.0)));
  return result->importance;
}

double Sum(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0);
}

TEST(PermutationImportance, ColumnThatDrivesTheObjectiveGetsNearlyAllImportance) {
  auto rows = UniformRows(300, 3, 1);
  TestUniforms noise(2);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(10 * row[0] + (noise.Next() - 0.5));
  const std::vector<double> importance = Importance(rows, {false, false, false}, y);
  ASSERT_EQ(importance.size(), 3u);
  EXPECT_GT(importance[0], 0.9);
  EXPECT_NEAR(Sum(importance), 1.0, 1e-12);
}

TEST(PermutationImportance, TwoColumnsOfEqualWeightShareTheImportance) {
  auto rows = UniformRows(400, 3, 3);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(row[0] + row[1]);
  const std::vector<double> importance = Importance(rows, {false, false, false}, y);
  EXPECT_THAT(importance[0], AllOf(Ge(0.3), Le(0.7)));
  EXPECT_THAT(importance[1], AllOf(Ge(0.3), Le(0.7)));
  EXPECT_LT(importance[2], 0.1);
}

TEST(PermutationImportance, CategoricalColumnThatDecidesTheObjectiveDominates) {
  auto rows = UniformRows(300, 3, 4);
  std::vector<double> y;
  for (auto& row : rows) {
    row[0] = std::floor(row[0] * 4);  // code 0..3
    y.push_back(row[0] == 2 ? 1.0 : 0.0);
  }
  const std::vector<double> importance = Importance(rows, {true, false, false}, y);
  EXPECT_GT(importance[0], 0.9);
}

TEST(PermutationImportance, ParameterMissingInHalfTheRowsGetsImportanceFromTheOtherHalf) {
  // A conditional parameter: inactive (NaN) in half the trials, where the objective ignores it;
  // in the active half the objective depends on it alone. Inactive and active trials have the
  // same mean objective, so the credit cannot come from missingness alone.
  auto rows = UniformRows(400, 3, 5);
  TestUniforms noise(6);
  std::vector<double> y;
  for (size_t i = 0; i < rows.size(); ++i) {
    const bool active = i % 2 == 0;
    if (!active) rows[i][0] = kNaN;
    y.push_back((active ? 10 * rows[i][0] : 5.0) + 0.1 * noise.Next());
  }
  const std::vector<double> importance = Importance(rows, {false, false, false}, y);
  EXPECT_GT(importance[0], 0.8);
  EXPECT_LT(importance[1], 0.1);
  EXPECT_LT(importance[2], 0.1);
}

TEST(PermutationImportance, RareHugeObjectiveValuesDoNotDrownTheParameterThatRanksTrials) {
  // x0 orders the trials; x1 only matters for the 2% of diverged trials (objective 1e6). On raw
  // values those few would dominate every squared error; on ranks they are just the top 2%.
  auto rows = UniformRows(400, 3, 13);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(row[0] + (row[1] > 0.98 ? 1e6 : 0.0));
  const std::vector<double> importance = Importance(rows, {false, false, false}, y);
  EXPECT_GT(importance[0], 0.7);
  EXPECT_GT(importance[0], importance[1]);
}

TEST(PermutationImportance, ConstantObjectiveGivesZeroImportanceEverywhere) {
  auto rows = UniformRows(50, 3, 7);
  for (auto& row : rows) row[1] = std::floor(row[1] * 3);  // category codes 0..2
  auto result = PermutationImportance(rows, {false, true, false}, std::vector<double>(50, 0.25));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->importance, Each(0.0));
  EXPECT_EQ(result->importance.size(), 3u);
}

TEST(PermutationImportance, SameSeedGivesTheSameResultAndAnotherSeedAClosePicture) {
  auto rows = UniformRows(200, 4, 8);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(3 * row[0] + row[1] * row[1] + 0.5 * row[2]);
  const std::vector<bool> numeric(4, false);
  const std::vector<double> first = Importance(rows, numeric, y, Seeded(1));
  const std::vector<double> again = Importance(rows, numeric, y, Seeded(1));
  const std::vector<double> other = Importance(rows, numeric, y, Seeded(2));
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  for (size_t column = 0; column < first.size(); ++column) {
    EXPECT_NEAR(first[column], other[column], 0.05) << "column " << column;
  }
}

TEST(PermutationImportance, InputsAboveMaxRowsAreSubsampledToMaxRows) {
  auto rows = UniformRows(500, 2, 9);
  std::vector<double> y;
  for (const auto& row : rows) y.push_back(row[1]);
  ImportanceOptions options;
  options.max_rows = 120;
  auto subsampled = PermutationImportance(rows, {false, false}, y, options);
  ASSERT_TRUE(subsampled.ok()) << subsampled.status();
  EXPECT_EQ(subsampled->rows_used, 120);
  EXPECT_GT(subsampled->importance[1], 0.9);

  auto whole = PermutationImportance(rows, {false, false}, y);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->rows_used, 500);
}

TEST(PermutationImportance, FewerThanMinRowsIsAFailedPreconditionNamingTheCount) {
  auto rows = UniformRows(5, 2, 10);
  auto result = PermutationImportance(rows, {false, false}, {1, 2, 3, 4, 5});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("features has 5 rows"));
  EXPECT_THAT(result.status().message(), HasSubstr("at least 8"));
}

TEST(PermutationImportance, BadInputsAreInvalidArgumentsNamingTheArgument) {
  auto rows = UniformRows(10, 2, 11);
  const std::vector<double> y(10, 1.0);
  const std::vector<bool> numeric = {false, false};
  const auto expect_invalid = [](const absl::StatusOr<ImportanceResult>& result,
                                 const std::string& names) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << names;
    EXPECT_THAT(result.status().message(), HasSubstr(names));
  };

  auto ragged = rows;
  ragged[4].push_back(0.5);
  expect_invalid(PermutationImportance(ragged, numeric, y), "features[4] has 3 columns");
  expect_invalid(PermutationImportance(rows, numeric, std::vector<double>(9, 1.0)),
                 "targets has 9 entries but features has 10 rows");
  auto infinite_target = y;
  infinite_target[3] = std::numeric_limits<double>::infinity();
  expect_invalid(PermutationImportance(rows, numeric, infinite_target), "targets[3]");
  auto nan_target = y;
  nan_target[6] = kNaN;
  expect_invalid(PermutationImportance(rows, numeric, nan_target), "targets[6]");
  expect_invalid(PermutationImportance(rows, {false, false, false}, y), "categorical has 3");
  expect_invalid(PermutationImportance(rows, {true, false}, y), "features[0][0]");

  ImportanceOptions no_trees;
  no_trees.num_trees = 0;
  expect_invalid(PermutationImportance(rows, numeric, y, no_trees), "options.num_trees");
  ImportanceOptions small_max;
  small_max.max_rows = 4;
  expect_invalid(PermutationImportance(rows, numeric, y, small_max), "options.max_rows");
  ImportanceOptions one_row;
  one_row.min_rows = 1;
  expect_invalid(PermutationImportance(rows, numeric, y, one_row), "options.min_rows");
}

// The dashboard's worst case: 10,000 trials x 10 parameters (subsampled to max_rows). Prints the
// wall time for the performance budget (< 200 ms in Release) without asserting on it.
TEST(PermutationImportance, TenThousandRowsTenColumnsFindsTheRelevantColumns) {
  auto rows = UniformRows(10000, 10, 12);
  std::vector<double> y;
  for (auto& row : rows) {
    row[9] = std::floor(row[9] * 5);  // a categorical parameter with 5 choices
    y.push_back(4 * row[0] + 2 * row[3] + (row[9] == 1 ? 3.0 : 0.0));
  }
  std::vector<bool> categorical(10, false);
  categorical[9] = true;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto result = PermutationImportance(rows, categorical, y);
  const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // CPU time too: the wall time is noisy on a shared machine.
  std::printf("PermutationImportance 10000x10: %.1f ms wall, %.1f ms CPU\n",
              std::chrono::duration<double, std::milli>(elapsed).count(), cpu_ms);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_used, 2000);
  const std::vector<double>& importance = result->importance;
  for (int irrelevant : {1, 2, 4, 5, 6, 7, 8}) {
    EXPECT_LT(importance[irrelevant], importance[0]) << irrelevant;
    EXPECT_LT(importance[irrelevant], importance[3]) << irrelevant;
    EXPECT_LT(importance[irrelevant], importance[9]) << irrelevant;
    EXPECT_LT(importance[irrelevant], 0.02) << irrelevant;
  }
}

}  // namespace
}  // namespace hyperd::algorithms
