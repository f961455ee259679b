// The normal distribution truncated to an interval: the
// kernels of TPE's Parzen estimators (truncated to a parameter's range) and of BOHB's candidate
// draws. Everything is accurate far into both tails (no 1 - Phi cancellation), following the case
// split of SciPy's truncnorm that Optuna's _truncnorm.py copies.
//
//   double x = mu + sigma * TruncatedNormalQuantile(u, (low - mu) / sigma, (high - mu) / sigma);
#ifndef HYPERD_ALGORITHMS_SAMPLERS_TPE_TRUNCATED_NORMAL_H_
#define HYPERD_ALGORITHMS_SAMPLERS_TPE_TRUNCATED_NORMAL_H_

#include "algorithms/math/normal_distribution.h"  // NormalCdf, LogNormalCdf

namespace hyperd::algorithms {

// log(Phi(b) - Phi(a)), the log probability of [a, b] under the standard normal; requires a <= b
// (-inf when a == b). Accurate when the interval lies deep in either tail.
double LogGaussMass(double a, double b);

// The x with log Phi(x) = log_p (log_p <= 0; +inf at 0, -inf at -inf). Relative accuracy ~1e-15.
double InverseNormalCdfFromLog(double log_p);

// The q-quantile (q in [0, 1]) of the standard normal truncated to [a, b], a < b: the inversion
// that turns one uniform draw into one truncated-normal draw. Clamped into [a, b].
double TruncatedNormalQuantile(double q, double a, double b);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_TPE_TRUNCATED_NORMAL_H_
