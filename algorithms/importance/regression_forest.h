// A random forest of CART regression trees (Breiman, "Random Forests", Machine Learning 45:5-32,
// 2001): each tree is fitted on its own bootstrap sample (n draws with replacement from n rows)
// and tries a random subset of columns at each split; the forest predicts the trees' mean.
//
// Each tree remembers which rows its bootstrap left out (its out-of-bag rows, about 1/e of them),
// so a model-free held-out error is available per tree; permutation importance measures on them.
// Deterministic: tree t draws from SplitMix64 stream MixSeed(seed, t).
//
//   RegressionForestOptions options;
//   options.seed = 7;
//   ASSIGN_OR_RETURN(RegressionForest forest, RegressionForest::Fit(x, targets, options));
//   double y_hat = forest.Predict(x, row);
#ifndef HYPERD_ALGORITHMS_IMPORTANCE_REGRESSION_FOREST_H_
#define HYPERD_ALGORITHMS_IMPORTANCE_REGRESSION_FOREST_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/importance/feature_matrix.h"
#include "algorithms/importance/regression_tree.h"

namespace hyperd::algorithms {

struct RegressionForestOptions {
  int num_trees = 64;
  // See RegressionTreeOptions: 0 picks all columns when there are at most 3, else columns / 3.
  int max_features = 0;
  int min_samples_leaf = 2;
  int max_depth = 16;
  uint64_t seed = 0;
};

// One member of the forest with its bootstrap sample.
struct ForestTree {
  RegressionTree tree;
  std::vector<int> in_bag_counts;  // per row of the fitted matrix: times drawn (sum = rows)
  std::vector<int> oob_rows;       // ascending: the rows with in_bag_counts[row] == 0
};

class RegressionForest {
 public:
  // INVALID_ARGUMENT when x has no rows, targets.size() != x.rows(), a target is not finite, or an
  // option is out of range (num_trees >= 1, max_features >= 0, min_samples_leaf >= 1,
  // max_depth >= 0); the message names the argument.
  static absl::StatusOr<RegressionForest> Fit(const FeatureMatrix& x,
                                              const std::vector<double>& targets,
                                              const RegressionForestOptions& options = {});

  // Mean prediction of the trees for row `row` of `x` (same column layout as the fitted matrix).
  double Predict(const FeatureMatrix& x, int row) const;

  const std::vector<ForestTree>& trees() const { return trees_; }

 private:
  explicit RegressionForest(std::vector<ForestTree> trees) : trees_(std::move(trees)) {}

  std::vector<ForestTree> trees_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_IMPORTANCE_REGRESSION_FOREST_H_
