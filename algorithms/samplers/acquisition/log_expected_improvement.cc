#include "algorithms/samplers/acquisition/log_expected_improvement.h"

#include <algorithm>
#include <cmath>

#include "algorithms/math/normal_distribution.h"

namespace hyperd::algorithms {
namespace {

constexpr double kSqrtHalfPi = 1.25331413731550025121;  // sqrt(pi / 2)
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kLn2 = 0.69314718055994530942;

// log(1 - exp(w)) for w < 0, accurate on both sides of -ln 2 (Maechler, "Accurately Computing
// log(1 - exp(-|a|))", 2012).
double Log1mExp(double w) {
  return w > -kLn2 ? std::log(-std::expm1(w)) : std::log1p(-std::exp(w));
}

}  // namespace

double LogH(double z) {
  if (z > -1) {
    const double cdf = 0.5 * std::erfc(-z * kInvSqrt2);
    return std::log(z * cdf + std::exp(LogNormalPdf(z)));
  }
  if (z > kNormalTailSeriesCrossover) {
    // h(z) = phi(z) (1 + z Phi(z)/phi(z)) and Phi(z)/phi(z) = sqrt(pi/2) erfcx(-z/sqrt 2).
    const double t = -z * kInvSqrt2;
    const double erfcx = std::exp(t * t) * std::erfc(t);
    const double w = std::log(kSqrtHalfPi * -z * erfcx);
    return LogNormalPdf(z) + Log1mExp(w);
  }
  // h(z) = phi(z)/z^2 (1 + sum (-1)^n (2n+1)!!/z^(2n)) (Abramowitz & Stegun 7.1.23 integrated).
  return LogNormalPdf(z) - 2 * std::log(-z) + LogNormalTailSeries(z, /*shifted=*/true);
}

AcquisitionValue LogExpectedImprovement(double mean, double variance, double incumbent) {
  const double stddev = std::sqrt(std::max(variance, 0.0) + kAcquisitionVarianceFloor);
  const double z = (mean - incumbent) / stddev;
  const double log_h = LogH(z);
  const double log_stddev = std::log(stddev);
  AcquisitionValue result;
  result.value = log_h + log_stddev;
  // d log EI/d mean = Phi(z)/(stddev h(z)), d log EI/d stddev = phi(z)/(stddev h(z)) (h' = Phi).
  result.d_mean = std::exp(LogNormalCdf(z) - log_h - log_stddev);
  result.d_stddev = std::exp(LogNormalPdf(z) - log_h - log_stddev);
  return result;
}

}  // namespace hyperd::algorithms
