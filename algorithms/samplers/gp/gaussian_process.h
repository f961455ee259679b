// A zero-mean Gaussian-process posterior over standardised targets (bo.md §3.2).
//
//   GaussianProcess gp(std::move(cholesky), targets);
//   gp.Predict(candidates, &mean, &variance);            // many points: one matrix solve
//   GaussianProcess::PointPrediction p = gp.PredictWithGradient(x);
//   RETURN_IF_ERROR(gp.Append(pending_point, gp.Mean(pending_point)));   // kriging believer
//
// With K + σ_n² I = L Lᵀ and α = K⁻¹ y:
//   μ(x) = k*ᵀ α,   σ²(x) = σ_f² − ‖L⁻¹ k*‖² (the noise-free latent variance, clamped ≥ 1e-12),
//   ∂μ/∂x = (∂k*/∂x)ᵀ α,   ∂σ²/∂x = −2 (∂k*/∂x)ᵀ L⁻ᵀ L⁻¹ k*.
// Points are column vectors in the kernel's coordinates (matern52_kernel.h).
//
// Thread-compatible: const methods may run concurrently.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_GAUSSIAN_PROCESS_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_GAUSSIAN_PROCESS_H_

#include "Eigen/Core"
#include "absl/status/status.h"
#include "algorithms/samplers/gp/kernel_cholesky.h"

namespace hyperd::algorithms::gp {

// The floor of the posterior variance (bo.md §3.2).
inline constexpr double kMinPosteriorVariance = 1e-12;

class GaussianProcess {
 public:
  // Requires targets.size() == factor.size().
  GaussianProcess(KernelCholesky factor, Eigen::VectorXd targets);

  // Conditions on one more observation: an O(n²) row append, then α is re-solved. On error (no
  // jitter level works) the model is unchanged.
  absl::Status Append(const Eigen::VectorXd& point, double target);

  int size() const { return factor_.size(); }
  const KernelCholesky& factor() const { return factor_; }
  const Matern52Kernel& kernel() const { return factor_.kernel(); }
  const Eigen::VectorXd& targets() const { return targets_; }
  const Eigen::VectorXd& alpha() const { return alpha_; }

  // Posterior mean and latent variance at each column of `points` (D×m). Works through the points
  // in blocks of kPredictBlock columns; `workspace` (when not null) is a buffer reused across
  // calls, so repeated calls do not allocate (and fault in) an n×block matrix each time.
  void Predict(const Eigen::MatrixXd& points, Eigen::VectorXd* mean, Eigen::VectorXd* variance,
               Eigen::MatrixXd* workspace = nullptr) const;
  static constexpr Eigen::Index kPredictBlock = 256;
  double Mean(const Eigen::VectorXd& point) const;

  struct PointPrediction {
    double mean = 0;
    double variance = 0;
    // Gradients w.r.t. the point's coordinates; 0 in categorical dimensions, and d_variance is 0
    // where the variance is clamped to its floor.
    Eigen::VectorXd d_mean;
    Eigen::VectorXd d_variance;
  };
  PointPrediction PredictWithGradient(const Eigen::VectorXd& point) const;

  // ½ yᵀα + Σ ln L_ii + (n/2) ln 2π (bo.md §4), for the current factor and targets.
  double NegativeLogLikelihood() const;

 private:
  KernelCholesky factor_;
  Eigen::VectorXd targets_;
  Eigen::VectorXd alpha_;
};

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_GAUSSIAN_PROCESS_H_
