// The arms of a bandit study: the points of a finite search space, numbered in the lexicographic
// order of GridEnumeration (grid_enumeration.h), so arm i is PointAt(i).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_ARM_ENUMERATION_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_ARM_ENUMERATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

// Every point of `space` (categories, integers on their step grid, stepped floats, conditional
// parameters only under the values that activate them). INVALID_ARGUMENT for a space that fails
// ValidateSearchSpace, a float parameter without a step ("parameters[0] ('lr'): a bandit arm
// needs a finite set of values; give the float parameter a step > 0 or make it categorical"), or
// more than max_arms (>= 1) points.
absl::StatusOr<std::vector<Assignment>> EnumerateArms(const SearchSpace& space, int64_t max_arms);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_ARM_ENUMERATION_H_
