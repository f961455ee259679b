#include "algorithms/schedules/refinement/schedule_refinement.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

// The reference resamples onto at most this many points (§2.3).
constexpr int64_t kMaxGridPoints = 10000;
// Zero norms are clamped to this fraction of the median norm (§2.5).
constexpr double kZeroClampFraction = 1e-12;

absl::Status ValidateOptions(const RefinementOptions& options) {
  if (options.output_steps < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output_steps: ", options.output_steps, " is < 2; set it to the step count T' of run B"));
  }
  if (options.run_steps < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "run_steps: ", options.run_steps, " is negative; use 0 for last logged step + 1"));
  }
  if (!(options.filter_fraction >= 0.0 && options.filter_fraction <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat("filter_fraction: ", options.filter_fraction,
                                                   " is outside [0, 1]; the default is 0.1"));
  }
  if (options.grid_points != 0 && options.grid_points < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grid_points: ", options.grid_points, " must be 0 (automatic) or ≥ 2"));
  }
  if (options.trim_per_end < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("trim_per_end: ", options.trim_per_end, " is negative; the default is 2"));
  }
  if (!(options.max_nonfinite_fraction >= 0.0 && options.max_nonfinite_fraction <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat("max_nonfinite_fraction: ",
                                                   options.max_nonfinite_fraction,
                                                   " is outside [0, 1]; the default is 0.05"));
  }
  if (options.min_steps < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_steps: ", options.min_steps, " is < 2; the default is 10"));
  }
  if (!(options.min_multiplier >= 0.0 && options.min_multiplier < 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_multiplier: ", options.min_multiplier, " is outside [0, 1); use 0 for no floor"));
  }
  return absl::OkStatus();
}

absl::Status ValidateSamples(const std::vector<GradientNormSample>& samples, int64_t run_steps) {
  if (samples.empty()) {
    return absl::InvalidArgumentError(
        "samples: is empty; run A must report grad_norm_l2 (or grad_norm_l1) per step");
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    const GradientNormSample& sample = samples[i];
    if (sample.step < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("samples[", i, "].step: ", sample.step, " is negative; steps are 0-indexed"));
    }
    if (i > 0 && sample.step <= samples[i - 1].step) {
      return absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].step: ", sample.step, " is not greater than samples[", i - 1,
          "].step (", samples[i - 1].step,
          "); sort the log by step and keep one norm per step"));
    }
    if (run_steps > 0 && sample.step >= run_steps) {
      return absl::InvalidArgumentError(absl::StrCat("samples[", i, "].step: ", sample.step,
                                                     " is ≥ run_steps (", run_steps,
                                                     "); steps must lie in [0, run_steps)"));
    }
    if (std::isfinite(sample.norm) && sample.norm < 0.0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "].norm: ", sample.norm, " is negative; report a norm (≥ 0)"));
    }
  }
  return absl::OkStatus();
}

double Median(std::vector<double> values) {
  const size_t n = values.size();
  std::sort(values.begin(), values.end());
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Linear interpolation of (steps, norms) at `position`, held flat outside the sampled range.
double InterpolateNorm(const std::vector<double>& steps, const std::vector<double>& norms,
                       double position) {
  if (position <= steps.front()) return norms.front();
  if (position >= steps.back()) return norms.back();
  const size_t hi = static_cast<size_t>(
      std::upper_bound(steps.begin(), steps.end(), position) - steps.begin());
  const size_t lo = hi - 1;
  const double fraction = (position - steps[lo]) / (steps[hi] - steps[lo]);
  return norms[lo] + fraction * (norms[hi] - norms[lo]);
}

RefinedSchedule LinearDecayFallback(int64_t output_steps, std::string reason) {
  RefinedSchedule schedule;
  schedule.multipliers = LinearDecayMultipliers(output_steps);
  schedule.shape = {1.0, 0.0};
  schedule.fell_back_to_linear_decay = true;
  schedule.fallback_reason = std::move(reason);
  return schedule;
}

}  // namespace

std::vector<double> LinearDecayMultipliers(int64_t steps) {
  std::vector<double> multipliers(static_cast<size_t>(steps));
  for (int64_t t = 0; t < steps; ++t) {
    multipliers[static_cast<size_t>(t)] =
        1.0 - static_cast<double>(t) / static_cast<double>(steps - 1);
  }
  return multipliers;
}

