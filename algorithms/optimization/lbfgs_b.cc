#include "algorithms/optimization/lbfgs_b.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace hyperd::algorithms {
namespace {

constexpr double kArmijo = 1e-4;
constexpr int kMaxLineSearchTrials = 30;
// A variable within this (relative) distance of a bound counts as at the bound.
constexpr double kBoundSlack = 1e-10;
// Curvature pairs with s'y <= this * y'y are skipped: they would make the inverse-Hessian
// approximation (nearly) indefinite.
constexpr double kCurvatureFloor = 1e-10;

bool AtLower(double x, double lower) { return x <= lower + kBoundSlack * (1 + std::abs(lower)); }
bool AtUpper(double x, double upper) { return x >= upper - kBoundSlack * (1 + std::abs(upper)); }

// The (s, y) pairs of the last `capacity` accepted steps, in a ring buffer allocated once.
class CurvatureHistory {
 public:
  CurvatureHistory(int dimension, int capacity)
      : s_(dimension, capacity), y_(dimension, capacity), rho_(capacity), alpha_(capacity) {}

  int size() const { return size_; }
  void Clear() { size_ = 0; }

  // Adds the pair unless it violates the curvature condition; returns whether it was added.
  bool Add(const Eigen::VectorXd& s, const Eigen::VectorXd& y) {
    const double sy = s.dot(y);
    const double yy = y.squaredNorm();
    if (!(sy > kCurvatureFloor * yy) || !std::isfinite(sy) || yy == 0) return false;
    const int capacity = static_cast<int>(rho_.size());
    newest_ = (newest_ + 1) % capacity;
    s_.col(newest_) = s;
    y_.col(newest_) = y;
    rho_[newest_] = 1 / sy;
    gamma_ = sy / yy;
    size_ = std::min(size_ + 1, capacity);
    return true;
  }

  // q <- H q by the two-loop recursion (Nocedal & Wright, Algorithm 7.4) with H0 = gamma I.
  void ApplyInverseHessian(Eigen::VectorXd* q) {
    const int capacity = static_cast<int>(rho_.size());
    for (int k = 0; k < size_; ++k) {
      const int i = (newest_ - k + capacity) % capacity;
      alpha_[i] = rho_[i] * s_.col(i).dot(*q);
      *q -= alpha_[i] * y_.col(i);
    }
    *q *= gamma_;
    for (int k = size_ - 1; k >= 0; --k) {
      const int i = (newest_ - k + capacity) % capacity;
      const double beta = rho_[i] * y_.col(i).dot(*q);
      *q += (alpha_[i] - beta) * s_.col(i);
    }
  }

 private:
  Eigen::MatrixXd s_, y_;
  Eigen::VectorXd rho_, alpha_;
  int newest_ = -1;
  int size_ = 0;
  double gamma_ = 1;
};

class Minimizer {
 public:
  Minimizer(const DifferentiableFunction& f, const BoxBounds& bounds, const LbfgsOptions& options,
            int dimension)
      : f_(f),
        bounds_(bounds),
        options_(options),
        history_(dimension, std::max(options.history, 1)),
        g_(dimension),
        d_(dimension),
        trial_x_(dimension),
        trial_g_(dimension),
        s_(dimension),
        y_(dimension) {}

  LbfgsResult Run(const Eigen::VectorXd& x0) {
    LbfgsResult result;
    result.x = x0.cwiseMax(bounds_.lower).cwiseMin(bounds_.upper);
    result.value = Evaluate(result.x, &g_);
    if (!IsFinite(result.value, g_)) {
      result.evaluations = evaluations_;
      return result;
    }
    double& f = result.value;
    Eigen::VectorXd& x = result.x;
    while (result.iterations < options_.max_iterations && !EvaluationsExhausted()) {
      if (ProjectedGradientNorm(x) <= options_.projected_gradient_tolerance) {
        result.converged = true;
        break;
      }
      bool steepest = history_.size() == 0;
      ComputeDirection(x, /*quasi_newton=*/!steepest);
      double new_f;
      bool accepted = LineSearch(x, f, result.iterations == 0, &new_f);
      if (!accepted && !steepest) {
        // The curvature model misled us: forget it and try projected steepest descent.
        history_.Clear();
        steepest = true;
        ComputeDirection(x, /*quasi_newton=*/false);
        accepted = LineSearch(x, f, /*first_iteration=*/true, &new_f);
      }
      if (!accepted) break;
      ++result.iterations;
      s_ = trial_x_ - x;
      y_ = trial_g_ - g_;
      history_.Add(s_, y_);
      const double decrease = f - new_f;
      x = trial_x_;
      g_ = trial_g_;
      f = new_f;
      if (decrease <= options_.relative_function_tolerance * std::max({std::abs(f), 1.0})) {
        result.converged = true;
        break;
      }
    }
    if (!result.converged &&
        ProjectedGradientNorm(x) <= options_.projected_gradient_tolerance) {
      result.converged = true;
    }
    result.evaluations = evaluations_;
    return result;
  }

 private:
  static bool IsFinite(double value, const Eigen::VectorXd& gradient) {
    return std::isfinite(value) && gradient.allFinite();
  }

