// The standard normal distribution, accurate far into both tails: the one implementation that the
// GP's acquisition functions (log EI), TPE's truncated-normal kernels and BOHB share.
#ifndef HYPERD_ALGORITHMS_MATH_NORMAL_DISTRIBUTION_H_
#define HYPERD_ALGORITHMS_MATH_NORMAL_DISTRIBUTION_H_

namespace hyperd::algorithms {

// Below this z the lower tail uses the asymptotic series (specs/bo.md §6.1): above it the series
// diverges, below it erfc-based forms lose precision to exp(t^2) rounding.
inline constexpr double kNormalTailSeriesCrossover = -25;

// Phi(z), the standard normal CDF (0 below z = -38.5, where it underflows anyway).
double NormalCdf(double z);

// log phi(z) = -z^2/2 - log(2 pi)/2.
double LogNormalPdf(double z);

// log Phi(z): accurate for every finite z (log1p of the upper tail for z > 0, the asymptotic
// series for z <= -25); -inf at -inf, NaN for NaN.
double LogNormalCdf(double z);

// log1p(sum_{n=1}^{8} (-1)^n c_n / z^(2n)) with c_n = (2n-1)!!, or (2n+1)!! when `shifted`: the
// correction factors of the asymptotic expansions Phi(z) = phi(z)/|z| (1 + ...) (Abramowitz &
// Stegun 26.2.12) and z Phi(z) + phi(z) = phi(z)/z^2 (1 + ...) (7.1.23 integrated). Valid for
// z <= kNormalTailSeriesCrossover, where the terms still decrease past n = 8.
double LogNormalTailSeries(double z, bool shifted);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_MATH_NORMAL_DISTRIBUTION_H_