std::vector<double> InterpolateShape(const std::vector<double>& shape, int64_t steps) {
  const auto last_point = static_cast<double>(shape.size() - 1);
  std::vector<double> values(static_cast<size_t>(steps));
  for (int64_t t = 0; t < steps; ++t) {
    const double position = static_cast<double>(t) / static_cast<double>(steps - 1) * last_point;
    const auto lo = std::min(static_cast<size_t>(position), shape.size() - 2);
    const double fraction = position - static_cast<double>(lo);
    values[static_cast<size_t>(t)] = shape[lo] + fraction * (shape[lo + 1] - shape[lo]);
  }
  // u = 1 lands exactly on the last grid point; keep the schedule's final 0 exact.
  values.back() = shape.back();
  return values;
}

std::vector<double> ToLearningRates(const std::vector<double>& multipliers, double base_lr) {
  std::vector<double> lrs(multipliers.size());
  for (size_t t = 0; t < multipliers.size(); ++t) lrs[t] = base_lr * multipliers[t];
  return lrs;
}

absl::StatusOr<RefinedSchedule> RefineScheduleFromNorms(
    const std::vector<GradientNormSample>& samples, const RefinementOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(ValidateSamples(samples, options.run_steps));
  const int64_t run_steps =
      options.run_steps > 0 ? options.run_steps : samples.back().step + 1;

  std::vector<double> steps;
  std::vector<double> norms;
  for (const GradientNormSample& sample : samples) {
    if (!std::isfinite(sample.norm)) continue;
    steps.push_back(static_cast<double>(sample.step));
    norms.push_back(sample.norm);
  }
  const size_t nonfinite = samples.size() - norms.size();
  if (static_cast<double>(nonfinite) >
      options.max_nonfinite_fraction * static_cast<double>(samples.size())) {
    return LinearDecayFallback(
        options.output_steps,
        absl::StrCat(nonfinite, " of ", samples.size(),
                     " norms are non-finite, more than max_nonfinite_fraction (",
                     options.max_nonfinite_fraction, "); the log is unusable for refinement"));
  }
  if (run_steps < options.min_steps) {
    return LinearDecayFallback(options.output_steps,
                               absl::StrCat("run_steps ", run_steps, " is below min_steps ",
                                            options.min_steps, "; refinement needs a longer run"));
  }
  const auto trim = static_cast<size_t>(options.trim_per_end);
  const size_t kept = norms.size() > 2 * trim ? norms.size() - 2 * trim : 0;
  if (kept < static_cast<size_t>(options.min_steps)) {
    return LinearDecayFallback(
        options.output_steps,
        absl::StrCat(kept, " clean samples remain after dropping non-finite norms and trimming ",
                     trim, " per end, below min_steps ", options.min_steps));
  }
  steps = std::vector<double>(steps.begin() + trim, steps.begin() + trim + kept);
  norms = std::vector<double>(norms.begin() + trim, norms.begin() + trim + kept);

  // The closed form is scale-invariant, so dividing by the median changes nothing but keeps the
  // weights G^-2 of tiny or huge norms inside the double range.
  const double median = Median(norms);
  if (median <= 0.0) {
    return absl::InvalidArgumentError(
        "samples: more than half of the finite norms are 0, so the zero clamp "
        "max(G, 1e-12·median) is undefined; check that the job reports pre-clip gradient norms");
  }
  for (double& norm : norms) norm = std::max(norm / median, kZeroClampFraction);

  const int64_t grid_points = options.grid_points > 0
                                  ? options.grid_points
                                  : std::min<int64_t>(static_cast<int64_t>(kept), kMaxGridPoints);
  std::vector<double> grid_norms(static_cast<size_t>(grid_points));
  for (int64_t i = 0; i < grid_points; ++i) {
    const double u = static_cast<double>(i) / static_cast<double>(grid_points - 1);
    grid_norms[static_cast<size_t>(i)] =
        InterpolateNorm(steps, norms, u * static_cast<double>(run_steps - 1));
  }

  RefinedSchedule schedule;
  ASSIGN_OR_RETURN(schedule.shape,
                   RefineShape(grid_norms, RefineShapeOptions{options.kind,
                                                              options.filter_fraction}));
  schedule.multipliers = InterpolateShape(schedule.shape, options.output_steps);
  for (size_t t = 0; t + 1 < schedule.multipliers.size(); ++t) {
    schedule.multipliers[t] = std::max(schedule.multipliers[t], options.min_multiplier);
  }
  return schedule;
}

}  // namespace hyperd::algorithms::schedules::refinement
