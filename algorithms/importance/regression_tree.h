// One CART regression tree (Breiman, Friedman, Olshen & Stone, "Classification and Regression
// Trees", 1984): each split is the one that most reduces the weighted sum of squared errors
// (variance reduction), and a leaf predicts the weighted mean target of its rows.
//
// Splits, chosen so the tree needs no encoding of the input:
// - Numerical column: "x <= threshold" goes left, the threshold halfway between two adjacent
//   distinct values of the node.
// - Categorical column (codes 0..k-1): one-vs-rest, "x == code" goes left. Codes are labels, so no
//   order between them is assumed; one-vs-rest costs one candidate per code present and a deeper
//   tree can still isolate any subset of codes.
// - Missing values (NaN, an inactive conditional parameter) always go left, and count as a value
//   of their own in the split search: "missing vs. everything else" is a candidate on every
//   column that has both. Sending them to a fixed side keeps prediction trivial; making them a
//   candidate lets the tree separate "inactive" from every active value when that matters.
//
// Rows enter with integer weights (bootstrap draw counts; weight 0 leaves a row out), so a
// bootstrap sample is fitted without copying duplicated rows.
#ifndef HYPERD_ALGORITHMS_IMPORTANCE_REGRESSION_TREE_H_
#define HYPERD_ALGORITHMS_IMPORTANCE_REGRESSION_TREE_H_

#include <vector>

#include "algorithms/importance/feature_matrix.h"
#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms {

struct RegressionTreeOptions {
  // Columns tried per split, drawn at random per node (columns constant in the node do not count,
  // as in scikit-learn, so a split is found whenever one exists). 0: all columns when there are at
  // most 3, else max(1, columns / 3) (Breiman's regression default).
  int max_features = 0;
  // Least total weight (bootstrap draws) in a leaf.
  int min_samples_leaf = 2;
  // Root is depth 0; a node at max_depth is a leaf.
  int max_depth = 16;
};

class RegressionTree {
 public:
  // Fits the rows of `x` with weights[row] > 0. column_orders is SortRowsByColumn(x)
  // (column_order.h), computed once and shared by the trees of a forest. Requires
  // targets.size() == weights.size() == x.rows(), weights >= 0 with a positive sum, finite
  // targets, options with max_features >= 0, min_samples_leaf >= 1 and max_depth >= 0
  // (RegressionForest::Fit checks these). `bits` draws the columns tried at each node.
  static RegressionTree Fit(const FeatureMatrix& x,
                            const std::vector<std::vector<int>>& column_orders,
                            const std::vector<double>& targets, const std::vector<int>& weights,
                            const RegressionTreeOptions& options, SplitMix64& bits);

  // The leaf value reached by row `row` of `x` (any matrix with the fitted column layout). When
  // `tested_columns` is given, appends the column of every split on the row's path (repeats
  // included): the prediction can only change if one of those columns changes.
  double Predict(const FeatureMatrix& x, int row, std::vector<int>* tested_columns = nullptr) const;

  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  int num_leaves() const;

 private:
  friend class RegressionTreeBuilder;

  // A split sends a row left unless its value lies outside [low, high]: numerical splits are
  // [-inf, threshold], one-vs-rest splits [code, code] (code -1: only missing values go left).
  // NaN fails every comparison, so missing values go left with no test of their own.
  struct Node {
    int column = -1;  // -1: leaf
    int left = -1;
    int right = -1;
    double low = 0;
    double high = 0;
    double value = 0;  // mean target of the node's rows; the prediction at a leaf

    bool GoesLeft(double x) const { return !(x < low || x > high); }
  };

  std::vector<Node> nodes_;  // nodes_[0] is the root
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_IMPORTANCE_REGRESSION_TREE_H_
