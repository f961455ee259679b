#include "algorithms/schedules/families/schedule.h"

#include <optional>

#include "absl/strings/string_view.h"

namespace hyperd::algorithms::schedules {

absl::string_view ScheduleFamilyName(ScheduleFamily family) {
  switch (family) {
    case ScheduleFamily::kConstant:
      return "constant";
    case ScheduleFamily::kLinear:
      return "linear";
    case ScheduleFamily::kCosine:
      return "cosine";
    case ScheduleFamily::kWsd:
      return "wsd";
    case ScheduleFamily::kInverseSqrt:
      return "inverse_sqrt";
    case ScheduleFamily::kPolynomial:
      return "polynomial";
    case ScheduleFamily::kOneCycle:
      return "onecycle";
    case ScheduleFamily::kPiecewiseConstant:
      return "piecewise_constant";
    case ScheduleFamily::kTabulated:
      return "tabulated";
    case ScheduleFamily::kStep:
      return "step";
  }
  return "unknown";
}

std::optional<ScheduleFamily> ScheduleFamilyFromName(absl::string_view name) {
  for (ScheduleFamily family :
       {ScheduleFamily::kConstant, ScheduleFamily::kLinear, ScheduleFamily::kCosine,
        ScheduleFamily::kWsd, ScheduleFamily::kInverseSqrt, ScheduleFamily::kPolynomial,
        ScheduleFamily::kOneCycle, ScheduleFamily::kPiecewiseConstant, ScheduleFamily::kTabulated,
        ScheduleFamily::kStep}) {
    if (ScheduleFamilyName(family) == name) return family;
  }
  return std::nullopt;
}

}  // namespace hyperd::algorithms::schedules
