#include "algorithms/importance/column_order.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace hyperd::algorithms {

std::vector<std::vector<int>> SortRowsByColumn(const FeatureMatrix& x) {
  std::vector<std::vector<int>> orders(x.columns());
  for (int column = 0; column < x.columns(); ++column) {
    std::vector<int>& order = orders[column];
    order.resize(x.rows());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      const double xa = x.at(a, column);
      const double xb = x.at(b, column);
      const bool a_missing = std::isnan(xa);
      const bool b_missing = std::isnan(xb);
      if (a_missing != b_missing) return a_missing;
      if (!a_missing && xa != xb) return xa < xb;
      return a < b;
    });
  }
  return orders;
}

}  // namespace hyperd::algorithms
