// The GP covariance function of bo.md §3.1: a Matérn-5/2 kernel with one length scale per
// dimension (ARD), where categorical dimensions enter the squared distance through a Hamming term.
//
//   r² = Σ_{i continuous} ((x_i − x'_i)/ℓ_i)² + Σ_{j categorical} 1[x_j ≠ x'_j]/ℓ_j²
//   k(x, x') = σ_f² · M52(r),   M52(r) = (1 + √5 r + 5r²/3) · exp(−√5 r)
//
//   Matern52Kernel kernel({false, false, true}, length_scales, /*signal_variance=*/2.0);
//   double k = kernel.Value(x.data(), y.data());
//   Eigen::MatrixXd cross = kernel.CrossCovariance(train, candidates);   // points are columns
//
// Points are Eigen vectors (or columns of a matrix) with one coordinate per dimension: continuous
// (and relaxed integer) dimensions in the unit-cube encoding, categorical ones as the category
// index stored as a double (compared for equality only). Derivatives are taken in r², never
// divided by r, so they are finite at r = 0 (identical points).
//
// Immutable after construction; thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_MATERN52_KERNEL_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_MATERN52_KERNEL_H_

#include <vector>

#include "Eigen/Core"

namespace hyperd::algorithms::gp {

// M52 as a function of r² (r = sqrt(r²)).
double Matern52(double r2);
// dM52/d(r²) = −(5/6)(1 + √5 r) e^{−√5 r}; equals −5/6 at r = 0.
double Matern52DerivativeR2(double r2);

class Matern52Kernel {
 public:
  // `categorical[i]` marks dimension i as a categorical index. Requires length_scales.size() ==
  // categorical.size(), every length scale > 0 and signal_variance > 0.
  Matern52Kernel(std::vector<bool> categorical, const Eigen::VectorXd& length_scales,
                 double signal_variance);

  int dimensions() const { return static_cast<int>(categorical_.size()); }
  bool categorical(int i) const { return categorical_[i]; }
  const std::vector<bool>& categorical_mask() const { return categorical_; }
  const Eigen::VectorXd& length_scales() const { return length_scales_; }
  double signal_variance() const { return signal_variance_; }

  // r² between two points of dimensions() coordinates.
  double SquaredDistance(const double* a, const double* b) const;
  // k(a, b).
  double Value(const double* a, const double* b) const;

  // [r²(a_i, b_j)] for the columns a_i of `a` (D×n) and b_j of `b` (D×m): an n×m matrix.
  Eigen::MatrixXd SquaredDistanceMatrix(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;
  // The same, written into `out` (already n×m), so callers can reuse a buffer.
  void SquaredDistanceMatrix(const Eigen::MatrixXd& a, const Eigen::Ref<const Eigen::MatrixXd>& b,
                             Eigen::Ref<Eigen::MatrixXd> out) const;

  // [k(a_i, b_j)] for the columns a_i of `a` (D×n) and b_j of `b` (D×m): an n×m matrix.
  Eigen::MatrixXd CrossCovariance(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;
  // The same, written into `out` (already n×m).
  void CrossCovariance(const Eigen::MatrixXd& a, const Eigen::Ref<const Eigen::MatrixXd>& b,
                       Eigen::Ref<Eigen::MatrixXd> out) const;

  // k(x, b) and ∂k(x, b)/∂x (written to gradient[0..D), 0 in categorical dimensions) with one
  // distance and one exponential.
  double ValueAndGradientWrtX(const double* x, const double* b, double* gradient) const;

  // ∂k(x, b)/∂x for a point x: the gradient w.r.t. every coordinate of x; entries of categorical
  // dimensions are 0 (the Hamming term is not differentiable).
  Eigen::VectorXd GradientWrtX(const double* x, const double* b) const;

  // Derivatives of k(a, b) w.r.t. the log hyperparameters, in the order
  // (ln ℓ_1 … ln ℓ_D, ln σ_f²): ∂k/∂ln ℓ_i = σ_f²(5/3)(1 + √5 r)e^{−√5 r}·Δ_i²/ℓ_i² (1[≠] in
  // place of Δ_i² for categorical dims) and ∂k/∂ln σ_f² = k.
  Eigen::VectorXd GradientWrtLogHyperparameters(const double* a, const double* b) const;

 private:
  std::vector<bool> categorical_;
  Eigen::VectorXd length_scales_;
  Eigen::VectorXd inverse_squared_length_scales_;
  double signal_variance_;
};

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_MATERN52_KERNEL_H_
