// Maximum-a-posteriori GP hyperparameters (bo.md §4): minimise NLL(θ) − log p(θ) over
// θ = (ln ℓ_1 … ln ℓ_D, ln σ_f², ln σ_n²) inside box bounds with L-BFGS-B, from the warm start
// plus `random_restarts` starts drawn from the prior, keeping the best.
//
//   HyperparameterPrior prior = DefaultHyperparameterPrior(d, /*deterministic_objective=*/false);
//   FitResult fit = FitHyperparameters(points, y, categorical, prior, &previous_theta, options);
//
// Default prior [hyperd, standardised units]: ln ℓ ~ N(ln 0.5, 1.5²), ln σ_f² ~ N(0, 1.5²),
// ln σ_n² ~ N(ln 1e-3, 3²); bounds ℓ ∈ [0.01, 20], σ_f² ∈ [0.01, 50], σ_n² ∈ [1e-6, 1] (the
// noise floor 1e-6 is the lower bound). A deterministic objective pins σ_n² to the floor.
//
// Pure and deterministic (random starts come from options.seed); thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_HYPERPARAMETER_FIT_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_HYPERPARAMETER_FIT_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "algorithms/samplers/gp/marginal_likelihood.h"

namespace hyperd::algorithms::gp {

inline constexpr double kNoiseFloor = 1e-6;

// Independent Gaussian priors on each entry of θ, and box bounds (lower == upper pins an entry).
struct HyperparameterPrior {
  Eigen::VectorXd mean;
  Eigen::VectorXd stddev;
  Eigen::VectorXd lower;
  Eigen::VectorXd upper;

  // The prior means clamped into the bounds: the fallback θ.
  Eigen::VectorXd ClampedMean() const;
  // −log p(θ) up to a constant, and its gradient (when not null).
  double NegativeLogDensity(const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) const;
};

HyperparameterPrior DefaultHyperparameterPrior(int dimensions, bool deterministic_objective);

struct FitOptions {
  int random_restarts = 2;
  int max_iterations = 100;
  double projected_gradient_tolerance = 1e-2;
  uint64_t seed = 0;
};

struct FitResult {
  Eigen::VectorXd theta;
  // NLL − log p at theta (+inf when falling back).
  double loss = 0;
  // Every start failed (no finite loss): theta is the prior mean.
  bool fell_back_to_prior = false;
  int evaluations = 0;
};

// The MAP objective NLL(θ) − log p(θ) (marginal_likelihood.h) and its gradient.
absl::StatusOr<double> MapLoss(MarginalLikelihood& likelihood, const HyperparameterPrior& prior,
                               const Eigen::VectorXd& theta, Eigen::VectorXd* gradient);
// One-off form of the above.
absl::StatusOr<double> MapLoss(const Eigen::MatrixXd& points, const Eigen::VectorXd& targets,
                               const std::vector<bool>& categorical,
                               const HyperparameterPrior& prior, const Eigen::VectorXd& theta,
                               Eigen::VectorXd* gradient);

// Fits θ to `targets` (standardised) at the columns of `points`. `warm_start` (clamped into the
// bounds) is the first start when not null and of the right size, else the prior mean is.
FitResult FitHyperparameters(const Eigen::MatrixXd& points, const Eigen::VectorXd& targets,
                             const std::vector<bool>& categorical, const HyperparameterPrior& prior,
                             const Eigen::VectorXd* warm_start, const FitOptions& options);

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_HYPERPARAMETER_FIT_H_
