// A sorted multiset of doubles for rung tables and per-step statistics: insertion and k-th
// smallest without ever moving or reallocating the whole set.
//
//   SortedMultiset values;
//   values.Insert(0.3);
//   values.Insert(0.1);
//   values.At(0);  // 0.1
//
// The values live in sorted blocks of at most kMaxBlock (1024) doubles, each allocated once at
// full capacity. Insert binary-searches the blocks, then moves at most one block's tail (8 KB)
// and, when the block is full, splits it; At walks the block sizes (n/512 additions at most).
// A plain sorted std::vector would move up to n values per insert and, when it doubles, copy
// and fault in n values at once: milliseconds at 10^5 values, paid by one unlucky decision.
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_SORTED_MULTISET_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_SORTED_MULTISET_H_

#include <cstddef>
#include <vector>

namespace hyperd::algorithms {

class SortedMultiset {
 public:
  static constexpr size_t kMaxBlock = 1024;

  SortedMultiset() = default;
  // The values of `sorted` (ascending, no NaN), loaded in half-full blocks: O(n).
  static SortedMultiset FromSorted(const std::vector<double>& sorted);

  // Adds `value` (not NaN: NaN has no place in a sort order).
  void Insert(double value);
  // Removes one value equal to `value`; false if there is none.
  bool EraseOne(double value);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The k-th smallest value, k < size().
  double At(size_t k) const;
  // The median: the middle value, or the mean of the two middle values when size() is even.
  // Requires !empty().
  double Median() const;
  // All values, ascending.
  std::vector<double> ToVector() const;

 private:
  // The index of the block where `value` belongs: the first whose last value is > value (so
  // equal values go after existing ones), or the last block.
  size_t BlockFor(double value) const;

  std::vector<std::vector<double>> blocks_;  // each sorted and non-empty; blocks in order
  size_t size_ = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_SORTED_MULTISET_H_
