#include "algorithms/importance/regression_tree.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "algorithms/importance/random_index.h"

namespace hyperd::algorithms {
namespace {

// A split must remove more than this fraction of the node's squared error: anything smaller is
// floating-point noise, and splitting on it would grow trees on constant targets.
constexpr double kMinRelativeGain = 1e-10;
constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();

bool SameValue(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// A threshold t with low <= t < high, so "x <= t" separates the two values.
double Threshold(double low, double high) {
  const double mid = low + (high - low) / 2;
  return mid < high ? mid : low;
}

}  // namespace

// Grows one tree depth-first. Every column keeps the node's in-bag rows in split order
// (column_order.h) in the same index range [begin, end) of orders_[column]; a split stably
// partitions each column's range, so children stay sorted and no node ever sorts (the presorted
// scheme of SLIQ, Mehta, Agrawal & Rissanen, EDBT 1996).
class RegressionTreeBuilder {
 public:
  RegressionTreeBuilder(const FeatureMatrix& x, const std::vector<std::vector<int>>& column_orders,
                        const std::vector<double>& targets, const std::vector<int>& weights,
                        const RegressionTreeOptions& options, SplitMix64& bits)
      : x_(x), targets_(targets), weights_(weights), options_(options), bits_(bits) {
    const int columns = x.columns();
    orders_.resize(columns);
    for (int column = 0; column < columns; ++column) {
      // Branch-free filter: whether a row is in the bag is a coin flip.
      std::vector<int>& order = orders_[column];
      order.resize(column_orders[column].size());
      size_t kept = 0;
      for (int row : column_orders[column]) {
        order[kept] = row;
        kept += weights[row] > 0 ? 1 : 0;
      }
      order.resize(kept);
    }
    max_features_ = options.max_features > 0 ? std::min(options.max_features, columns)
                    : columns <= 3           ? columns
                                             : std::max(1, columns / 3);
    columns_to_try_.resize(columns);
    std::iota(columns_to_try_.begin(), columns_to_try_.end(), 0);
    goes_left_.assign(x.rows(), 0);
    scratch_.resize(orders_[0].size());
    // A hint: a bootstrap makes x.rows() draws and leaves hold >= min_samples_leaf of them, so
    // the tree has at most 2 * rows / min_samples_leaf nodes.
    tree_.nodes_.reserve(2 * static_cast<size_t>(x.rows()) / options.min_samples_leaf + 1);
  }

  RegressionTree Build() {
    Grow(0, static_cast<int>(orders_[0].size()), 0);
    return std::move(tree_);
  }

 private:
  using Node = RegressionTree::Node;

  struct Split {
    int column = -1;
    double low = 0;  // the interval of Node
    double high = 0;
    double gain = 0;
  };

  // The node's rows [begin, end) and their totals. Split scans sum targets minus the node mean,
  // so sums stay small and gains lose no precision to cancellation.
  struct NodeRows {
    int begin;
    int end;
    double mean;
    double total_weight;
    double centered_sum;  // ~0, kept exact so gains use the same sums as the scans
  };

  // Appends the subtree of rows [begin, end) and returns its root's node index.
  int Grow(int begin, int end, int depth) {
    const std::vector<int>& rows = orders_[0];
    double total_weight = 0;
    double weighted_sum = 0;
    for (int i = begin; i < end; ++i) {
      total_weight += weights_[rows[i]];
      weighted_sum += weights_[rows[i]] * targets_[rows[i]];
    }
    const double mean = weighted_sum / total_weight;
    double squared_error = 0;
    double centered_sum = 0;
    for (int i = begin; i < end; ++i) {
      const double deviation = targets_[rows[i]] - mean;
      squared_error += weights_[rows[i]] * deviation * deviation;
      centered_sum += weights_[rows[i]] * deviation;
    }

    const int node = static_cast<int>(tree_.nodes_.size());
    tree_.nodes_.push_back(Node{});
    tree_.nodes_[node].value = mean;
    if (depth >= options_.max_depth || total_weight < 2.0 * options_.min_samples_leaf ||
        squared_error <= 0) {
      return node;
    }
    const Split split = BestSplit(NodeRows{begin, end, mean, total_weight, centered_sum});
    if (split.column < 0 || split.gain <= kMinRelativeGain * squared_error) return node;

    Node probe;
    probe.column = split.column;
    probe.low = split.low;
    probe.high = split.high;
    const int middle = Partition(begin, end, probe);
    const int left = Grow(begin, middle, depth + 1);
    const int right = Grow(middle, end, depth + 1);
    Node& grown = tree_.nodes_[node];  // re-fetched: the recursion may have reallocated nodes_
    grown = probe;
    grown.value = mean;
    grown.left = left;
    grown.right = right;
    return node;
  }

  // Stably moves the rows going left to the front of [begin, end) in every column; returns the
  // first index of the right child.
  int Partition(int begin, int end, const Node& probe) {
    int left_count = 0;
    for (int i = begin; i < end; ++i) {
      const int row = orders_[0][i];
      goes_left_[row] = probe.GoesLeft(x_.at(row, probe.column)) ? 1 : 0;
      left_count += goes_left_[row];
    }
    // Branch-free: the side is a coin flip per row, so a branch here would mispredict half the
    // time, and this loop is the bulk of the fitting cost.
    for (std::vector<int>& order : orders_) {
      int left_end = begin;
      int right_end = 0;
      for (int i = begin; i < end; ++i) {
        const int row = order[i];
        const int left = goes_left_[row];
        order[left_end] = row;
        scratch_[right_end] = row;
        left_end += left;
        right_end += 1 - left;
      }
      std::copy(scratch_.begin(), scratch_.begin() + right_end, order.begin() + left_end);
    }
    return begin + left_count;
  }

