// ValidateSearchSpace: every rule a space must satisfy before anything samples from it. Messages
// start with the field path relative to the space ("parameters[2].double_spec.min: ...") because
// the server prefixes "study.spec.search_space.".
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "algorithms/space/search_space.h"
#include "algorithms/space/value_format.h"
#include "algorithms/space/value_grid.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr size_t kMaxNameLength = 128;
// Beyond 2^53 steps consecutive grid values are no longer distinct doubles.
constexpr double kMaxSteps = 9007199254740992.0;  // 2^53

absl::Status Invalid(absl::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

std::string Quote(absl::string_view text) { return absl::StrCat("'", text, "'"); }

bool IsNameCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '/';
}

absl::Status ValidateName(const std::string& path, const std::string& name) {
  constexpr absl::string_view kRule =
      "use 1 to 128 characters from letters, digits, '_', '-', '.' and '/'";
  if (name.empty()) return Invalid(path, absl::StrCat("is empty; ", kRule));
  if (name.size() > kMaxNameLength) {
    return Invalid(path, absl::StrCat("is ", name.size(), " characters long; ", kRule));
  }
  for (char c : name) {
    if (!IsNameCharacter(c)) {
      return Invalid(path, absl::StrCat("'", absl::CHexEscape(name), "' contains the character '",
                                        absl::CHexEscape(absl::string_view(&c, 1)), "'; ", kRule));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDouble(const std::string& path, const DoubleParameter& p) {
  if (!std::isfinite(p.min)) {
    return Invalid(path + ".min", absl::StrCat("must be finite, got ", FormatDouble(p.min)));
  }
  if (!std::isfinite(p.max)) {
    return Invalid(path + ".max", absl::StrCat("must be finite, got ", FormatDouble(p.max)));
  }
  if (p.min > p.max) {
    return Invalid(path + ".min", absl::StrCat("is ", FormatDouble(p.min), ", above max ",
                                               FormatDouble(p.max), "; swap the bounds"));
  }
  if (!std::isfinite(p.max - p.min)) {
    return Invalid(path + ".max",
                   absl::StrCat("max - min overflows a double for [", FormatDouble(p.min), ", ",
                                FormatDouble(p.max), "]; narrow the range"));
  }
  if (p.scale == Scale::kLog && p.min <= 0) {
    return Invalid(path + ".min",
                   absl::StrCat("is ", FormatDouble(p.min),
                                " but a LOG scale needs min > 0; raise min or use LINEAR"));
  }
  if (!std::isfinite(p.step) || p.step < 0) {
    return Invalid(path + ".step", absl::StrCat("must be finite and >= 0 (0: continuous), got ",
                                                FormatDouble(p.step)));
  }
  if (p.step == 0) return absl::OkStatus();
  if (p.scale == Scale::kLog) {
    return Invalid(path + ".step",
                   absl::StrCat("is ", FormatDouble(p.step),
                                " but steps are only allowed on a LINEAR scale; set step to 0 or "
                                "use LINEAR"));
  }
  const double range = p.max - p.min;
  if (range > 0 && p.step > range) {
    return Invalid(path + ".step",
                   absl::StrCat("is ", FormatDouble(p.step), ", larger than the range max - min = ",
                                FormatDouble(range), "; use a smaller step"));
  }
  if (range / p.step > kMaxSteps) {
    return Invalid(
        path + ".step",
        absl::StrCat("is ", FormatDouble(p.step), ", too small for the range ", FormatDouble(range),
                     " (more than 2^53 steps); set step to 0 for a continuous range"));
  }
  return absl::OkStatus();
}

absl::Status ValidateInteger(const std::string& path, const IntegerParameter& p) {
  if (p.min > p.max) {
    return Invalid(path + ".min",
                   absl::StrCat("is ", p.min, ", above max ", p.max, "; swap the bounds"));
  }
  int64_t span = 0;
  if (__builtin_sub_overflow(p.max, p.min, &span)) {
    return Invalid(path + ".max", absl::StrCat("the range [", p.min, ", ", p.max,
                                               "] is too wide: max - min must fit in a signed "
                                               "64-bit integer; narrow the range"));
  }
  if (p.scale == Scale::kLog && p.min <= 0) {
    return Invalid(path + ".min", absl::StrCat("is ", p.min,
                                               " but a LOG scale needs min >= 1; raise min or "
                                               "use LINEAR"));
  }
  if (p.step < 0) {
    return Invalid(path + ".step", absl::StrCat("must be >= 0 (0 means 1), got ", p.step));
  }
  const int64_t step = EffectiveStep(p);
  if (p.scale == Scale::kLog && step != 1) {
    return Invalid(path + ".step", absl::StrCat("is ", step,
                                                " but steps above 1 are only allowed on a LINEAR "
                                                "scale; set step to 1 or use LINEAR"));
  }
  if (span > 0 && step > span) {
    return Invalid(path + ".step", absl::StrCat("is ", step, ", larger than the range max - min = ",
                                                span, "; use a smaller step"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCategorical(const std::string& path, const CategoricalParameter& p) {
  if (p.values.empty()) {
    return Invalid(path + ".values", "is empty; list at least one category");
  }
  absl::flat_hash_map<absl::string_view, size_t> seen;
  for (size_t i = 0; i < p.values.size(); ++i) {
    const auto [it, inserted] = seen.emplace(p.values[i], i);
    if (!inserted) {
      return Invalid(absl::StrCat(path, ".values[", i, "]"),
                     absl::StrCat(Quote(p.values[i]), " repeats values[", it->second,
                                  "]; categories must be unique"));
    }
  }
  return absl::OkStatus();
}

std::string DescribeIntegerValues(const IntegerParameter& p) {
  return absl::StrCat("integers from ", p.min, " to ", p.max, " in steps of ", EffectiveStep(p));
}

absl::Status ValidateCondition(const SearchSpace& space, size_t index,
                               const absl::flat_hash_map<std::string, size_t>& earlier_names) {
  const ParameterConfig& child = space.parameters[index];
  const Condition& condition = *child.condition;
  const std::string path = absl::StrCat("parameters[", index, "].condition");
  if (condition.parent.empty()) {
    return Invalid(path + ".parent", "is empty; name an earlier categorical or integer parameter");
  }
  const auto parent_it = earlier_names.find(condition.parent);
  if (parent_it == earlier_names.end()) {
    for (size_t j = index; j < space.parameters.size(); ++j) {
      if (space.parameters[j].name == condition.parent) {
        return Invalid(path + ".parent",
                       absl::StrCat(Quote(condition.parent), " is parameters[", j,
                                    "], which does not come before parameters[", index,
                                    "]; move the parent earlier in the list"));
      }
    }
    return Invalid(path + ".parent", absl::StrCat(Quote(condition.parent),
                                                  " is not a parameter of the space; name an "
                                                  "earlier categorical or integer parameter"));
  }
  const ParameterConfig& parent = space.parameters[parent_it->second];
  const std::string activates =
      absl::StrCat(" of ", Quote(parent.name), " activate ", Quote(child.name));
  if (std::holds_alternative<DoubleParameter>(parent.kind)) {
    return Invalid(path + ".parent",
                   absl::StrCat(Quote(parent.name),
                                " is a float parameter; a parent must be categorical or integer"));
  }
  if (const auto* categorical = std::get_if<CategoricalParameter>(&parent.kind)) {
    if (!condition.integer_values.empty()) {
      return Invalid(path + ".integer_values",
                     absl::StrCat("is set but parent ", Quote(parent.name),
                                  " is categorical; list its values in categorical_values"));
    }
    if (condition.categorical_values.empty()) {
      return Invalid(path + ".categorical_values",
                     absl::StrCat("is empty; list which values", activates));
    }
    for (size_t k = 0; k < condition.categorical_values.size(); ++k) {
      const std::string& value = condition.categorical_values[k];
      if (std::find(categorical->values.begin(), categorical->values.end(), value) ==
          categorical->values.end()) {
        return Invalid(absl::StrCat(path, ".categorical_values[", k, "]"),
                       absl::StrCat(Quote(value), " is not a value of parent ", Quote(parent.name),
                                    " (", absl::StrJoin(categorical->values, ", "), ")"));
      }
    }
    return absl::OkStatus();
  }
  const auto& integer = std::get<IntegerParameter>(parent.kind);
  if (!condition.categorical_values.empty()) {
    return Invalid(path + ".categorical_values",
                   absl::StrCat("is set but parent ", Quote(parent.name),
                                " is an integer; list its values in integer_values"));
  }
  if (condition.integer_values.empty()) {
    return Invalid(path + ".integer_values",
                   absl::StrCat("is empty; list which values", activates));
  }
  for (size_t k = 0; k < condition.integer_values.size(); ++k) {
    const int64_t value = condition.integer_values[k];
    if (!IntegerIndexOf(integer, value).has_value()) {
      return Invalid(absl::StrCat(path, ".integer_values[", k, "]"),
                     absl::StrCat(value, " is not a value of parent ", Quote(parent.name), " (",
                                  DescribeIntegerValues(integer), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateKind(const std::string& path, const ParameterConfig& parameter) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    return ValidateDouble(path + ".double_spec", *d);
  }
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) {
    return ValidateInteger(path + ".integer_spec", *i);
  }
  return ValidateCategorical(path + ".categorical_spec",
                             std::get<CategoricalParameter>(parameter.kind));
}

}  // namespace

absl::Status ValidateSearchSpace(const SearchSpace& space) {
  if (space.parameters.empty()) {
    return Invalid("parameters", "is empty; add at least one parameter");
  }
  absl::flat_hash_map<std::string, size_t> earlier_names;
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const ParameterConfig& parameter = space.parameters[i];
    const std::string path = absl::StrCat("parameters[", i, "]");
    RETURN_IF_ERROR(ValidateName(path + ".name", parameter.name));
    if (const auto it = earlier_names.find(parameter.name); it != earlier_names.end()) {
      return Invalid(path + ".name",
                     absl::StrCat(Quote(parameter.name), " is already used by parameters[",
                                  it->second, "]; names must be unique"));
    }
    absl::Status status = ValidateKind(path, parameter);
    if (status.ok() && parameter.condition.has_value()) {
      status = ValidateCondition(space, i, earlier_names);
    }
    if (!status.ok()) {  // paths are positional; the name tells the user which one
      return absl::Status(status.code(),
                          absl::StrCat(status.message(), " (parameter ", Quote(parameter.name), ")"));
    }
    earlier_names.emplace(parameter.name, i);
  }
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
