// The discrete values of integer and stepped float parameters: value k is min + k*step, k = 0..K,
// with K the largest index whose value does not exceed max. The decoder, both validators and the
// grid sampler all go through these functions, so they agree on which values exist.
//
// Every function here requires a parameter that passed ValidateSearchSpace.
#ifndef HYPERD_ALGORITHMS_SPACE_VALUE_GRID_H_
#define HYPERD_ALGORITHMS_SPACE_VALUE_GRID_H_

#include <cstdint>
#include <optional>

#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

// The API's integer step: 0 (unset) means 1.
int64_t EffectiveStep(const IntegerParameter& parameter);

// Number of values min + k*step <= max (every integer in [min, max] on a log scale). At most 2^63,
// since validation keeps max - min within int64.
uint64_t IntegerValueCount(const IntegerParameter& parameter);

// min + k*step, computed exactly; requires k < IntegerValueCount(parameter).
int64_t IntegerValueAt(const IntegerParameter& parameter, uint64_t k);

// The k with IntegerValueAt(parameter, k) == value, or nullopt when value is off the grid.
std::optional<uint64_t> IntegerIndexOf(const IntegerParameter& parameter, int64_t value);

// For a stepped float (step > 0): the largest index K with min + K*step <= max, where a ratio
// (max - min)/step within rounding error of an integer counts as that integer (so [0, 0.3] with
// step 0.1 has K = 3). Validation keeps K <= 2^53.
int64_t SteppedDoubleLastIndex(const DoubleParameter& parameter);

// min + k*step computed as one product and one sum (never accumulated), then clamped to max so
// rounding at k = K cannot leave the range.
double SteppedDoubleAt(const DoubleParameter& parameter, int64_t k);

// The k whose value is within rounding tolerance of `value` (1e-9 of a step, or a few ulps of the
// bounds when those are larger), or nullopt. Users type 0.7 where the grid computes 0 + 7*0.1.
std::optional<int64_t> SteppedDoubleIndexOf(const DoubleParameter& parameter, double value);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SPACE_VALUE_GRID_H_
