#include "algorithms/samplers/gp/matern52_kernel.h"

#include <cassert>
#include <cmath>
#include <utility>

namespace hyperd::algorithms::gp {
namespace {

const double kSqrt5 = std::sqrt(5.0);

}  // namespace

double Matern52(double r2) {
  const double s = kSqrt5 * std::sqrt(r2);  // √5 r
  return (1 + s + s * s / 3) * std::exp(-s);
}

double Matern52DerivativeR2(double r2) {
  const double s = kSqrt5 * std::sqrt(r2);
  return -(5.0 / 6.0) * (1 + s) * std::exp(-s);
}

Matern52Kernel::Matern52Kernel(std::vector<bool> categorical, const Eigen::VectorXd& length_scales,
                               double signal_variance)
    : categorical_(std::move(categorical)),
      length_scales_(length_scales),
      inverse_squared_length_scales_(length_scales.array().square().inverse().matrix()),
      signal_variance_(signal_variance) {
  assert(length_scales_.size() == static_cast<Eigen::Index>(categorical_.size()));
}

double Matern52Kernel::SquaredDistance(const double* a, const double* b) const {
  double r2 = 0;
  for (int i = 0; i < dimensions(); ++i) {
    if (categorical_[i]) {
      if (a[i] != b[i]) r2 += inverse_squared_length_scales_[i];
    } else {
      const double d = a[i] - b[i];
      r2 += d * d * inverse_squared_length_scales_[i];
    }
  }
  return r2;
}

double Matern52Kernel::Value(const double* a, const double* b) const {
  return signal_variance_ * Matern52(SquaredDistance(a, b));
}

Eigen::MatrixXd Matern52Kernel::SquaredDistanceMatrix(const Eigen::MatrixXd& a,
                                                      const Eigen::MatrixXd& b) const {
  Eigen::MatrixXd squared(a.cols(), b.cols());
  SquaredDistanceMatrix(a, b, squared);
  return squared;
}

void Matern52Kernel::SquaredDistanceMatrix(const Eigen::MatrixXd& a,
                                           const Eigen::Ref<const Eigen::MatrixXd>& b,
                                           Eigen::Ref<Eigen::MatrixXd> out) const {
  assert(out.rows() == a.cols() && out.cols() == b.cols());
  // One contiguous column per dimension, so the inner loops run over the n points and vectorise.
  const Eigen::MatrixXd a_by_dimension = a.transpose();
  for (Eigen::Index j = 0; j < b.cols(); ++j) {
    auto r2 = out.col(j).array();
    r2.setZero();
    for (int d = 0; d < dimensions(); ++d) {
      const double w = inverse_squared_length_scales_[d];
      const double bd = b(d, j);
      if (categorical_[d]) {
        r2 += (a_by_dimension.col(d).array() != bd).cast<double>() * w;
      } else {
        r2 += (a_by_dimension.col(d).array() - bd).square() * w;
      }
    }
  }
}

Eigen::MatrixXd Matern52Kernel::CrossCovariance(const Eigen::MatrixXd& a,
                                                const Eigen::MatrixXd& b) const {
  Eigen::MatrixXd k(a.cols(), b.cols());
  CrossCovariance(a, b, k);
  return k;
}

void Matern52Kernel::CrossCovariance(const Eigen::MatrixXd& a,
                                     const Eigen::Ref<const Eigen::MatrixXd>& b,
                                     Eigen::Ref<Eigen::MatrixXd> out) const {
  SquaredDistanceMatrix(a, b, out);
  // k = σ_f² (1 + s + s²/3) e^{−s} with s = √5 r, over the whole matrix at once (vectorised exp);
  // s stays a lazy expression, so no n×m temporary is allocated.
  const auto s = (out.array() * 5.0).sqrt();
  out.array() = signal_variance_ * (1 + s + (out.array() * (5.0 / 3.0))) * (-s).exp();
}

double Matern52Kernel::ValueAndGradientWrtX(const double* x, const double* b,
                                            double* gradient) const {
  const double r2 = SquaredDistance(x, b);
  const double s = kSqrt5 * std::sqrt(r2);
  const double decay = std::exp(-s);
  // ∂k/∂x_i = σ_f² · dM52/d(r²) · 2 (x_i − b_i)/ℓ_i², dM52/d(r²) = −(5/6)(1 + s)e^{−s}.
  const double scale = -2 * signal_variance_ * (5.0 / 6.0) * (1 + s) * decay;
  for (int i = 0; i < dimensions(); ++i) {
    gradient[i] = categorical_[i] ? 0.0 : scale * (x[i] - b[i]) * inverse_squared_length_scales_[i];
  }
  return signal_variance_ * (1 + s + s * s / 3) * decay;
}

Eigen::VectorXd Matern52Kernel::GradientWrtX(const double* x, const double* b) const {
  // ∂k/∂x_i = σ_f² · dM52/d(r²) · 2 (x_i − b_i)/ℓ_i².
  const double scale = 2 * signal_variance_ * Matern52DerivativeR2(SquaredDistance(x, b));
  Eigen::VectorXd gradient(dimensions());
  for (int i = 0; i < dimensions(); ++i) {
    gradient[i] = categorical_[i] ? 0.0 : scale * (x[i] - b[i]) * inverse_squared_length_scales_[i];
  }
  return gradient;
}

Eigen::VectorXd Matern52Kernel::GradientWrtLogHyperparameters(const double* a,
                                                              const double* b) const {
  const double r2 = SquaredDistance(a, b);
  // ∂r²/∂ln ℓ_i = −2·Δ_i²/ℓ_i², so ∂k/∂ln ℓ_i = −2σ_f²·dM52/d(r²)·Δ_i²/ℓ_i².
  const double scale = -2 * signal_variance_ * Matern52DerivativeR2(r2);
  Eigen::VectorXd gradient(dimensions() + 1);
  for (int i = 0; i < dimensions(); ++i) {
    double term;
    if (categorical_[i]) {
      term = a[i] != b[i] ? inverse_squared_length_scales_[i] : 0.0;
    } else {
      const double d = a[i] - b[i];
      term = d * d * inverse_squared_length_scales_[i];
    }
    gradient[i] = scale * term;
  }
  gradient[dimensions()] = signal_variance_ * Matern52(r2);
  return gradient;
}

}  // namespace hyperd::algorithms::gp