  bool EvaluationsExhausted() const {
    return options_.max_evaluations > 0 && evaluations_ >= options_.max_evaluations;
  }

  double Evaluate(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
    ++evaluations_;
    return f_(x, gradient);
  }

  // *out = P(x + t d) without temporaries (out must not alias x).
  void ProjectStep(const Eigen::VectorXd& x, double t, const Eigen::VectorXd& d,
                   Eigen::VectorXd* out) const {
    *out = (x + t * d).cwiseMax(bounds_.lower).cwiseMin(bounds_.upper);
  }

  double ProjectedGradientNorm(const Eigen::VectorXd& x) const {
    double norm = 0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double projected = std::clamp(x[i] - g_[i], bounds_.lower[i], bounds_.upper[i]);
      norm = std::max(norm, std::abs(projected - x[i]));
    }
    return norm;
  }

  // Whether variable i is held at its bound this iteration: at the bound with the gradient pushing
  // outward (the bound is binding to first order).
  bool Active(const Eigen::VectorXd& x, Eigen::Index i) const {
    return (g_[i] >= 0 && AtLower(x[i], bounds_.lower[i])) ||
           (g_[i] <= 0 && AtUpper(x[i], bounds_.upper[i]));
  }

  // d_ = -H g on the free variables (or -g when !quasi_newton), 0 on the active ones. Components
  // that would immediately leave the box are zeroed too, so the projected path starts along d_ and
  // g'd_ is its initial slope; when that slope is not negative, fall back to -g on the free set
  // (always a descent direction of the projected path unless x is stationary).
  void ComputeDirection(const Eigen::VectorXd& x, bool quasi_newton) {
    for (Eigen::Index i = 0; i < x.size(); ++i) d_[i] = Active(x, i) ? 0 : g_[i];
    if (quasi_newton) {
      history_.ApplyInverseHessian(&d_);
      for (Eigen::Index i = 0; i < x.size(); ++i) {
        if (Active(x, i)) d_[i] = 0;
      }
    }
    d_ = -d_;
    ClipOutwardComponents(x);
    if (quasi_newton && !(g_.dot(d_) < 0)) {
      for (Eigen::Index i = 0; i < x.size(); ++i) d_[i] = Active(x, i) ? 0 : -g_[i];
      ClipOutwardComponents(x);
    }
  }

  void ClipOutwardComponents(const Eigen::VectorXd& x) {
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if ((d_[i] < 0 && AtLower(x[i], bounds_.lower[i])) ||
          (d_[i] > 0 && AtUpper(x[i], bounds_.upper[i]))) {
        d_[i] = 0;
      }
    }
  }

  // Backtracking along x(t) = P(x + t d_) with the Armijo test on the path,
  // f(x(t)) <= f(x) + c1 g'(x(t) - x). Step lengths come from a safeguarded quadratic fit
  // (within [0.1 t, 0.5 t]); a non-finite value halves t. On success trial_x_, trial_g_ and
  // *new_f hold the accepted point.
  bool LineSearch(const Eigen::VectorXd& x, double f, bool first_iteration, double* new_f) {
    const double slope = g_.dot(d_);
    if (!(slope < 0)) return false;
    double t = 1;
    if (first_iteration) {
      const double d_max = d_.lpNorm<Eigen::Infinity>();
      if (d_max > 1) t = 1 / d_max;
    }
    for (int trial = 0; trial < kMaxLineSearchTrials && !EvaluationsExhausted(); ++trial) {
      ProjectStep(x, t, d_, &trial_x_);
      s_ = trial_x_ - x;
      const double predicted = g_.dot(s_);
      if (s_.lpNorm<Eigen::Infinity>() == 0) return false;  // step below resolution of x
      const double value = Evaluate(trial_x_, &trial_g_);
      if (IsFinite(value, trial_g_)) {
        if (value <= f + kArmijo * predicted) {
          *new_f = value;
          return true;
        }
        // Minimiser of the quadratic through f(0), slope and f(t) along the (unprojected) line.
        const double quadratic = -slope * t * t / (2 * (value - f - slope * t));
        t = std::clamp(quadratic, 0.1 * t, 0.5 * t);
      } else {
        t *= 0.5;
      }
    }
    return false;
  }

  const DifferentiableFunction& f_;
  const BoxBounds& bounds_;
  const LbfgsOptions& options_;
  CurvatureHistory history_;
  int evaluations_ = 0;
  Eigen::VectorXd g_, d_, trial_x_, trial_g_, s_, y_;
};

}  // namespace

LbfgsResult MinimizeWithLbfgsB(const DifferentiableFunction& f, Eigen::VectorXd x0,
                               const BoxBounds& bounds, const LbfgsOptions& options) {
  assert(bounds.lower.size() == x0.size() && bounds.upper.size() == x0.size());
  assert((bounds.lower.array() <= bounds.upper.array()).all());
  Minimizer minimizer(f, bounds, options, static_cast<int>(x0.size()));
  return minimizer.Run(x0);
}

}  // namespace hyperd::algorithms
