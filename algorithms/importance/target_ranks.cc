#include "algorithms/importance/target_ranks.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace hyperd::algorithms {

std::vector<double> ScaledMidRanks(const std::vector<double>& values) {
  const size_t n = values.size();
  std::vector<double> ranks(n, 0.5);
  if (n < 2) return ranks;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  const double scale = 1.0 / static_cast<double>(n - 1);
  for (size_t begin = 0; begin < n;) {
    size_t end = begin + 1;
    while (end < n && values[order[end]] == values[order[begin]]) ++end;
    // Positions begin..end-1 (0-based) tie: their mean position is (begin + end - 1) / 2.
    const double mid_rank = static_cast<double>(begin + end - 1) / 2.0;
    for (size_t i = begin; i < end; ++i) ranks[order[i]] = mid_rank * scale;
    begin = end;
  }
  return ranks;
}

}  // namespace hyperd::algorithms
