// IsActive, DecodeUnitPoint and FormatAssignment. Validation lives in search_space_validation.cc
// and assignment_validation.cc; the per-coordinate encoding in unit_encoding.cc.
#include "algorithms/space/search_space.h"

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "algorithms/space/unit_encoding.h"
#include "algorithms/space/value_format.h"

namespace hyperd::algorithms {
namespace {

bool ConditionHolds(const Condition& condition, const ParameterValue& parent_value) {
  if (const auto* category = std::get_if<std::string>(&parent_value)) {
    const auto& allowed = condition.categorical_values;
    return std::find(allowed.begin(), allowed.end(), *category) != allowed.end();
  }
  if (const auto* integer = std::get_if<int64_t>(&parent_value)) {
    const auto& allowed = condition.integer_values;
    return std::find(allowed.begin(), allowed.end(), *integer) != allowed.end();
  }
  return false;  // validation forbids float parents
}

}  // namespace

bool IsActive(const SearchSpace& space, size_t index, const Assignment& earlier) {
  if (index >= space.parameters.size()) return false;
  const std::optional<Condition>& condition = space.parameters[index].condition;
  if (!condition.has_value()) return true;
  // `earlier` holds only active parameters, so a missing parent is an inactive one, and an
  // inactive parent makes its children inactive.
  for (const auto& [name, value] : earlier) {
    if (name == condition->parent) return ConditionHolds(*condition, value);
  }
  return false;
}

Assignment DecodeUnitPoint(const SearchSpace& space, const std::vector<double>& unit_point) {
  Assignment assignment;
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    if (!IsActive(space, i, assignment)) continue;
    const double u = i < unit_point.size() ? unit_point[i] : 0.5;
    assignment.emplace_back(space.parameters[i].name, DecodeUnitValue(space.parameters[i], u));
  }
  return assignment;
}

std::string FormatAssignment(const Assignment& assignment) {
  return absl::StrJoin(assignment, " ", [](std::string* out, const auto& entry) {
    absl::StrAppend(out, entry.first, "=", FormatParameterValue(entry.second));
  });
}

}  // namespace hyperd::algorithms
