// The Cholesky factor of a GP's covariance matrix K(X) + σ_n² I, with the jitter retry and the
// O(n²) row append of bo.md §5.
//
//   ASSIGN_OR_RETURN(KernelCholesky chol, KernelCholesky::Create(kernel, noise, points));
//   RETURN_IF_ERROR(chol.Append(new_point));        // O(n²): one forward solve
//   Eigen::VectorXd alpha = chol.Solve(targets);    // K⁻¹ y
//
// Jitter: when the factorisation fails (a non-positive pivot), ε = 1e-6·mean(diag K) is added to
// the diagonal and multiplied by 10 on each further retry, up to kMaxJitterRetries retries. An
// append whose new pivot² (the radicand v_nn − ‖L⁻¹v‖²) is ≤ max(ε, 1e-10·v_nn) re-factorises the
// whole matrix with the next jitter level instead. Once added, jitter stays for later appends.
//
// Deterministic: the factor depends only on the kernel, the noise, the points and the order of
// Create/Append calls, never on memory reuse, so a factor built by appends to a cached factor is
// bit-identical to the same appends replayed on a fresh one.
//
// Thread-compatible.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_KERNEL_CHOLESKY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_KERNEL_CHOLESKY_H_

#include <cstdint>

#include "Eigen/Cholesky"
#include "Eigen/Core"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "algorithms/samplers/gp/matern52_kernel.h"

namespace hyperd::algorithms::gp {

inline constexpr int kMaxJitterRetries = 5;

// Factorises M + (shift + jitter)·I into *factor in place (lower triangular, upper part zeroed),
// where `fill` writes the symmetric matrix M into its argument (resizing it; only the lower
// triangle is read) and is called again before each retry. `*jitter` is the jitter to start from
// (0 for none) and receives the jitter used; `*retries` is incremented once per retry. INTERNAL
// when M is not positive definite even with the largest jitter (or has non-finite entries);
// *factor is then unspecified.
absl::Status FactorizeWithJitter(absl::FunctionRef<void(Eigen::MatrixXd*)> fill, double shift,
                                 Eigen::MatrixXd* factor, double* jitter, int* retries);

// Retries of FactorizeWithJitter since the process started (all GP models together), for the
// operators' metrics.
uint64_t CholeskyJitterRetriesTotal();

class KernelCholesky {
 public:
  // Factorises K(points) + noise_variance·I; `points` holds one point per column (D×n, n may be 0).
  // INTERNAL when no jitter level makes it positive definite.
  static absl::StatusOr<KernelCholesky> Create(const Matern52Kernel& kernel, double noise_variance,
                                               Eigen::MatrixXd points);

  // Adds one point as the last row/column in O(n²), re-factorising with more jitter when the new
  // pivot is too small (see the file comment). On error the factor is unchanged.
  absl::Status Append(const Eigen::VectorXd& point);

  int size() const { return static_cast<int>(points_.cols()); }
  const Matern52Kernel& kernel() const { return kernel_; }
  double noise_variance() const { return noise_variance_; }
  // The points, one per column (D×n).
  const Eigen::MatrixXd& points() const { return points_; }
  // L, lower triangular with K + (σ_n² + jitter)·I = L Lᵀ.
  const Eigen::MatrixXd& factor() const { return factor_; }
  double jitter() const { return jitter_; }
  // Jitter retries made while building this factor (Create and Append together).
  int jitter_retries() const { return jitter_retries_; }

  // K⁻¹ b by two triangular solves.
  Eigen::VectorXd Solve(const Eigen::VectorXd& b) const;
  // L⁻¹ b, in place: b holds one right-hand side per column.
  void SolveLowerInPlace(Eigen::Ref<Eigen::MatrixXd> b) const;

 private:
  KernelCholesky(const Matern52Kernel& kernel, double noise_variance, Eigen::MatrixXd points)
      : kernel_(kernel), noise_variance_(noise_variance), points_(std::move(points)) {}
  absl::Status Factorize(double initial_jitter);
  double DiagonalEntry() const { return kernel_.signal_variance() + noise_variance_; }

  Matern52Kernel kernel_;
  double noise_variance_;
  Eigen::MatrixXd points_;
  Eigen::MatrixXd factor_;
  double jitter_ = 0;
  int jitter_retries_ = 0;
};

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_KERNEL_CHOLESKY_H_
