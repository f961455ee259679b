// Upper confidence bound mean + beta * stddev (bo.md §6.3; Srinivas et al., "Gaussian Process
// Optimization in the Bandit Setting", ICML 2010). hyperd's default beta is 1.8 (Vizier).
//
//   AcquisitionValue a = UpperConfidenceBound(mean, variance, /*beta=*/1.8);
//
// Pure and thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_UPPER_CONFIDENCE_BOUND_H_
#define HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_UPPER_CONFIDENCE_BOUND_H_

#include "algorithms/samplers/acquisition/acquisition_value.h"

namespace hyperd::algorithms {

// Maximisation scale. stddev = sqrt(variance + kAcquisitionVarianceFloor) (negative variance from
// round-off is treated as 0); value = mean + beta * stddev, d_mean = 1, d_stddev = beta.
AcquisitionValue UpperConfidenceBound(double mean, double variance, double beta);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_UPPER_CONFIDENCE_BOUND_H_
