#include "bench/bandits/sor_solver.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hyperd::bench {

RowMajorSparse ShiftedLaplacian1d(int n, double shift) {
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(3 * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    if (i > 0) entries.emplace_back(i, i - 1, -1.0);
    entries.emplace_back(i, i, 2.0 + shift);
    if (i + 1 < n) entries.emplace_back(i, i + 1, -1.0);
  }
  RowMajorSparse a(n, n);
  a.setFromTriplets(entries.begin(), entries.end());
  return a;
}

double OptimalOmega(int n, double shift) {
  const double rho_jacobi = 2.0 * std::cos(M_PI / (n + 1)) / (2.0 + shift);
  return 2.0 / (1.0 + std::sqrt(1.0 - rho_jacobi * rho_jacobi));
}

absl::StatusOr<int64_t> SorIterations(const RowMajorSparse& a, const Eigen::VectorXd& b,
                                      double omega, const SorOptions& options) {
  const Eigen::Index n = a.rows();
  if (a.cols() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("matrix is ", n, " x ", a.cols(), "; SOR needs a square matrix"));
  }
  if (b.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("right-hand side has ", b.size(), " entries; the matrix has ", n, " rows"));
  }
  if (!(omega > 0.0 && omega < 2.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("omega = ", omega, "; SOR converges only for omega in (0, 2)"));
  }
  std::vector<double> diagonal(n, 0.0);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (RowMajorSparse::InnerIterator it(a, i); it; ++it) {
      if (it.col() == i) diagonal[i] = it.value();
    }
    if (diagonal[i] == 0.0) {
      return absl::InvalidArgumentError(
          absl::StrCat("matrix row ", i, " has a zero diagonal entry; SOR divides by it"));
    }
  }
  const double b_norm = b.norm();
  const double threshold = options.relative_tolerance * b_norm;
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  if (b_norm == 0.0) return 0;
  for (int64_t sweep = 1; sweep <= options.max_sweeps; ++sweep) {
    for (Eigen::Index i = 0; i < n; ++i) {
      double off_diagonal = 0.0;
      for (RowMajorSparse::InnerIterator it(a, i); it; ++it) {
        if (it.col() != i) off_diagonal += it.value() * x[it.col()];
      }
      x[i] = (1.0 - omega) * x[i] + omega * (b[i] - off_diagonal) / diagonal[i];
    }
    if ((b - a * x).norm() <= threshold) return sweep;
  }
  return absl::ResourceExhaustedError(absl::StrCat("SOR with omega = ", omega,
                                                   " did not converge in ", options.max_sweeps,
                                                   " sweeps; raise max_sweeps"));
}

}  // namespace hyperd::bench
