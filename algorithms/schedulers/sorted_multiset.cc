#include "algorithms/schedulers/sorted_multiset.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace hyperd::algorithms {

size_t SortedMultiset::BlockFor(double value) const {
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), value,
                             [](double v, const std::vector<double>& b) { return v < b.back(); });
  return it == blocks_.end() ? blocks_.size() - 1 : static_cast<size_t>(it - blocks_.begin());
}

SortedMultiset SortedMultiset::FromSorted(const std::vector<double>& sorted) {
  SortedMultiset set;
  for (size_t begin = 0; begin < sorted.size(); begin += kMaxBlock / 2) {
    const size_t end = std::min(sorted.size(), begin + kMaxBlock / 2);
    std::vector<double> block;
    block.reserve(kMaxBlock);
    block.assign(sorted.begin() + static_cast<std::ptrdiff_t>(begin),
                 sorted.begin() + static_cast<std::ptrdiff_t>(end));
    set.blocks_.push_back(std::move(block));
  }
  set.size_ = sorted.size();
  return set;
}

void SortedMultiset::Insert(double value) {
  if (blocks_.empty()) {
    // The first value makes the first block: BlockFor reads each block's last value, so no
    // block may be empty (found by fuzz/runtime_fuzzer under ASan).
    blocks_.emplace_back();
    blocks_.back().reserve(kMaxBlock);
    blocks_.back().push_back(value);
    ++size_;
    return;
  }
  const size_t b = BlockFor(value);
  if (blocks_[b].size() == kMaxBlock) {
    // Split the full block in halves; the upper half gets its own full-capacity block.
    std::vector<double> upper;
    upper.reserve(kMaxBlock);
    upper.assign(blocks_[b].begin() + kMaxBlock / 2, blocks_[b].end());
    blocks_[b].resize(kMaxBlock / 2);
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(b) + 1, std::move(upper));
    Insert(value);  // the halves have room: no further split
    return;
  }
  std::vector<double>& block = blocks_[b];
  block.insert(std::upper_bound(block.begin(), block.end(), value), value);
  ++size_;
}

bool SortedMultiset::EraseOne(double value) {
  // The first block whose last value is >= value holds the first copy, if any.
  auto it = std::lower_bound(blocks_.begin(), blocks_.end(), value,
                             [](const std::vector<double>& b, double v) { return b.back() < v; });
  if (it == blocks_.end()) return false;
  auto at = std::lower_bound(it->begin(), it->end(), value);
  if (at == it->end() || *at != value) return false;
  it->erase(at);
  if (it->empty()) blocks_.erase(it);
  --size_;
  return true;
}

double SortedMultiset::At(size_t k) const {
  for (const std::vector<double>& block : blocks_) {
    if (k < block.size()) return block[k];
    k -= block.size();
  }
  return blocks_.back().back();  // unreachable for k < size()
}

double SortedMultiset::Median() const {
  if (size_ % 2 == 1) return At(size_ / 2);
  return (At(size_ / 2 - 1) + At(size_ / 2)) / 2;
}

std::vector<double> SortedMultiset::ToVector() const {
  std::vector<double> all;
  all.reserve(size_);
  for (const std::vector<double>& block : blocks_)
    all.insert(all.end(), block.begin(), block.end());
  return all;
}

}  // namespace hyperd::algorithms
