#include "algorithms/importance/feature_matrix.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

absl::Status ValidateCell(double value, bool categorical, size_t row, size_t column) {
  if (std::isnan(value)) return absl::OkStatus();
  if (std::isinf(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("features[", row, "][", column, "] is ", value,
                     "; use a finite value, or NaN for a missing (inactive) parameter"));
  }
  if (categorical && (value < 0 || value != std::floor(value))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "features[", row, "][", column, "] is ", value, " but column ", column,
        " is categorical; give its category code as an integer 0, 1, 2, ... (or NaN if missing)"));
  }
  return absl::OkStatus();
}

}  // namespace

FeatureMatrix::FeatureMatrix(int rows, std::vector<bool> categorical)
    : rows_(rows),
      categorical_(std::move(categorical)),
      values_(static_cast<size_t>(rows) * categorical_.size(), 0.0) {}

absl::StatusOr<FeatureMatrix> FeatureMatrix::FromRows(const std::vector<std::vector<double>>& rows,
                                                      const std::vector<bool>& categorical) {
  if (categorical.empty()) {
    return absl::InvalidArgumentError(
        "categorical is empty; give one entry per feature column (true for category codes)");
  }
  FeatureMatrix matrix(static_cast<int>(rows.size()), categorical);
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != categorical.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("features[", r, "] has ", rows[r].size(), " columns but categorical has ",
                       categorical.size(), " entries; every row needs one value per column"));
    }
    for (size_t c = 0; c < categorical.size(); ++c) {
      RETURN_IF_ERROR(ValidateCell(rows[r][c], categorical[c], r, c));
      matrix.at(static_cast<int>(r), static_cast<int>(c)) = rows[r][c];
    }
  }
  return matrix;
}

FeatureMatrix FeatureMatrix::SelectRows(const std::vector<int>& row_indices) const {
  FeatureMatrix selected(static_cast<int>(row_indices.size()), categorical_);
  for (int c = 0; c < columns(); ++c) {
    for (int r = 0; r < selected.rows(); ++r) selected.at(r, c) = at(row_indices[r], c);
  }
  return selected;
}

}  // namespace hyperd::algorithms