  // The best split over up to max_features_ randomly ordered columns that vary in the node.
  Split BestSplit(const NodeRows& node) {
    ShuffleInPlace(bits_, columns_to_try_);
    Split best;
    int tried = 0;
    for (int column : columns_to_try_) {
      if (tried == max_features_) break;
      const std::vector<int>& order = orders_[column];
      // Sorted, so equal ends mean a constant column, which cannot split the node.
      if (SameValue(x_.at(order[node.begin], column), x_.at(order[node.end - 1], column))) {
        continue;
      }
      ++tried;
      if (x_.categorical(column)) {
        SearchCategorical(column, node, best);
      } else {
        SearchNumerical(column, node, best);
      }
    }
    return best;
  }

  // Records the split with this weight and centered target sum on the left if it beats `best`.
  // The drop in squared error is L^2/w_L + R^2/w_R - T^2/w.
  void Consider(int column, double low, double high, double left_weight, double left_sum,
                const NodeRows& node, Split& best) const {
    const double right_weight = node.total_weight - left_weight;
    if (left_weight < options_.min_samples_leaf || right_weight < options_.min_samples_leaf) {
      return;
    }
    const double right_sum = node.centered_sum - left_sum;
    const double gain = left_sum * left_sum / left_weight + right_sum * right_sum / right_weight -
                        node.centered_sum * node.centered_sum / node.total_weight;
    if (gain > best.gain) best = Split{column, low, high, gain};
  }

  // Thresholds between adjacent distinct values; the boundary after the missing values becomes
  // threshold -inf, i.e. "missing vs. the rest".
  void SearchNumerical(int column, const NodeRows& node, Split& best) const {
    const std::vector<int>& order = orders_[column];
    double left_weight = 0;
    double left_sum = 0;
    for (int i = node.begin; i + 1 < node.end; ++i) {
      const int row = order[i];
      left_weight += weights_[row];
      left_sum += weights_[row] * (targets_[row] - node.mean);
      const double here = x_.at(row, column);
      const double next = x_.at(order[i + 1], column);
      if (SameValue(here, next)) continue;
      const double threshold = std::isnan(here) ? kMinusInfinity : Threshold(here, next);
      Consider(column, kMinusInfinity, threshold, left_weight, left_sum, node, best);
    }
  }

  // One-vs-rest on each code present, the missing rows always joining the left side; plus
  // "missing vs. the rest" (code -1) when some rows are missing.
  void SearchCategorical(int column, const NodeRows& node, Split& best) const {
    const std::vector<int>& order = orders_[column];
    double missing_weight = 0;
    double missing_sum = 0;
    int i = node.begin;
    for (; i < node.end && std::isnan(x_.at(order[i], column)); ++i) {
      missing_weight += weights_[order[i]];
      missing_sum += weights_[order[i]] * (targets_[order[i]] - node.mean);
    }
    if (missing_weight > 0) {
      Consider(column, -1, -1, missing_weight, missing_sum, node, best);
    }
    while (i < node.end) {
      const double code = x_.at(order[i], column);
      double code_weight = 0;
      double code_sum = 0;
      for (; i < node.end && x_.at(order[i], column) == code; ++i) {
        code_weight += weights_[order[i]];
        code_sum += weights_[order[i]] * (targets_[order[i]] - node.mean);
      }
      Consider(column, code, code, missing_weight + code_weight, missing_sum + code_sum, node,
               best);
    }
  }

  const FeatureMatrix& x_;
  const std::vector<double>& targets_;
  const std::vector<int>& weights_;
  const RegressionTreeOptions& options_;
  SplitMix64& bits_;
  int max_features_ = 1;
  std::vector<std::vector<int>> orders_;  // per column: in-bag rows, node ranges in split order
  std::vector<int> columns_to_try_;       // shuffled per node to draw the columns tried
  std::vector<char> goes_left_;           // per row: the side of the split being applied
  std::vector<int> scratch_;              // right-side rows while partitioning a column
  RegressionTree tree_;
};

RegressionTree RegressionTree::Fit(const FeatureMatrix& x,
                                   const std::vector<std::vector<int>>& column_orders,
                                   const std::vector<double>& targets,
                                   const std::vector<int>& weights,
                                   const RegressionTreeOptions& options, SplitMix64& bits) {
  return RegressionTreeBuilder(x, column_orders, targets, weights, options, bits).Build();
}

double RegressionTree::Predict(const FeatureMatrix& x, int row,
                               std::vector<int>* tested_columns) const {
  int node = 0;
  while (nodes_[node].column >= 0) {
    const Node& split = nodes_[node];
    if (tested_columns != nullptr) tested_columns->push_back(split.column);
    node = split.GoesLeft(x.at(row, split.column)) ? split.left : split.right;
  }
  return nodes_[node].value;
}

int RegressionTree::num_leaves() const {
  return static_cast<int>(std::count_if(nodes_.begin(), nodes_.end(),
                                        [](const Node& node) { return node.column < 0; }));
}

}  // namespace hyperd::algorithms
