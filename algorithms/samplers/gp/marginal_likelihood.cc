#include "algorithms/samplers/gp/marginal_likelihood.h"

#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "algorithms/samplers/gp/kernel_cholesky.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::gp {

Matern52Kernel KernelFromLogHyperparameters(const std::vector<bool>& categorical,
                                            const Eigen::VectorXd& theta) {
  const int d = static_cast<int>(categorical.size());
  return Matern52Kernel(categorical, theta.head(d).array().exp().matrix(),
                        std::exp(theta[SignalVarianceIndex(d)]));
}

double NoiseFromLogHyperparameters(const Eigen::VectorXd& theta) {
  return std::exp(theta[theta.size() - 1]);
}

MarginalLikelihood::MarginalLikelihood(Eigen::MatrixXd points, Eigen::VectorXd targets,
                                       std::vector<bool> categorical)
    : points_(std::move(points)),
      points_by_dimension_(points_.transpose()),
      targets_(std::move(targets)),
      categorical_(std::move(categorical)) {}

absl::StatusOr<double> MarginalLikelihood::Evaluate(const Eigen::VectorXd& theta,
                                                    Eigen::VectorXd* gradient) {
  const int d = static_cast<int>(categorical_.size());
  const Eigen::Index n = points_.cols();
  if (!theta.allFinite()) return absl::InternalError("GP hyperparameters are not finite");
  const Matern52Kernel kernel = KernelFromLogHyperparameters(categorical_, theta);
  const double noise = NoiseFromLogHyperparameters(theta);
  const double signal = kernel.signal_variance();

  kernel_.resize(n, n);
  distance_.resize(n, n);
  decay_.resize(n, n);
  kernel.SquaredDistanceMatrix(points_, points_, kernel_);
  // s = √5 r, decay = e^{−s}, k = σ_f² (1 + s + s²/3)·decay.
  distance_.array() = (kernel_.array() * 5.0).sqrt();
  decay_.array() = (-distance_.array()).exp();
  kernel_.array() =
      signal * (1 + distance_.array() + distance_.array().square() * (1.0 / 3.0)) * decay_.array();
  double jitter = 0;
  int retries = 0;
  RETURN_IF_ERROR(FactorizeWithJitter([this](Eigen::MatrixXd* m) { *m = kernel_; }, noise, &factor_,
                                      &jitter, &retries));
  const auto lower = factor_.triangularView<Eigen::Lower>();
  Eigen::VectorXd alpha = lower.solve(targets_);
  const double data_fit = alpha.squaredNorm();  // yᵀK⁻¹y = ‖L⁻¹y‖²
  factor_.transpose().triangularView<Eigen::Upper>().solveInPlace(alpha);
  const double nll = 0.5 * data_fit + factor_.diagonal().array().log().sum() +
                     0.5 * static_cast<double>(n) * std::log(2 * M_PI);
  if (gradient == nullptr) return nll;

  // W = K⁻¹ − ααᵀ, with K⁻¹ = L⁻ᵀ L⁻¹.
  inverse_factor_.setIdentity(n, n);
  lower.solveInPlace(inverse_factor_);
  // K⁻¹ by a symmetric rank update (half the flops of a general product), then mirrored.
  w_.setZero(n, n);
  w_.selfadjointView<Eigen::Lower>().rankUpdate(inverse_factor_.transpose());
  w_.triangularView<Eigen::StrictlyUpper>() = w_.transpose();
  w_.noalias() -= alpha * alpha.transpose();

  gradient->resize(HyperparameterCount(d));
  (*gradient)[SignalVarianceIndex(d)] = 0.5 * (w_.array() * kernel_.array()).sum();
  (*gradient)[NoiseVarianceIndex(d)] = 0.5 * noise * w_.trace();
  // ∂K_ab/∂ln ℓ_i = G_ab·Δ_abi²/ℓ_i² with G = σ_f²(5/3)(1 + √5 r)e^{−√5 r}; decay_ becomes W∘G.
  decay_.array() *= w_.array() * (signal * (5.0 / 3.0)) * (1 + distance_.array());
  const Eigen::VectorXd inverse_squared = kernel.length_scales().array().square().inverse();
  for (int i = 0; i < d; ++i) {
    const auto coordinates = points_by_dimension_.col(i).array();
    double sum = 0;
    for (Eigen::Index b = 0; b < n; ++b) {
      const double xb = points_by_dimension_(b, i);
      sum += categorical_[i] ? (decay_.col(b).array() * (coordinates != xb).cast<double>()).sum()
                             : (decay_.col(b).array() * (coordinates - xb).square()).sum();
    }
    (*gradient)[i] = 0.5 * sum * inverse_squared[i];
  }
  return nll;
}

absl::StatusOr<double> NegativeLogMarginalLikelihood(const Eigen::MatrixXd& points,
                                                     const Eigen::VectorXd& targets,
                                                     const std::vector<bool>& categorical,
                                                     const Eigen::VectorXd& theta,
                                                     Eigen::VectorXd* gradient) {
  MarginalLikelihood likelihood(points, targets, categorical);
  return likelihood.Evaluate(theta, gradient);
}

}  // namespace hyperd::algorithms::gp
