#include "algorithms/samplers/gp/kernel_cholesky.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::gp {
namespace {

std::atomic<uint64_t> jitter_retries_total{0};

// The first jitter level relative to the mean diagonal (bo.md §5).
constexpr double kRelativeJitter = 1e-6;
// An appended pivot² below this fraction of its diagonal entry is numerically meaningless.
constexpr double kMinRelativePivot = 1e-10;

}  // namespace

absl::Status FactorizeWithJitter(absl::FunctionRef<void(Eigen::MatrixXd*)> fill, double shift,
                                 Eigen::MatrixXd* factor, double* jitter, int* retries) {
  fill(factor);
  const Eigen::Index n = factor->rows();
  if (!factor->allFinite() || !std::isfinite(shift)) {
    return absl::InternalError("GP covariance matrix has non-finite entries");
  }
  const double mean_diagonal = n == 0 ? 1.0 : factor->diagonal().mean() + shift;
  const double base = kRelativeJitter * mean_diagonal;
  const double largest = base * std::pow(10.0, kMaxJitterRetries - 1) * 1.000001;
  if (!(*jitter <= largest)) {
    return absl::InternalError(absl::StrCat("GP jitter ", *jitter, " exceeds its cap ", largest));
  }
  for (;;) {
    // Factorise in place; a retry refills the matrix (failures are rare, copies are not free).
    factor->diagonal().array() += shift + *jitter;
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(*factor);
    if (llt.info() == Eigen::Success) {
      factor->triangularView<Eigen::StrictlyUpper>().setZero();
      return absl::OkStatus();
    }
    const double next = *jitter == 0 ? base : *jitter * 10;
    if (!(next <= largest)) {
      return absl::InternalError(
          absl::StrCat("GP covariance matrix is not positive definite even with jitter ", *jitter,
                       " (mean diagonal ", mean_diagonal, ")"));
    }
    *jitter = next;
    ++*retries;
    jitter_retries_total.fetch_add(1, std::memory_order_relaxed);
    fill(factor);
  }
}

uint64_t CholeskyJitterRetriesTotal() {
  return jitter_retries_total.load(std::memory_order_relaxed);
}

absl::StatusOr<KernelCholesky> KernelCholesky::Create(const Matern52Kernel& kernel,
                                                      double noise_variance,
                                                      Eigen::MatrixXd points) {
  KernelCholesky cholesky(kernel, noise_variance, std::move(points));
  RETURN_IF_ERROR(cholesky.Factorize(0));
  return cholesky;
}

absl::Status KernelCholesky::Factorize(double initial_jitter) {
  double jitter = initial_jitter;
  int retries = jitter_retries_;
  Eigen::MatrixXd factor;
  RETURN_IF_ERROR(FactorizeWithJitter(
      [this](Eigen::MatrixXd* k) {
        k->resize(points_.cols(), points_.cols());
        kernel_.CrossCovariance(points_, points_, *k);
      },
      noise_variance_, &factor, &jitter, &retries));
  factor_ = std::move(factor);
  jitter_ = jitter;
  jitter_retries_ = retries;
  return absl::OkStatus();
}

absl::Status KernelCholesky::Append(const Eigen::VectorXd& point) {
  const Eigen::Index n = size();
  Eigen::VectorXd l = kernel_.CrossCovariance(points_, point);
  factor_.triangularView<Eigen::Lower>().solveInPlace(l);
  const double diagonal = DiagonalEntry() + jitter_;
  const double radicand = diagonal - l.squaredNorm();
  if (radicand > std::max(jitter_, kMinRelativePivot * diagonal) && std::isfinite(radicand)) {
    points_.conservativeResize(Eigen::NoChange, n + 1);
    points_.col(n) = point;
    factor_.conservativeResize(n + 1, n + 1);
    factor_.row(n).head(n) = l.transpose();
    factor_.col(n).head(n).setZero();
    factor_(n, n) = std::sqrt(radicand);
    return absl::OkStatus();
  }
  // The new point is (numerically) a copy of the old ones: start over with more jitter.
  KernelCholesky grown = *this;
  grown.points_.conservativeResize(Eigen::NoChange, n + 1);
  grown.points_.col(n) = point;
  const double mean_diagonal = DiagonalEntry();
  const double next = jitter_ == 0 ? kRelativeJitter * mean_diagonal : jitter_ * 10;
  ++grown.jitter_retries_;
  jitter_retries_total.fetch_add(1, std::memory_order_relaxed);
  RETURN_IF_ERROR(grown.Factorize(next));
  *this = std::move(grown);
  return absl::OkStatus();
}

Eigen::VectorXd KernelCholesky::Solve(const Eigen::VectorXd& b) const {
  Eigen::VectorXd x = factor_.triangularView<Eigen::Lower>().solve(b);
  factor_.transpose().triangularView<Eigen::Upper>().solveInPlace(x);
  return x;
}

void KernelCholesky::SolveLowerInPlace(Eigen::Ref<Eigen::MatrixXd> b) const {
  factor_.triangularView<Eigen::Lower>().solveInPlace(b);
}

}  // namespace hyperd::algorithms::gp
