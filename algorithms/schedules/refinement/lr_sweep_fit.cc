#include "algorithms/schedules/refinement/lr_sweep_fit.h"

#include <cmath>
#include <set>

#include "Eigen/Dense"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

absl::Status ValidateSweep(const std::vector<double>& base_lrs,
                           const std::vector<double>& losses) {
  if (base_lrs.size() != losses.size()) {
    return absl::InvalidArgumentError(absl::StrCat("losses: has ", losses.size(),
                                                   " entries but base_lrs has ", base_lrs.size(),
                                                   "; give one loss per base LR"));
  }
  std::set<double> distinct;
  for (size_t i = 0; i < base_lrs.size(); ++i) {
    if (!(std::isfinite(base_lrs[i]) && base_lrs[i] > 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("base_lrs[", i, "]: ", base_lrs[i], " must be finite and > 0"));
    }
    if (!std::isfinite(losses[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "losses[", i, "]: ", losses[i], " is not finite; drop diverged runs from the sweep"));
    }
    distinct.insert(base_lrs[i]);
  }
  if (distinct.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "base_lrs: has ", distinct.size(),
        " distinct values; the three-coefficient fit needs at least 3"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LrSweepFit> FitLrSweep(const std::vector<double>& base_lrs,
                                      const std::vector<double>& losses) {
  if (absl::Status status = ValidateSweep(base_lrs, losses); !status.ok()) return status;
  const auto n = static_cast<Eigen::Index>(base_lrs.size());
  Eigen::MatrixXd design(n, 3);
  Eigen::VectorXd target(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double lr = base_lrs[static_cast<size_t>(i)];
    design.row(i) << 1.0 / lr, lr, 1.0;
    target(i) = losses[static_cast<size_t>(i)];
  }
  // The NNLS optimum is the unconstrained least-squares fit on its own support, so the best
  // non-negative fit over all supports is exact.
  LrSweepFit best;
  best.residual_sum_of_squares = target.squaredNorm();  // the empty support
  for (int support = 1; support < 8; ++support) {
    std::vector<Eigen::Index> columns;
    for (Eigen::Index j = 0; j < 3; ++j) {
      if (support & (1 << j)) columns.push_back(j);
    }
    Eigen::MatrixXd sub(n, static_cast<Eigen::Index>(columns.size()));
    for (size_t k = 0; k < columns.size(); ++k) {
      sub.col(static_cast<Eigen::Index>(k)) = design.col(columns[k]);
    }
    const Eigen::VectorXd coefficients = sub.colPivHouseholderQr().solve(target);
    if ((coefficients.array() < 0.0).any()) continue;
    const double residual = (sub * coefficients - target).squaredNorm();
    if (residual < best.residual_sum_of_squares) {
      best = LrSweepFit{};
      best.residual_sum_of_squares = residual;
      for (size_t k = 0; k < columns.size(); ++k) {
        const double value = coefficients(static_cast<Eigen::Index>(k));
        if (columns[k] == 0) best.a = value;
        if (columns[k] == 1) best.b = value;
        if (columns[k] == 2) best.c = value;
      }
    }
  }
  if (best.b <= 0.0) {
    return absl::FailedPreconditionError(
        "base_lrs: the fitted loss still decreases at the largest base LR (B = 0); extend the "
        "sweep to larger base LRs");
  }
  if (best.a <= 0.0) {
    return absl::FailedPreconditionError(
        "base_lrs: the fitted loss still decreases at the smallest base LR (A = 0); extend the "
        "sweep to smaller base LRs");
  }
  best.best_base_lr = std::sqrt(best.a / best.b);
  return best;
}

}  // namespace hyperd::algorithms::schedules::refinement
