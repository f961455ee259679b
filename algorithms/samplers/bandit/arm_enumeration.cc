#include "algorithms/samplers/bandit/arm_enumeration.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/grid_enumeration.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

// Unused by spaces without continuous floats, which are refused first; GridEnumeration needs >= 2.
constexpr int kUnusedContinuousPoints = 2;

}  // namespace

absl::StatusOr<std::vector<Assignment>> EnumerateArms(const SearchSpace& space, int64_t max_arms) {
  RETURN_IF_ERROR(ValidateSearchSpace(space));
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const ParameterConfig& parameter = space.parameters[i];
    const auto* as_double = std::get_if<DoubleParameter>(&parameter.kind);
    if (as_double != nullptr && !(as_double->step > 0) && as_double->min != as_double->max) {
      return absl::InvalidArgumentError(absl::StrCat(
          "parameters[", i, "] ('", parameter.name,
          "'): a bandit arm needs a finite set of values; give the float parameter a step > 0 "
          "or make it categorical"));
    }
  }
  if (space.parameters.empty()) {
    return absl::InvalidArgumentError(
        "parameters: a bandit study needs at least one parameter whose values are the arms");
  }
  const GridEnumeration grid(space, kUnusedContinuousPoints);
  if (grid.size() > static_cast<uint64_t>(max_arms)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameters: the space has ",
        grid.size() == GridEnumeration::kSaturated ? absl::StrCat("at least ", grid.size())
                                                   : absl::StrCat(grid.size()),
        " points, more than the ", max_arms,
        " arms a bandit study may have; use fewer values or a non-bandit sampler"));
  }
  std::vector<Assignment> arms;
  arms.reserve(grid.size());
  for (uint64_t index = 0; index < grid.size(); ++index) arms.push_back(grid.PointAt(index));
  return arms;
}

}  // namespace hyperd::algorithms
