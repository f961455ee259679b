// Successive over-relaxation (SOR) for a sparse linear system, counting sweeps to a residual
// tolerance: the solver of the "Learning to Relax" use case (specs/bandits.md §6; Khodak et al.,
// ICLR 2024, arXiv 2310.02246).
//
//   Eigen::SparseMatrix<double, Eigen::RowMajor> a = ShiftedLaplacian1d(50, 0.1);
//   absl::StatusOr<int64_t> sweeps = SorIterations(a, Eigen::VectorXd::Ones(50), 1.55, {});
#ifndef HYPERD_BENCH_BANDITS_SOR_SOLVER_H_
#define HYPERD_BENCH_BANDITS_SOR_SOLVER_H_

#include <cstdint>

#include "Eigen/Core"
#include "Eigen/SparseCore"
#include "absl/status/statusor.h"

namespace hyperd::bench {

using RowMajorSparse = Eigen::SparseMatrix<double, Eigen::RowMajor>;

struct SorOptions {
  // Converged when ||b - A x||_2 <= relative_tolerance * ||b||_2 (spec §6: 1e-8).
  double relative_tolerance = 1e-8;
  // Sweeps after which the solve gives up (an error: the fixture's systems all converge).
  int64_t max_sweeps = 1'000'000;
};

// The n x n matrix tridiag(-1, 2 + shift, -1): the 1-D Laplacian plus a diagonal shift (spec §6).
// Consistently ordered, so Young's theory gives its optimal omega (OptimalOmega).
RowMajorSparse ShiftedLaplacian1d(int n, double shift);

// Young's optimal relaxation for tridiag(-1, 2 + shift, -1) of size n:
// omega* = 2 / (1 + sqrt(1 - rho_J^2)), rho_J = 2 cos(pi / (n + 1)) / (2 + shift).
double OptimalOmega(int n, double shift);

// Runs SOR from x0 = 0 and returns the number of sweeps until the residual tolerance holds.
// A sweep updates x_i for i = 0 ... n-1 in order (Gauss-Seidel order, each row using the newest
// values), x_i <- (1 - omega) x_i + omega (b_i - sum_{j != i} a_ij x_j) / a_ii; the residual is
// checked after every sweep (never before the first, so the count is >= 1 unless b = 0, which
// gives 0). Errors: INVALID_ARGUMENT for a non-square matrix, a size mismatch with b, omega
// outside (0, 2), a zero or missing diagonal; RESOURCE_EXHAUSTED when max_sweeps pass without
// convergence.
absl::StatusOr<int64_t> SorIterations(const RowMajorSparse& a, const Eigen::VectorXd& b,
                                      double omega, const SorOptions& options);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_SOR_SOLVER_H_
