// The search space as the algorithms see it: typed parameters, conditions, and the values a
// configuration assigns. Pure C++: the server converts the API's messages into these types in one
// place (server/spec_conversion.h) and everything under algorithms/ works on them.
//
//   SearchSpace space;
//   space.parameters.push_back({"lr", DoubleParameter{1e-5, 1e-1, Scale::kLog, 0}});
//   RETURN_IF_ERROR(ValidateSearchSpace(space));
#ifndef HYPERD_ALGORITHMS_SPACE_SEARCH_SPACE_H_
#define HYPERD_ALGORITHMS_SPACE_SEARCH_SPACE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"

namespace hyperd::algorithms {

enum class Scale { kLinear, kLog };

struct DoubleParameter {
  double min = 0;
  double max = 0;
  Scale scale = Scale::kLinear;
  double step = 0;  // > 0: values are min + k*step (linear scale only)
};

struct IntegerParameter {
  int64_t min = 0;
  int64_t max = 0;
  Scale scale = Scale::kLinear;
  int64_t step = 1;  // values are min + k*step (step > 1 only on linear scale; 0 counts as 1)
};

struct CategoricalParameter {
  std::vector<std::string> values;
};

// The parameter is active only when `parent` (an earlier categorical or integer parameter, itself
// active) takes one of the listed values.
struct Condition {
  std::string parent;
  std::vector<std::string> categorical_values;
  std::vector<int64_t> integer_values;
};

struct ParameterConfig {
  std::string name;
  std::variant<DoubleParameter, IntegerParameter, CategoricalParameter> kind;
  std::optional<Condition> condition;
};

struct SearchSpace {
  std::vector<ParameterConfig> parameters;
};

// A parameter's value: double for DoubleParameter, int64_t for IntegerParameter, std::string for
// CategoricalParameter.
using ParameterValue = std::variant<double, int64_t, std::string>;

// The active parameters of one configuration, in search-space order.
using Assignment = std::vector<std::pair<std::string, ParameterValue>>;

// OK, or INVALID_ARGUMENT whose message starts with the field path relative to the space
// ("parameters[2].double_spec.min: ...") and says how to fix it: empty or duplicate names,
// min > max, non-finite bounds, log scale with min <= 0, empty or duplicate categories, bad steps,
// conditions on unknown/later/non-discrete parents or values the parent cannot take.
absl::Status ValidateSearchSpace(const SearchSpace& space);

// OK when `assignment` holds exactly the active parameters of a valid space, each with the right
// type, within bounds, on its step grid, and categories among the allowed values. Otherwise
// INVALID_ARGUMENT naming the parameter ("parameters['lr']: ..."). The assignment may list the
// parameters in any order. Stepped floats are accepted within rounding of their grid (0.7 for
// min 0, step 0.1), see value_grid.h.
absl::Status ValidateAssignment(const SearchSpace& space, const Assignment& assignment);

// Whether parameter `index` is active given the values chosen for earlier parameters.
bool IsActive(const SearchSpace& space, size_t index, const Assignment& earlier);

// Decodes a point of the unit cube, one coordinate per parameter (inactive ones are ignored), into
// an exactly representable assignment: log parameters uniform in log space, steps and integers by
// the widened-bounds rule of specs/bo.md §1, results clamped into [min, max]. The per-coordinate
// rule is DecodeUnitValue (unit_encoding.h); coordinates missing from a short point count as 0.5.
Assignment DecodeUnitPoint(const SearchSpace& space, const std::vector<double>& unit_point);

// Human-readable "lr=0.001 layers=3 opt=adam".
std::string FormatAssignment(const Assignment& assignment);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SPACE_SEARCH_SPACE_H_
