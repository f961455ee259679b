// The value of a pointwise acquisition function and its derivatives with respect to the GP posterior
// at the point, so a caller chains them with dmean/dx and dstddev/dx (bo.md §6).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_ACQUISITION_VALUE_H_
#define HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_ACQUISITION_VALUE_H_

namespace hyperd::algorithms {

struct AcquisitionValue {
  double value = 0;
  // d value / d posterior mean.
  double d_mean = 0;
  // d value / d posterior standard deviation (stddev = sqrt(variance + kAcquisitionVarianceFloor)).
  double d_stddev = 0;
};

// Added to the posterior variance before the square root, so a zero variance (at an observed point
// of a noiseless model) still gives a finite z and finite derivatives [ref: Optuna _gp/acqf.py].
inline constexpr double kAcquisitionVarianceFloor = 1e-12;

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_ACQUISITION_ACQUISITION_VALUE_H_
