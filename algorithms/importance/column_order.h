// The split order of each column: its rows sorted with missing values (NaN) first, then by
// ascending value, ties by row index. A total order, so a seed grows the same tree with every
// standard library. Computed once per forest and shared by its trees, which then find splits by
// linear scans instead of sorting at every node.
#ifndef HYPERD_ALGORITHMS_IMPORTANCE_COLUMN_ORDER_H_
#define HYPERD_ALGORITHMS_IMPORTANCE_COLUMN_ORDER_H_

#include <vector>

#include "algorithms/importance/feature_matrix.h"

namespace hyperd::algorithms {

// result[column] is a permutation of [0, x.rows()) in split order.
std::vector<std::vector<int>> SortRowsByColumn(const FeatureMatrix& x);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_IMPORTANCE_COLUMN_ORDER_H_
