// One parameter <-> one unit-interval coordinate (specs/bo.md §1). The single encoder of the search
// space: random and Sobol sampling decode through it, model-based samplers encode through it.
//
//   linear float        x = min + u*(max - min)
//   log float           ln x uniform: x = exp(ln min + u*(ln max - ln min))
//   stepped float, int  the K+1 grid values min + k*step each own a cell of width 1/(K+1):
//                       k = min(floor(u*(K+1)), K). This is the widened-bounds rule of bo.md §1
//                       (decode on [min - step/2, max' + step/2] and round to the grid) with max'
//                       the largest grid value, so each value has probability 1/(K+1) exactly.
//   log int             widened bounds [min - 1/2, max + 1/2] in log space, rounded to the nearest
//                       integer
//   categorical         index floor(u*c), clamped to c - 1
//
// Results are clamped into [min, max]; u = 0 gives min and u = 1 gives max for every numeric kind.
#ifndef HYPERD_ALGORITHMS_SPACE_UNIT_ENCODING_H_
#define HYPERD_ALGORITHMS_SPACE_UNIT_ENCODING_H_

#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

// The value of `parameter` at coordinate u. u outside [0, 1] is clamped; NaN counts as 0.
// Requires a parameter that passed ValidateSearchSpace.
ParameterValue DecodeUnitValue(const ParameterConfig& parameter, double u);

// A coordinate in [0, 1] that decodes back to `value`: the centre of the value's cell for discrete
// kinds, the exact inverse for continuous ones. Requires a value ValidateAssignment accepts;
// a value of the wrong type encodes as 0.5.
double EncodeUnitValue(const ParameterConfig& parameter, const ParameterValue& value);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SPACE_UNIT_ENCODING_H_
