// The GP's negative log marginal likelihood and its gradient in log hyperparameters (bo.md §4).
//
//   θ = (ln ℓ_1 … ln ℓ_D, ln σ_f², ln σ_n²)
//   NLL(θ)  = ½ yᵀα + Σ_i ln L_ii + (n/2) ln 2π
//   ∂NLL/∂θ = ½ tr((K⁻¹ − ααᵀ) ∂K/∂θ)
//
// W = K⁻¹ − ααᵀ is formed once (O(n³)); each derivative is then an O(n²) contraction with the
// kernel derivatives of matern52_kernel.h (∂K/∂ln σ_n² = σ_n² I). Jitter added by the Cholesky
// retry is treated as a constant.
//
//   MarginalLikelihood likelihood(points, y, categorical);
//   Eigen::VectorXd gradient;
//   ASSIGN_OR_RETURN(double nll, likelihood.Evaluate(theta, &gradient));
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_MARGINAL_LIKELIHOOD_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_MARGINAL_LIKELIHOOD_H_

#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "algorithms/samplers/gp/matern52_kernel.h"

namespace hyperd::algorithms::gp {

// Positions in θ for a model of `dimensions` input dimensions.
inline int SignalVarianceIndex(int dimensions) { return dimensions; }
inline int NoiseVarianceIndex(int dimensions) { return dimensions + 1; }
inline int HyperparameterCount(int dimensions) { return dimensions + 2; }

// The kernel and noise variance θ describes; requires theta.size() == categorical.size() + 2.
Matern52Kernel KernelFromLogHyperparameters(const std::vector<bool>& categorical,
                                            const Eigen::VectorXd& theta);
double NoiseFromLogHyperparameters(const Eigen::VectorXd& theta);

// NLL(θ) of fixed data for many θ, as a hyperparameter fit evaluates it: the n×n work matrices
// are allocated once and reused, so an evaluation does not allocate (and fault in) fresh memory.
// Thread-compatible; Evaluate is not const (it writes the buffers).
class MarginalLikelihood {
 public:
  // `points` holds one point per column (D×n); `categorical` marks the Hamming dimensions.
  MarginalLikelihood(Eigen::MatrixXd points, Eigen::VectorXd targets,
                     std::vector<bool> categorical);

  // NLL at θ, and ∂NLL/∂θ in *gradient (resized) when it is not null. INTERNAL when K is not
  // positive definite at any jitter level (e.g. non-finite θ).
  absl::StatusOr<double> Evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd* gradient);

 private:
  Eigen::MatrixXd points_;
  Eigen::MatrixXd points_by_dimension_;  // points_ transposed: one contiguous column per dimension
  Eigen::VectorXd targets_;
  std::vector<bool> categorical_;
  Eigen::MatrixXd kernel_;    // r², then k
  Eigen::MatrixXd distance_;  // √5 r
  Eigen::MatrixXd decay_;     // e^{−√5 r}, then W∘G (see the .cc)
  Eigen::MatrixXd factor_;
  Eigen::MatrixXd inverse_factor_;
  Eigen::MatrixXd w_;
};

// One-off evaluation: MarginalLikelihood(points, targets, categorical).Evaluate(theta, gradient).
absl::StatusOr<double> NegativeLogMarginalLikelihood(const Eigen::MatrixXd& points,
                                                     const Eigen::VectorXd& targets,
                                                     const std::vector<bool>& categorical,
                                                     const Eigen::VectorXd& theta,
                                                     Eigen::VectorXd* gradient);

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_MARGINAL_LIKELIHOOD_H_
