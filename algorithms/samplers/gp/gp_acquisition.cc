#include "algorithms/samplers/gp/gp_acquisition.h"

#include <cmath>

#include "algorithms/samplers/acquisition/log_expected_improvement.h"
#include "algorithms/samplers/acquisition/upper_confidence_bound.h"

namespace hyperd::algorithms::gp {

AcquisitionValue GpAcquisition::Value(double mean, double variance) const {
  return kind_ == Kind::kLogExpectedImprovement ? LogExpectedImprovement(mean, variance, incumbent_)
                                                : UpperConfidenceBound(mean, variance, beta_);
}

Eigen::VectorXd GpAcquisition::EvaluateBatch(const Eigen::MatrixXd& points) const {
  Eigen::VectorXd mean, variance;
  transposed_ = points.transpose();
  gp_->Predict(transposed_, &mean, &variance, &workspace_);
  Eigen::VectorXd values(points.rows());
  for (Eigen::Index i = 0; i < values.size(); ++i) values[i] = Value(mean[i], variance[i]).value;
  return values;
}

double GpAcquisition::EvaluateWithGradient(const Eigen::VectorXd& x,
                                           Eigen::VectorXd* gradient) const {
  const GaussianProcess::PointPrediction p = gp_->PredictWithGradient(x);
  const AcquisitionValue a = Value(p.mean, p.variance);
  // stddev = sqrt(variance + floor), so d stddev = d variance / (2 stddev).
  const double stddev = std::sqrt(p.variance + kAcquisitionVarianceFloor);
  *gradient = a.d_mean * p.d_mean + (a.d_stddev / (2 * stddev)) * p.d_variance;
  return a.value;
}

}  // namespace hyperd::algorithms::gp
