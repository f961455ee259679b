#include "algorithms/samplers/tpe/truncated_normal.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/math/normal_distribution.h"

namespace hyperd::algorithms {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double LogAddExp(double x, double y) {
  if (x == -kInf) return y;
  if (y == -kInf) return x;
  const double m = std::max(x, y);
  return m + std::log1p(std::exp(-std::abs(x - y)));
}

// log(exp(log_p) - exp(log_q)) for log_q <= log_p.
double LogDiffExp(double log_p, double log_q) {
  return log_p + std::log1p(-std::exp(log_q - log_p));
}

// Acklam's rational approximation of the normal quantile (relative error 1.15e-9), written in
// terms of log p so the lower tail needs no exp(): the starting point for Newton's method.
double AcklamQuantileFromLog(double log_p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  auto tail = [&](double q) {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  if (log_p < std::log(kLow)) return tail(std::sqrt(-2 * log_p));
  const double upper = -std::expm1(log_p);  // 1 - p without cancellation
  if (upper < kLow) return -tail(std::sqrt(-2 * std::log(upper)));
  const double q = std::exp(log_p) - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

double LogGaussMass(double a, double b) {
  if (!(a < b)) return -kInf;
  if (b <= 0) return LogDiffExp(LogNormalCdf(b), LogNormalCdf(a));
  if (a > 0) return LogGaussMass(-b, -a);  // the right tail, mirrored into the left one
  // The interval holds 0: 1 - Phi(a) - Phi(-b) has no cancellation worth worrying about. A tail
  // beyond 9 sigma (< 1.2e-19) shifts the result by less than that: skip its erfc.
  constexpr double kFarTail = -9;
  const double left = a < kFarTail ? 0 : NormalCdf(a);
  const double right = -b < kFarTail ? 0 : NormalCdf(-b);
  return std::log1p(-left - right);
}

double InverseNormalCdfFromLog(double log_p) {
  if (std::isnan(log_p)) return log_p;
  if (log_p >= 0) return kInf;
  if (log_p == -kInf) return -kInf;
  double x = AcklamQuantileFromLog(log_p);
  // Newton on f(x) = log Phi(x) - log_p, f' = phi/Phi. f is concave, so after the first step the
  // iterates approach the root from below; three steps take 1e-9 to full precision.
  for (int i = 0; i < 8; ++i) {
    const double log_cdf = LogNormalCdf(x);
    const double step = (log_cdf - log_p) * std::exp(log_cdf - LogNormalPdf(x));
    if (!std::isfinite(step)) break;
    x -= step;
    if (std::abs(step) <= 1e-15 * std::max(1.0, std::abs(x))) break;
  }
  return x;
}

double TruncatedNormalQuantile(double q, double a, double b) {
  if (!(a < b)) return a;
  if (!(q > 0)) return a;  // NaN too
  if (q >= 1) return b;
  const double log_mass = LogGaussMass(a, b);
  double x;
  if (a < 0) {
    // Phi(x) = Phi(a) + q * mass.
    x = InverseNormalCdfFromLog(LogAddExp(LogNormalCdf(a), std::log(q) + log_mass));
  } else {
    // Mirror: Phi(-x) = Phi(-b) + (1 - q) * mass, accurate when [a, b] is in the right tail.
    x = -InverseNormalCdfFromLog(LogAddExp(LogNormalCdf(-b), std::log1p(-q) + log_mass));
  }
  return std::clamp(x, a, b);
}

}  // namespace hyperd::algorithms
