#include "algorithms/space/value_format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"

namespace hyperd::algorithms {

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // 17 significant digits always round-trip; try fewer first so 0.001 prints as "0.001".
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string FormatParameterValue(const ParameterValue& value) {
  if (const auto* d = std::get_if<double>(&value)) return FormatDouble(*d);
  if (const auto* i = std::get_if<int64_t>(&value)) return absl::StrCat(*i);
  return std::get<std::string>(value);
}

}  // namespace hyperd::algorithms
