// Parameter importance for the study dashboard: which parameters explain the objective.
//
// Method: permutation importance on a random forest regressor, measured on out-of-bag rows
// (Breiman, "Random Forests", Machine Learning 45:5-32, 2001, §10; the idea behind
// scikit-learn's permutation_importance, here without a separate validation set). A forest
// (regression_forest.h) is fitted to the trials; for each tree and each column j, the column's
// values are shuffled among the tree's out-of-bag rows and the rise in that tree's OOB mean
// squared error is recorded. A parameter the objective depends on breaks the predictions when
// shuffled; an irrelevant one does not. Steps:
//  1. Inputs above options.max_rows rows are subsampled uniformly (seeded) to max_rows rows, so a
//     dashboard request has bounded cost whatever the study size.
//  2. Targets are replaced by their scaled mid-ranks (target_ranks.h): robust to heavy-tailed
//     objectives and to the objective's direction and scale.
//  3. importance[j] = max(0, mean over trees with >= 2 OOB rows of
//                           (OOB MSE with column j permuted - OOB MSE)),
//     then normalised to sum 1; all zeros when no column helps (e.g. a constant objective).
// A missing value (NaN, an inactive conditional parameter) is a value of its own to the forest,
// so a conditional parameter gets credit both for being active and for its value when active.
// Correlated parameters share credit unevenly (a known limit of permutation importance): read
// the result as "how much the fitted model relies on each parameter".
//
//   ImportanceOptions options;
//   options.seed = study_seed;
//   ASSIGN_OR_RETURN(ImportanceResult result,
//                    PermutationImportance(rows, categorical, objective, options));
#ifndef HYPERD_ALGORITHMS_IMPORTANCE_PERMUTATION_IMPORTANCE_H_
#define HYPERD_ALGORITHMS_IMPORTANCE_PERMUTATION_IMPORTANCE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::algorithms {

struct ImportanceOptions {
  int num_trees = 64;
  int max_rows = 2000;  // larger inputs are subsampled (seeded) first: bounded cost
  int min_rows = 8;     // fewer rows -> FAILED_PRECONDITION naming the count
  uint64_t seed = 0;
};

struct ImportanceResult {
  // Per column, >= 0, normalised to sum 1 (all 0 when no column helps).
  std::vector<double> importance;
  int rows_used = 0;
};

// features[row][column]; NaN = missing. categorical[column]: the column holds category codes
// (integers 0, 1, ...). targets[row]: the objective (finite). INVALID_ARGUMENT for options out of
// range (num_trees >= 1, min_rows >= 2, max_rows >= min_rows), an empty `categorical`, ragged
// rows, infinite features, non-integer category codes, non-finite targets, or sizes that disagree;
// FAILED_PRECONDITION for fewer than options.min_rows rows. Each message names the argument.
// Same inputs and seed give the same result; the cost is bounded by max_rows x columns x
// num_trees whatever the number of rows.
absl::StatusOr<ImportanceResult> PermutationImportance(
    const std::vector<std::vector<double>>& features, const std::vector<bool>& categorical,
    const std::vector<double>& targets, const ImportanceOptions& options = {});

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_IMPORTANCE_PERMUTATION_IMPORTANCE_H_
