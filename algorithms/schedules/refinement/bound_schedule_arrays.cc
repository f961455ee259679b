#include "algorithms/schedules/refinement/bound_schedule_arrays.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

absl::Status ValidateFinalLr(double final_lr, double last_main_lr) {
  if (!(final_lr >= 0.0 && final_lr <= last_main_lr)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "final_lr: ", final_lr, " is outside [0, ", last_main_lr,
        "]; the cooldown cannot end above the LR it starts from or below 0"));
  }
  return absl::OkStatus();
}

absl::Status ValidateWarmup(int64_t steps, int64_t warmup_steps, int64_t min_rest) {
  if (steps < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: ", steps, " is < 1; an array has T + 1 entries"));
  }
  if (warmup_steps < 0 || warmup_steps > steps - min_rest) {
    return absl::InvalidArgumentError(absl::StrCat("warmup_steps: ", warmup_steps,
                                                   " is outside [0, ", steps - min_rest,
                                                   "] for steps = ", steps));
  }
  return absl::OkStatus();
}

void AppendWarmup(int64_t warmup_steps, std::vector<double>& values) {
  for (int64_t t = 0; t < warmup_steps; ++t) {
    values.push_back(kBoundWarmupStart + static_cast<double>(t) /
                                             static_cast<double>(warmup_steps) *
                                             (1.0 - kBoundWarmupStart));
  }
}

void AppendCooldown(int64_t cooldown_steps, CooldownShape shape, double from, double to,
                    std::vector<double>& values) {
  const auto cd = static_cast<double>(cooldown_steps);
  for (int64_t j = 0; j < cooldown_steps; ++j) {
    const double progress = static_cast<double>(j + 1) / cd;
    values.push_back(shape == CooldownShape::kLinear
                         ? from - static_cast<double>(j + 1) * (from - to) / cd
                         : to + (from - to) * (1.0 - std::sqrt(progress)));
  }
}

// The package's cooldown length: int(c·steps), one less when warm-up + cooldown fill the array.
int64_t WsdCooldownSteps(int64_t steps, double cooldown_fraction, int64_t warmup_steps) {
  auto cd = static_cast<int64_t>(cooldown_fraction * static_cast<double>(steps));
  if (warmup_steps + cd == steps) cd -= 1;
  return cd;
}

}  // namespace

int64_t WsdCooldownStart(int64_t steps, double cooldown_fraction, int64_t warmup_steps) {
  return steps - WsdCooldownSteps(steps, cooldown_fraction, warmup_steps);
}

absl::StatusOr<std::vector<double>> MakeWsdArray(const WsdArrayOptions& options) {
  RETURN_IF_ERROR(ValidateWarmup(options.steps, options.warmup_steps, 0));
  if (!(options.cooldown_fraction >= 0.0 && options.cooldown_fraction <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cooldown_fraction: ", options.cooldown_fraction, " is outside [0, 1]"));
  }
  RETURN_IF_ERROR(ValidateFinalLr(options.final_lr, 1.0));
  const int64_t cd =
      WsdCooldownSteps(options.steps, options.cooldown_fraction, options.warmup_steps);
  const int64_t ones = options.steps - cd - options.warmup_steps;
  if (cd < 0 || ones < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "warmup_steps: ", options.warmup_steps, " plus the ", cd, " cooldown steps of c = ",
        options.cooldown_fraction, " exceed steps = ", options.steps,
        "; shorten the warm-up or the cooldown"));
  }
  std::vector<double> values;
  values.reserve(static_cast<size_t>(options.steps));
  AppendWarmup(options.warmup_steps, values);
  values.insert(values.end(), static_cast<size_t>(ones), 1.0);
  AppendCooldown(cd, options.cooldown_shape, 1.0, options.final_lr, values);
  return values;
}

absl::StatusOr<std::vector<double>> MakeLinearDecayArray(int64_t steps, int64_t warmup_steps,
                                                         double final_lr) {
  RETURN_IF_ERROR(ValidateWarmup(steps, warmup_steps, 2));
  RETURN_IF_ERROR(ValidateFinalLr(final_lr, 1.0));
  std::vector<double> values;
  values.reserve(static_cast<size_t>(steps));
  AppendWarmup(warmup_steps, values);
  values.push_back(1.0);
  AppendCooldown(steps - warmup_steps - 1, CooldownShape::kLinear, 1.0, final_lr, values);
  return values;
}

absl::StatusOr<std::vector<double>> MakeConstantArray(int64_t steps, int64_t warmup_steps) {
  RETURN_IF_ERROR(ValidateWarmup(steps, warmup_steps, 1));
  std::vector<double> values;
  values.reserve(static_cast<size_t>(steps));
  AppendWarmup(warmup_steps, values);
  values.insert(values.end(), static_cast<size_t>(steps - warmup_steps), 1.0);
  return values;
}

absl::StatusOr<std::vector<double>> MakeCosineArray(int64_t steps, int64_t warmup_steps,
                                                    double final_lr) {
  RETURN_IF_ERROR(ValidateWarmup(steps, warmup_steps, 2));
  RETURN_IF_ERROR(ValidateFinalLr(final_lr, 1.0));
  std::vector<double> values;
  values.reserve(static_cast<size_t>(steps));
  AppendWarmup(warmup_steps, values);
  const int64_t n = steps - warmup_steps;
  for (int64_t i = 0; i < n; ++i) {
    const double angle = static_cast<double>(i) / static_cast<double>(n - 1) * M_PI;
    values.push_back(final_lr + 0.5 * (1.0 - final_lr) * (1.0 + std::cos(angle)));
  }
  return values;
}

absl::StatusOr<std::vector<double>> MakeTwoStageArray(const TwoStageArrayOptions& options) {
  if (options.steps < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: ", options.steps, " is < 1; an array has T + 1 entries"));
  }
  if (options.cooldown_steps < 0 || options.cooldown_steps > options.steps) {
    return absl::InvalidArgumentError(absl::StrCat("cooldown_steps: ", options.cooldown_steps,
                                                   " is outside [0, steps = ", options.steps,
                                                   "]"));
  }
  const int64_t cooldown_start = options.steps - options.cooldown_steps;
  if (options.drop_step < 0 || options.drop_step > cooldown_start) {
    return absl::InvalidArgumentError(absl::StrCat(
        "drop_step: ", options.drop_step, " is outside [0, ", cooldown_start,
        "]; the LR drop must come before the cooldown starts"));
  }
  if (!(options.factor > 0.0 && options.factor <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("factor: ", options.factor, " is outside (0, 1]"));
  }
  RETURN_IF_ERROR(ValidateFinalLr(options.final_lr, options.factor));
  std::vector<double> values;
  values.reserve(static_cast<size_t>(options.steps));
  values.insert(values.end(), static_cast<size_t>(options.drop_step), 1.0);
  values.insert(values.end(), static_cast<size_t>(cooldown_start - options.drop_step),
                options.factor);
  AppendCooldown(options.cooldown_steps, options.cooldown_shape, options.factor, options.final_lr,
                 values);
  return values;
}

}  // namespace hyperd::algorithms::schedules::refinement
