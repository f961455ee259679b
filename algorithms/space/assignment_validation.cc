// ValidateAssignment: a configuration (from a sampler, or enqueued by a user through CreateTrial)
// holds exactly the active parameters of the space, each typed, in range and on its grid.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "algorithms/space/search_space.h"
#include "algorithms/space/value_format.h"
#include "algorithms/space/value_grid.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

absl::Status Invalid(absl::string_view name, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("parameters['", name, "']: ", message));
}

const char* TypeName(const ParameterValue& value) {
  if (std::holds_alternative<double>(value)) return "a float";
  if (std::holds_alternative<int64_t>(value)) return "an integer";
  return "a category";
}

absl::Status ValidateDoubleValue(const std::string& name, const DoubleParameter& p,
                                 const ParameterValue& value) {
  const auto* x = std::get_if<double>(&value);
  if (x == nullptr) {
    return Invalid(name, absl::StrCat("is ", TypeName(value), " but the parameter is a float"));
  }
  if (!(*x >= p.min && *x <= p.max)) {  // also rejects NaN
    return Invalid(name, absl::StrCat(FormatDouble(*x), " is outside [", FormatDouble(p.min), ", ",
                                      FormatDouble(p.max), "]"));
  }
  if (p.step > 0 && !SteppedDoubleIndexOf(p, *x).has_value()) {
    return Invalid(name, absl::StrCat(FormatDouble(*x), " is not of the form ", FormatDouble(p.min),
                                      " + k*", FormatDouble(p.step)));
  }
  return absl::OkStatus();
}

absl::Status ValidateIntegerValue(const std::string& name, const IntegerParameter& p,
                                  const ParameterValue& value) {
  const auto* x = std::get_if<int64_t>(&value);
  if (x == nullptr) {
    return Invalid(name, absl::StrCat("is ", TypeName(value), " but the parameter is an integer"));
  }
  if (*x < p.min || *x > p.max) {
    return Invalid(name, absl::StrCat(*x, " is outside [", p.min, ", ", p.max, "]"));
  }
  if (!IntegerIndexOf(p, *x).has_value()) {
    return Invalid(name,
                   absl::StrCat(*x, " is not of the form ", p.min, " + k*", EffectiveStep(p)));
  }
  return absl::OkStatus();
}

absl::Status ValidateCategoricalValue(const std::string& name, const CategoricalParameter& p,
                                      const ParameterValue& value) {
  const auto* x = std::get_if<std::string>(&value);
  if (x == nullptr) {
    return Invalid(name, absl::StrCat("is ", TypeName(value), " but the parameter is categorical"));
  }
  if (std::find(p.values.begin(), p.values.end(), *x) == p.values.end()) {
    return Invalid(name, absl::StrCat("'", *x, "' is not one of its categories"));
  }
  return absl::OkStatus();
}

absl::Status ValidateValue(const ParameterConfig& parameter, const ParameterValue& value) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    return ValidateDoubleValue(parameter.name, *d, value);
  }
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) {
    return ValidateIntegerValue(parameter.name, *i, value);
  }
  return ValidateCategoricalValue(parameter.name, std::get<CategoricalParameter>(parameter.kind),
                                  value);
}

}  // namespace

absl::Status ValidateAssignment(const SearchSpace& space, const Assignment& assignment) {
  absl::flat_hash_map<absl::string_view, const ParameterValue*> given;
  for (const auto& [name, value] : assignment) {
    if (!given.emplace(name, &value).second) {
      return Invalid(name, "is given twice; give each parameter once");
    }
  }
  // Walk the space in order, so each condition sees the values of the parameters before it.
  Assignment active;
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const ParameterConfig& parameter = space.parameters[i];
    const auto it = given.find(parameter.name);
    const bool present = it != given.end();
    if (!IsActive(space, i, active)) {
      if (present) {
        return Invalid(parameter.name,
                       absl::StrCat("is inactive because its condition on '",
                                    parameter.condition->parent, "' does not hold; remove it"));
      }
      continue;
    }
    if (!present)
      return Invalid(parameter.name, "is missing; every active parameter needs a value");
    RETURN_IF_ERROR(ValidateValue(parameter, *it->second));
    active.emplace_back(parameter.name, *it->second);
    given.erase(it);
  }
  for (const auto& entry : assignment) {  // in the caller's order, so the message is stable
    if (given.contains(entry.first)) {
      return Invalid(entry.first, "is not a parameter of the search space");
    }
  }
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
