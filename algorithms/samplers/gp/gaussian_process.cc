#include "algorithms/samplers/gp/gaussian_process.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/status_macros.h"

namespace hyperd::algorithms::gp {

GaussianProcess::GaussianProcess(KernelCholesky factor, Eigen::VectorXd targets)
    : factor_(std::move(factor)), targets_(std::move(targets)) {
  alpha_ = factor_.Solve(targets_);
}

absl::Status GaussianProcess::Append(const Eigen::VectorXd& point, double target) {
  RETURN_IF_ERROR(factor_.Append(point));
  targets_.conservativeResize(targets_.size() + 1);
  targets_[targets_.size() - 1] = target;
  alpha_ = factor_.Solve(targets_);
  return absl::OkStatus();
}

void GaussianProcess::Predict(const Eigen::MatrixXd& points, Eigen::VectorXd* mean,
                              Eigen::VectorXd* variance, Eigen::MatrixXd* workspace) const {
  const Eigen::Index n = size();
  const Eigen::Index m = points.cols();
  mean->resize(m);
  variance->resize(m);
  Eigen::MatrixXd local;
  Eigen::MatrixXd& buffer = workspace != nullptr ? *workspace : local;
  const Eigen::Index block = std::min(kPredictBlock, m);
  if (buffer.rows() != n || buffer.cols() < block) buffer.resize(n, block);
  for (Eigen::Index start = 0; start < m; start += block) {
    const Eigen::Index width = std::min(block, m - start);
    auto cross = buffer.leftCols(width);
    kernel().CrossCovariance(factor_.points(), points.middleCols(start, width), cross);
    mean->segment(start, width).noalias() = cross.transpose() * alpha_;
    // The dominant cost of a suggestion: triangular solves with many right-hand sides.
    factor_.SolveLowerInPlace(cross);
    variance->segment(start, width) =
        (kernel().signal_variance() - cross.colwise().squaredNorm().array())
            .max(kMinPosteriorVariance)
            .matrix()
            .transpose();
  }
}

double GaussianProcess::Mean(const Eigen::VectorXd& point) const {
  return kernel().CrossCovariance(factor_.points(), point).col(0).dot(alpha_);
}

GaussianProcess::PointPrediction GaussianProcess::PredictWithGradient(
    const Eigen::VectorXd& point) const {
  const Eigen::MatrixXd& x = factor_.points();
  const int n = size();
  const int d = kernel().dimensions();
  Eigen::VectorXd k(n);
  // Column j: ∂k(point, x_j)/∂point.
  Eigen::MatrixXd dk(d, n);
  for (int j = 0; j < n; ++j) {
    k[j] = kernel().ValueAndGradientWrtX(point.data(), x.col(j).data(), dk.col(j).data());
  }
  PointPrediction p;
  p.mean = k.dot(alpha_);
  p.d_mean = dk * alpha_;
  Eigen::VectorXd v = factor_.factor().triangularView<Eigen::Lower>().solve(k);
  const double variance = kernel().signal_variance() - v.squaredNorm();
  if (variance > kMinPosteriorVariance) {
    p.variance = variance;
    factor_.factor().transpose().triangularView<Eigen::Upper>().solveInPlace(v);  // K⁻¹ k
    p.d_variance = -2 * (dk * v);
  } else {
    p.variance = kMinPosteriorVariance;
    p.d_variance = Eigen::VectorXd::Zero(d);
  }
  return p;
}

double GaussianProcess::NegativeLogLikelihood() const {
  const double n = size();
  return 0.5 * targets_.dot(alpha_) + factor_.factor().diagonal().array().log().sum() +
         0.5 * n * std::log(2 * M_PI);
}

}  // namespace hyperd::algorithms::gp
