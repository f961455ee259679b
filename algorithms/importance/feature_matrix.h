// The input table of the importance forest: one row per trial, one column per parameter, stored
// column by column (split search and permutation both walk one column at a time).
//
// A cell is a finite number or NaN, which means "missing" (a conditional parameter that was
// inactive in that trial). A categorical column holds category codes: integers 0, 1, 2, ... (or
// NaN); codes are labels, so the forest never compares them by order.
//
//   ASSIGN_OR_RETURN(FeatureMatrix x, FeatureMatrix::FromRows(rows, categorical));
#ifndef HYPERD_ALGORITHMS_IMPORTANCE_FEATURE_MATRIX_H_
#define HYPERD_ALGORITHMS_IMPORTANCE_FEATURE_MATRIX_H_

#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::algorithms {

class FeatureMatrix {
 public:
  // A rows x categorical.size() matrix of zeros; categorical[c] marks column c as codes.
  FeatureMatrix(int rows, std::vector<bool> categorical);

  // Copies rows[r][c]. INVALID_ARGUMENT, naming the cell as features[r][c], when categorical is
  // empty, a row's length differs from categorical.size(), a cell is infinite, or a categorical
  // cell is not a non-negative integer code (NaN is allowed everywhere).
  static absl::StatusOr<FeatureMatrix> FromRows(const std::vector<std::vector<double>>& rows,
                                                const std::vector<bool>& categorical);

  // The matrix of rows `row_indices` (each < rows()), in that order.
  FeatureMatrix SelectRows(const std::vector<int>& row_indices) const;

  int rows() const { return rows_; }
  int columns() const { return static_cast<int>(categorical_.size()); }
  bool categorical(int column) const { return categorical_[column]; }

  double at(int row, int column) const { return values_[Index(row, column)]; }
  double& at(int row, int column) { return values_[Index(row, column)]; }

 private:
  size_t Index(int row, int column) const {
    return static_cast<size_t>(column) * static_cast<size_t>(rows_) + static_cast<size_t>(row);
  }

  int rows_;
  std::vector<bool> categorical_;
  std::vector<double> values_;  // column-major
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_IMPORTANCE_FEATURE_MATRIX_H_
