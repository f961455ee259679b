#include "algorithms/samplers/acquisition/upper_confidence_bound.h"

#include <algorithm>
#include <cmath>

namespace hyperd::algorithms {

AcquisitionValue UpperConfidenceBound(double mean, double variance, double beta) {
  const double stddev = std::sqrt(std::max(variance, 0.0) + kAcquisitionVarianceFloor);
  AcquisitionValue result;
  result.value = mean + beta * stddev;
  result.d_mean = 1;
  result.d_stddev = beta;
  return result;
}

}  // namespace hyperd::algorithms
