#include "algorithms/schedules/refinement/schedule_bound_array.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/schedules/families/learning_rate.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/families/schedule_validation.h"
#include "algorithms/schedules/refinement/bound_schedule_arrays.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

// The package array over the schedule's own run (T + 1 entries), or nullopt for the families the
// package does not build.
absl::StatusOr<std::optional<std::vector<double>>> PackageArray(const Schedule& schedule) {
  const int64_t steps = schedule.total_steps + 1;
  const int64_t warmup = schedule.warmup_steps;
  const double floor = schedule.min_lr_ratio;
  switch (schedule.family) {
    case ScheduleFamily::kLinear:
      return MakeLinearDecayArray(steps, warmup, floor);
    case ScheduleFamily::kCosine:
      return MakeCosineArray(steps, warmup, floor);
    case ScheduleFamily::kConstant:
      return MakeConstantArray(steps, warmup);
    case ScheduleFamily::kWsd: {
      if (schedule.wsd.decay_shape == WsdDecayShape::kCosine) return std::nullopt;
      WsdArrayOptions options;
      options.steps = steps;
      options.cooldown_fraction = schedule.wsd.cooldown_fraction;
      options.cooldown_shape = schedule.wsd.decay_shape == WsdDecayShape::kLinear
                                   ? CooldownShape::kLinear
                                   : CooldownShape::kOneMinusSqrt;
      options.warmup_steps = warmup;
      options.final_lr = floor;
      return MakeWsdArray(options);
    }
    case ScheduleFamily::kInverseSqrt:
    case ScheduleFamily::kPolynomial:
    case ScheduleFamily::kOneCycle:
    case ScheduleFamily::kPiecewiseConstant:
    case ScheduleFamily::kTabulated:
    case ScheduleFamily::kStep:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<double>> ScheduleBoundArray(const Schedule& schedule, int64_t horizon) {
  if (horizon < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("horizon: ", horizon, " is < 1; the bound needs at least one step (T >= 1)"));
  }
  RETURN_IF_ERROR(ValidateSchedule(schedule));
  Schedule bound_schedule = schedule;
  if (bound_schedule.warmup_start_factor == 0.0) {
    bound_schedule.warmup_start_factor = kBoundWarmupStart;
  }
  const auto length = static_cast<size_t>(horizon) + 1;
  ASSIGN_OR_RETURN(std::optional<std::vector<double>> package, PackageArray(schedule));
  std::vector<double> values;
  if (package.has_value()) {
    values = *std::move(package);
    // Past T the schedule holds its value at T (the package's last entry).
    values.resize(length, values.back());
    // A PyTorch-style start factor a > 0 replaces the package's 1e-10 start.
    if (schedule.warmup_start_factor != 0.0) {
      for (int64_t t = 0; t < schedule.warmup_steps && t <= horizon; ++t) {
        values[static_cast<size_t>(t)] = ScheduleShapeAt(bound_schedule, t);
      }
    }
    return values;
  }
  values.reserve(length);
  for (int64_t t = 0; t <= horizon; ++t) values.push_back(ScheduleShapeAt(bound_schedule, t));
  return values;
}

}  // namespace hyperd::algorithms::schedules::refinement
