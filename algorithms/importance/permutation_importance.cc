#include "algorithms/importance/permutation_importance.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/importance/feature_matrix.h"
#include "algorithms/importance/random_index.h"
#include "algorithms/importance/regression_forest.h"
#include "algorithms/importance/target_ranks.h"
#include "algorithms/samplers/random_bits.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

// Independent SplitMix64 streams of one seed, one per use.
constexpr uint64_t kSubsampleStream = 1;
constexpr uint64_t kForestStream = 2;
constexpr uint64_t kPermutationStream = 3;

absl::Status ValidateOptions(const ImportanceOptions& options) {
  if (options.num_trees < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.num_trees is ", options.num_trees, "; it must be at least 1"));
  }
  if (options.min_rows < 2) {
    return absl::InvalidArgumentError(absl::StrCat("options.min_rows is ", options.min_rows,
                                                   "; it must be at least 2 (rows to permute)"));
  }
  if (options.max_rows < options.min_rows) {
    return absl::InvalidArgumentError(absl::StrCat("options.max_rows is ", options.max_rows,
                                                   " but options.min_rows is ", options.min_rows,
                                                   "; max_rows must be at least min_rows"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTargets(const std::vector<std::vector<double>>& features,
                             const std::vector<double>& targets) {
  if (targets.size() != features.size()) {
    return absl::InvalidArgumentError(absl::StrCat("targets has ", targets.size(),
                                                   " entries but features has ", features.size(),
                                                   " rows; give one target per row"));
  }
  for (size_t row = 0; row < targets.size(); ++row) {
    if (!std::isfinite(targets[row])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "targets[", row, "] is ", targets[row],
          "; every target must be finite (leave out trials without an objective value)"));
    }
  }
  return absl::OkStatus();
}

// `count` distinct rows of [0, rows), uniformly, ascending (partial Fisher-Yates).
std::vector<int> SubsampleRows(int rows, int count, uint64_t seed) {
  SplitMix64 bits(MixSeed(seed, kSubsampleStream));
  std::vector<int> all(rows);
  std::iota(all.begin(), all.end(), 0);
  for (int i = 0; i < count; ++i) {
    const int j = i + static_cast<int>(UniformIndex(bits, static_cast<uint64_t>(rows - i)));
    std::swap(all[i], all[j]);
  }
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

// Rise in the tree's OOB mean squared error per column when that column is shuffled among the
// OOB rows. `x` is a scratch copy: each column is restored after use. Only the rows whose path
// tests the column can change prediction, so only they are predicted again; a column the tree
// never tests on these rows gets exactly 0.
std::vector<double> ErrorIncreases(const ForestTree& member, FeatureMatrix& x,
                                   const std::vector<double>& targets, SplitMix64& bits) {
  const std::vector<int>& oob = member.oob_rows;
  const int oob_count = static_cast<int>(oob.size());
  std::vector<double> squared_errors(oob_count);
  std::vector<std::vector<int>> affected(x.columns());  // per column: indices into oob
  std::vector<int> last_affected(x.columns(), -1);
  std::vector<int> path;
  for (int i = 0; i < oob_count; ++i) {
    path.clear();
    const double error = member.tree.Predict(x, oob[i], &path) - targets[oob[i]];
    squared_errors[i] = error * error;
    for (int column : path) {
      if (last_affected[column] == i) continue;
      last_affected[column] = i;
      affected[column].push_back(i);
    }
  }

  std::vector<double> increases(x.columns(), 0.0);
  std::vector<double> original(oob_count);
  for (int column = 0; column < x.columns(); ++column) {
    if (affected[column].empty()) continue;
    for (int i = 0; i < oob_count; ++i) original[i] = x.at(oob[i], column);
    std::vector<double> shuffled = original;
    ShuffleInPlace(bits, shuffled);
    for (int i = 0; i < oob_count; ++i) x.at(oob[i], column) = shuffled[i];
    double change = 0;
    for (int i : affected[column]) {
      const double error = member.tree.Predict(x, oob[i]) - targets[oob[i]];
      change += error * error - squared_errors[i];
    }
    increases[column] = change / oob_count;
    for (int i = 0; i < oob_count; ++i) x.at(oob[i], column) = original[i];
  }
  return increases;
}

// Mean over trees, clipped at 0 (a negative mean is noise: the column does not help), then
// normalised to sum 1.
std::vector<double> Normalised(std::vector<double> sums, int trees) {
  double total = 0;
  for (double& value : sums) {
    value = trees > 0 ? std::max(0.0, value / trees) : 0.0;
    total += value;
  }
  for (double& value : sums) value = total > 0 ? value / total : 0.0;
  return sums;
}

}  // namespace

absl::StatusOr<ImportanceResult> PermutationImportance(
    const std::vector<std::vector<double>>& features, const std::vector<bool>& categorical,
    const std::vector<double>& targets, const ImportanceOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(ValidateTargets(features, targets));
  ASSIGN_OR_RETURN(FeatureMatrix all_rows, FeatureMatrix::FromRows(features, categorical));
  const int rows = all_rows.rows();
  if (rows < options.min_rows) {
    return absl::FailedPreconditionError(
        absl::StrCat("features has ", rows, " rows; parameter importance needs at least ",
                     options.min_rows, " (options.min_rows) completed trials"));
  }

  std::vector<int> used = SubsampleRows(rows, std::min(rows, options.max_rows), options.seed);
  FeatureMatrix x = all_rows.SelectRows(used);
  std::vector<double> used_targets;
  used_targets.reserve(used.size());
  for (int row : used) used_targets.push_back(targets[row]);
  const std::vector<double> ranks = ScaledMidRanks(used_targets);

  RegressionForestOptions forest_options;
  forest_options.num_trees = options.num_trees;
  forest_options.seed = MixSeed(options.seed, kForestStream);
  ASSIGN_OR_RETURN(RegressionForest forest, RegressionForest::Fit(x, ranks, forest_options));

  std::vector<double> sums(x.columns(), 0.0);
  int trees_measured = 0;
  for (size_t t = 0; t < forest.trees().size(); ++t) {
    const ForestTree& member = forest.trees()[t];
    if (member.oob_rows.size() < 2) continue;  // nothing to permute
    SplitMix64 bits(MixSeed(MixSeed(options.seed, kPermutationStream), t));
    const std::vector<double> increases = ErrorIncreases(member, x, ranks, bits);
    for (int column = 0; column < x.columns(); ++column) sums[column] += increases[column];
    ++trees_measured;
  }

  ImportanceResult result;
  result.importance = Normalised(std::move(sums), trees_measured);
  result.rows_used = x.rows();
  return result;
}

}  // namespace hyperd::algorithms
