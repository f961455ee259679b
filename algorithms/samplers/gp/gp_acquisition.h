// The acquisition function the maximiser sees: log-EI or UCB (acquisition/) evaluated on a GP
// posterior, with the chain rule through the posterior mean and standard deviation.
//
//   GpAcquisition acquisition(&gp, GpAcquisition::Kind::kLogExpectedImprovement, beta, incumbent);
//   MaximizerResult best = MaximizeOverMixedSpace(acquisition, dimensions, starts, options);
//
// Points are rows for the maximiser (mixed_space_maximizer.h) and columns for the GP; this class
// converts. Holds a pointer to the GP, which must outlive it, and scratch buffers reused across
// calls (keep one instance for all the maximiser runs of a suggestion). Thread-compatible: the
// const methods write the buffers, so one instance must not be used by two threads at once.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_GP_ACQUISITION_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_GP_ACQUISITION_H_

#include "Eigen/Core"
#include "algorithms/optimization/mixed_space_maximizer.h"
#include "algorithms/samplers/acquisition/acquisition_value.h"
#include "algorithms/samplers/gp/gaussian_process.h"

namespace hyperd::algorithms::gp {

class GpAcquisition : public AcquisitionFunction {
 public:
  enum class Kind { kLogExpectedImprovement, kUpperConfidenceBound };

  // `incumbent` is f* for log-EI (standardised, maximise scale); `beta` is UCB's weight.
  GpAcquisition(const GaussianProcess* gp, Kind kind, double beta, double incumbent)
      : gp_(gp), kind_(kind), beta_(beta), incumbent_(incumbent) {}

  Eigen::VectorXd EvaluateBatch(const Eigen::MatrixXd& points) const override;
  double EvaluateWithGradient(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const override;

 private:
  AcquisitionValue Value(double mean, double variance) const;

  const GaussianProcess* gp_;
  mutable Eigen::MatrixXd transposed_;
  mutable Eigen::MatrixXd workspace_;
  Kind kind_;
  double beta_;
  double incumbent_;
};

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_GP_ACQUISITION_H_
