// Numerically stable logarithm of expected improvement (bo.md §6.1; Ament et al., "Unexpected
// Improvements to Expected Improvement for Bayesian Optimization", 2023, arXiv 2310.20708).
//
//   AcquisitionValue a = LogExpectedImprovement(mean, variance, incumbent);
//   // a.value = log EI; chain rule: dlogEI/dx = a.d_mean * dmean/dx + a.d_stddev * dstddev/dx.
//
// Maximisation: with stddev = sqrt(variance + kAcquisitionVarianceFloor) and
// z = (mean - incumbent) / stddev, EI = stddev * h(z) where h(z) = z Phi(z) + phi(z), and
// log EI = log h(z) + log stddev. Accurate (relative error ~1e-13) and finite for every finite z:
// EI itself underflows to 0 for z < -38, its log does not, so the acquisition still ranks points
// and has useful gradients far from the incumbent.
//
// All functions are pure and thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_LOG_EXPECTED_IMPROVEMENT_H_
#define HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_LOG_EXPECTED_IMPROVEMENT_H_

#include "algorithms/math/normal_distribution.h"  // LogNormalCdf, LogNormalPdf
#include "algorithms/samplers/acquisition/acquisition_value.h"

namespace hyperd::algorithms {

// log h(z), h(z) = z Phi(z) + phi(z), with the three regimes of bo.md §6.1 (direct for z > -1,
// erfc-based for -25 < z <= -1, asymptotic series for z <= -25). Strictly increasing in z.
double LogH(double z);

// log EI at a point whose posterior is N(mean, variance); `incumbent` is the best observed value
// on the same (maximise) scale. d_mean = Phi(z)/(stddev h(z)) and d_stddev = phi(z)/(stddev h(z)),
// both computed as exponentials of log differences so they stay finite in the tail.
// Requires variance >= 0 (negative values from round-off are treated as 0).
AcquisitionValue LogExpectedImprovement(double mean, double variance, double incumbent);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_LOG_EXPECTED_IMPROVEMENT_H_
