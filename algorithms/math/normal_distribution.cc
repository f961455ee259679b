#include "algorithms/math/normal_distribution.h"

#include <cmath>
#include <limits>

namespace hyperd::algorithms {
namespace {

constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(2 pi) / 2
constexpr double kInvSqrt2 = 0.70710678118654752440;

}  // namespace

double NormalCdf(double z) {
  // Below -38.5 Phi underflows to 0 anyway; erfc's denormal tail would only cost time.
  if (z < -38.5) return 0;
  return 0.5 * std::erfc(-z * kInvSqrt2);
}

double LogNormalPdf(double z) { return -0.5 * z * z - kHalfLog2Pi; }

double LogNormalCdf(double z) {
  if (std::isnan(z)) return z;
  if (z == -std::numeric_limits<double>::infinity()) return z;
  // Phi(z) = 1 - Phi(-z); log1p keeps the tiny upper tail.
  if (z > 0) return std::log1p(-0.5 * std::erfc(z * kInvSqrt2));
  if (z > kNormalTailSeriesCrossover) return std::log(0.5 * std::erfc(-z * kInvSqrt2));
  return LogNormalPdf(z) - std::log(-z) + LogNormalTailSeries(z, /*shifted=*/false);
}

double LogNormalTailSeries(double z, bool shifted) {
  // (2n-1)!! for n = 1..9; (2n+1)!! is the same table shifted by one.
  static constexpr double kDoubleFactorials[9] = {1,     3,      15,      105,     945,
                                                  10395, 135135, 2027025, 34459425};
  const double inv_z2 = 1 / (z * z);
  double sum = 0;
  for (int n = 8; n >= 1; --n) {
    const double c = kDoubleFactorials[shifted ? n : n - 1];
    sum = (sum + (n % 2 == 0 ? c : -c)) * inv_z2;
  }
  return std::log1p(sum);
}

}  // namespace hyperd::algorithms
