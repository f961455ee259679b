#include "algorithms/importance/regression_forest.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/importance/column_order.h"
#include "algorithms/importance/random_index.h"
#include "algorithms/samplers/random_bits.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

absl::Status ValidateOptions(const RegressionForestOptions& options) {
  const auto at_least = [](const char* name, int value, int least) {
    if (value >= least) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("options.", name, " is ", value, "; it must be at least ", least));
  };
  RETURN_IF_ERROR(at_least("num_trees", options.num_trees, 1));
  RETURN_IF_ERROR(at_least("max_features", options.max_features, 0));
  RETURN_IF_ERROR(at_least("min_samples_leaf", options.min_samples_leaf, 1));
  return at_least("max_depth", options.max_depth, 0);
}

absl::Status ValidateTargets(const FeatureMatrix& x, const std::vector<double>& targets) {
  if (x.rows() == 0) {
    return absl::InvalidArgumentError("x has no rows; a forest needs at least one row to fit");
  }
  if (targets.size() != static_cast<size_t>(x.rows())) {
    return absl::InvalidArgumentError(absl::StrCat("targets has ", targets.size(),
                                                   " entries but x has ", x.rows(),
                                                   " rows; give one target per row"));
  }
  for (size_t row = 0; row < targets.size(); ++row) {
    if (!std::isfinite(targets[row])) {
      return absl::InvalidArgumentError(
          absl::StrCat("targets[", row, "] is ", targets[row], "; every target must be finite"));
    }
  }
  return absl::OkStatus();
}

ForestTree FitOneTree(const FeatureMatrix& x, const std::vector<std::vector<int>>& column_orders,
                      const std::vector<double>& targets, const RegressionTreeOptions& tree_options,
                      SplitMix64& bits) {
  const int rows = x.rows();
  ForestTree member;
  member.in_bag_counts.assign(rows, 0);
  for (int draw = 0; draw < rows; ++draw) ++member.in_bag_counts[UniformIndex(bits, rows)];
  for (int row = 0; row < rows; ++row) {
    if (member.in_bag_counts[row] == 0) member.oob_rows.push_back(row);
  }
  member.tree =
      RegressionTree::Fit(x, column_orders, targets, member.in_bag_counts, tree_options, bits);
  return member;
}

}  // namespace

absl::StatusOr<RegressionForest> RegressionForest::Fit(const FeatureMatrix& x,
                                                       const std::vector<double>& targets,
                                                       const RegressionForestOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(ValidateTargets(x, targets));
  RegressionTreeOptions tree_options;
  tree_options.max_features = options.max_features;
  tree_options.min_samples_leaf = options.min_samples_leaf;
  tree_options.max_depth = options.max_depth;
  const std::vector<std::vector<int>> column_orders = SortRowsByColumn(x);
  std::vector<ForestTree> trees;
  trees.reserve(options.num_trees);
  for (int t = 0; t < options.num_trees; ++t) {
    SplitMix64 bits(MixSeed(options.seed, static_cast<uint64_t>(t)));
    trees.push_back(FitOneTree(x, column_orders, targets, tree_options, bits));
  }
  return RegressionForest(std::move(trees));
}

double RegressionForest::Predict(const FeatureMatrix& x, int row) const {
  double sum = 0;
  for (const ForestTree& member : trees_) sum += member.tree.Predict(x, row);
  return sum / static_cast<double>(trees_.size());
}

}  // namespace hyperd::algorithms
