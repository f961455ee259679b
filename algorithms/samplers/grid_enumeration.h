// The points of a search-space grid, numbered in lexicographic order (the first parameter varies
// slowest), computed one at a time from their number.
//
// Grid values per parameter: every category; every integer on its step grid; a stepped float's
// min + k*step; a continuous float's `points_per_continuous_parameter` evenly spaced values from
// min to max inclusive (evenly spaced in log space on a LOG scale; one value when min == max).
// Conditional parameters expand only under the parent values that activate them, so the grid is a
// tree, not a full product: with opt in {sgd, adam} and momentum (5 values) active only for sgd,
// the grid has 5 + 1 = 6 points.
//
// Counting: the size of the subtree under parameter p is
//   N(p) = sum over values v of p of  prod over children c activated by v of N(c),
// and the whole grid is the product of N over unconditional parameters. Point i is found digit by
// digit like a mixed-radix number, except that a value's weight is the number of completions it
// leaves: (product of N over the still-open active subtrees) x (product of N over the children it
// activates). Values that activate no child share one weight, so a parameter with a million values
// costs time only for its few condition values.
//
// Counts saturate at kSaturated, far above any grid a sampler accepts.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GRID_ENUMERATION_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GRID_ENUMERATION_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

class GridEnumeration {
 public:
  static constexpr uint64_t kSaturated = uint64_t{1} << 62;

  // Requires a space that passed ValidateSearchSpace (it is copied) and
  // points_per_continuous_parameter >= 2.
  GridEnumeration(SearchSpace space, int points_per_continuous_parameter);

  // Number of points, or kSaturated when there are at least that many.
  uint64_t size() const { return size_; }

  // Point `index` in lexicographic order; requires index < size().
  Assignment PointAt(uint64_t index) const;

  // The number of grid values of parameter `i`, saturated, and its k-th value (k < that number).
  uint64_t ValueCount(size_t i) const { return axes_[i].value_count; }
  ParameterValue ValueAt(size_t i, uint64_t k) const;

 private:
  struct Axis {
    uint64_t value_count = 0;
    // Children (parameters conditioned on this one) and, per child, the sorted indices of the
    // values that activate it.
    std::vector<size_t> children;
    std::vector<std::vector<uint64_t>> activating;
    // Value indices that activate at least one child, ascending, with their weight: the product of
    // the subtree sizes of the children they activate. Every other value has weight 1.
    std::vector<std::pair<uint64_t, uint64_t>> weighted_values;
    uint64_t subtree_size = 0;
  };

  void BuildAxes();
  // Chooses the value of axis `axis` for remainder `*remainder`, given that the other open
  // subtrees complete in `others` ways; leaves the remainder within the chosen value's block.
  uint64_t ChooseValue(const Axis& axis, uint64_t others, uint64_t* remainder) const;

  SearchSpace space_;
  int points_per_continuous_parameter_;
  std::vector<Axis> axes_;
  uint64_t size_ = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GRID_ENUMERATION_H_
