#include "algorithms/samplers/gp/hyperparameter_fit.h"

#include <cmath>
#include <limits>

#include "algorithms/optimization/lbfgs_b.h"
#include "algorithms/samplers/gp/marginal_likelihood.h"
#include "algorithms/samplers/random_bits.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::gp {
namespace {

// A standard normal draw by Box-Muller from two uniform draws of `stream`.
double StandardNormal(SplitMix64& stream) {
  const double u1 = 1.0 - UnitDoubleFromBits(stream.Next());  // (0, 1]
  const double u2 = UnitDoubleFromBits(stream.Next());
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

Eigen::VectorXd Clamp(const Eigen::VectorXd& theta, const HyperparameterPrior& prior) {
  return theta.cwiseMax(prior.lower).cwiseMin(prior.upper);
}

}  // namespace

Eigen::VectorXd HyperparameterPrior::ClampedMean() const {
  return mean.cwiseMax(lower).cwiseMin(upper);
}

double HyperparameterPrior::NegativeLogDensity(const Eigen::VectorXd& theta,
                                               Eigen::VectorXd* gradient) const {
  const Eigen::ArrayXd z = (theta - mean).array() / stddev.array();
  if (gradient != nullptr) *gradient = (z / stddev.array()).matrix();
  return 0.5 * z.square().sum();
}

HyperparameterPrior DefaultHyperparameterPrior(int dimensions, bool deterministic_objective) {
  const int n = HyperparameterCount(dimensions);
  HyperparameterPrior prior;
  prior.mean.resize(n);
  prior.stddev.resize(n);
  prior.lower.resize(n);
  prior.upper.resize(n);
  prior.mean.head(dimensions).setConstant(std::log(0.5));
  prior.stddev.head(dimensions).setConstant(1.5);
  prior.lower.head(dimensions).setConstant(std::log(0.01));
  prior.upper.head(dimensions).setConstant(std::log(20.0));
  const int signal = SignalVarianceIndex(dimensions);
  prior.mean[signal] = 0;
  prior.stddev[signal] = 1.5;
  prior.lower[signal] = std::log(0.01);
  prior.upper[signal] = std::log(50.0);
  const int noise = NoiseVarianceIndex(dimensions);
  prior.mean[noise] = std::log(1e-3);
  prior.stddev[noise] = 3;
  prior.lower[noise] = std::log(kNoiseFloor);
  prior.upper[noise] = deterministic_objective ? std::log(kNoiseFloor) : 0.0;
  return prior;
}

absl::StatusOr<double> MapLoss(MarginalLikelihood& likelihood, const HyperparameterPrior& prior,
                               const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
  ASSIGN_OR_RETURN(double nll, likelihood.Evaluate(theta, gradient));
  Eigen::VectorXd prior_gradient;
  const double penalty =
      prior.NegativeLogDensity(theta, gradient != nullptr ? &prior_gradient : nullptr);
  if (gradient != nullptr) *gradient += prior_gradient;
  return nll + penalty;
}

absl::StatusOr<double> MapLoss(const Eigen::MatrixXd& points, const Eigen::VectorXd& targets,
                               const std::vector<bool>& categorical,
                               const HyperparameterPrior& prior, const Eigen::VectorXd& theta,
                               Eigen::VectorXd* gradient) {
  MarginalLikelihood likelihood(points, targets, categorical);
  return MapLoss(likelihood, prior, theta, gradient);
}

FitResult FitHyperparameters(const Eigen::MatrixXd& points, const Eigen::VectorXd& targets,
                             const std::vector<bool>& categorical, const HyperparameterPrior& prior,
                             const Eigen::VectorXd* warm_start, const FitOptions& options) {
  const int n = static_cast<int>(prior.mean.size());
  std::vector<Eigen::VectorXd> starts;
  starts.push_back(warm_start != nullptr && warm_start->size() == n && warm_start->allFinite()
                       ? Clamp(*warm_start, prior)
                       : prior.ClampedMean());
  SplitMix64 stream(options.seed);
  for (int r = 0; r < options.random_restarts; ++r) {
    Eigen::VectorXd theta(n);
    for (int i = 0; i < n; ++i) theta[i] = prior.mean[i] + prior.stddev[i] * StandardNormal(stream);
    starts.push_back(Clamp(theta, prior));
  }

  int evaluations = 0;
  MarginalLikelihood likelihood(points, targets, categorical);
  const DifferentiableFunction loss = [&](const Eigen::VectorXd& theta,
                                          Eigen::VectorXd* gradient) -> double {
    ++evaluations;
    absl::StatusOr<double> value = MapLoss(likelihood, prior, theta, gradient);
    // A failed factorisation is a point the line search must step back from.
    return value.ok() ? *value : std::numeric_limits<double>::quiet_NaN();
  };
  LbfgsOptions lbfgs;
  lbfgs.max_iterations = options.max_iterations;
  lbfgs.projected_gradient_tolerance = options.projected_gradient_tolerance;
  lbfgs.relative_function_tolerance = 1e-9;
  const BoxBounds bounds{prior.lower, prior.upper};

  FitResult best;
  best.loss = std::numeric_limits<double>::infinity();
  for (const Eigen::VectorXd& start : starts) {
    LbfgsResult result = MinimizeWithLbfgsB(loss, start, bounds, lbfgs);
    if (std::isfinite(result.value) && result.value < best.loss) {
      best.theta = result.x;
      best.loss = result.value;
    }
  }
  best.evaluations = evaluations;
  if (!std::isfinite(best.loss)) {
    best.theta = prior.ClampedMean();
    best.fell_back_to_prior = true;
  }
  return best;
}

}  // namespace hyperd::algorithms::gp
