#include "algorithms/samplers/bandit/bandit_random.h"

#include <cmath>

namespace hyperd::algorithms {

double BanditRandom::Uniform() { return UnitDoubleFromBits(bits_.Next()); }

int BanditRandom::Bernoulli(double p) { return Uniform() < p ? 1 : 0; }

// Marsaglia & Bray's polar method: two normals per accepted point of the unit disc, the second
// kept for the next call.
double BanditRandom::StandardNormal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u = 0;
  double v = 0;
  double s = 0;
  do {
    u = 2 * Uniform() - 1;
    v = 2 * Uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  const double factor = std::sqrt(-2 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return u * factor;
}

// Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS 26(3), 2000:
// d = a - 1/3, c = 1/sqrt(9d); accept d*v for v = (1 + c x)^3 with the squeeze
// u < 1 - 0.0331 x^4, else the exact test log u < x^2/2 + d (1 - v + log v).
double BanditRandom::GammaAtLeastOne(double shape) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * d);
  while (true) {
    const double x = StandardNormal();
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = Uniform();
    const double x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1 - v + std::log(v))) return d * v;
  }
}

double BanditRandom::Gamma(double shape) {
  if (shape >= 1) return GammaAtLeastOne(shape);
  return std::exp(LogGamma(shape));
}

// For shape < 1: Gamma(a) = Gamma(a + 1) * U^(1/a) (Marsaglia & Tsang §6), in log space.
double BanditRandom::LogGamma(double shape) {
  if (shape >= 1) return std::log(GammaAtLeastOne(shape));
  const double boosted = GammaAtLeastOne(shape + 1);
  const double u = 1 - Uniform();  // (0, 1]
  return std::log(boosted) + std::log(u) / shape;
}

double BanditRandom::Beta(double a, double b) {
  if (a >= 1 && b >= 1) {
    const double x = GammaAtLeastOne(a);
    const double y = GammaAtLeastOne(b);
    return x / (x + y);
  }
  // x / (x + y) = 1 / (1 + exp(log y - log x)), finite when both draws underflow.
  const double log_x = LogGamma(a);
  const double log_y = LogGamma(b);
  return 1 / (1 + std::exp(log_y - log_x));
}

}  // namespace hyperd::algorithms
