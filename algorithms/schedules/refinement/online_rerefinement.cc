#include "algorithms/schedules/refinement/online_rerefinement.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/schedules/families/learning_rate.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/families/schedule_validation.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

// The reference's cap on the resampling grid (§2.3), also the default grid here.
constexpr int64_t kMaxGridPoints = 10000;

absl::Status ValidateOptions(const RerefineOptions& options) {
  if (!(options.filter_fraction >= 0.0 && options.filter_fraction <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.filter_fraction: ", options.filter_fraction,
                     " is outside [0, 1]; the default is 0.1"));
  }
  if (!(options.min_multiplier >= 0.0 && options.min_multiplier < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.min_multiplier: ", options.min_multiplier,
                     " is outside [0, 1); use 0 for no floor"));
  }
  if (!(options.recent_fraction > 0.0 && options.recent_fraction <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.recent_fraction: ", options.recent_fraction,
                     " is outside (0, 1]; the default is 0.1"));
  }
  if (options.trim_leading < 0) {
    return absl::InvalidArgumentError(absl::StrCat("options.trim_leading: ", options.trim_leading,
                                                   " is negative; the default is 2"));
  }
  if (!(options.max_nonfinite_fraction >= 0.0 && options.max_nonfinite_fraction <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.max_nonfinite_fraction: ", options.max_nonfinite_fraction,
                     " is outside [0, 1]; the default is 0.05"));
  }
  if (options.min_samples < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.min_samples: ", options.min_samples, " is < 2; the default is 10"));
  }
  if (options.grid_points != 0 && options.grid_points < 2) {
    return absl::InvalidArgumentError(absl::StrCat("options.grid_points: ", options.grid_points,
                                                   " must be 0 (min(T, 10000)) or ≥ 2"));
  }
  return absl::OkStatus();
}

absl::Status ValidateSeen(const std::vector<GradientNormSample>& seen, int64_t current_step) {
  for (size_t i = 0; i < seen.size(); ++i) {
    const GradientNormSample& sample = seen[i];
    if (sample.step < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("seen[", i, "].step: ", sample.step, " is negative; steps are 0-indexed"));
    }
    if (i > 0 && sample.step <= seen[i - 1].step) {
      return absl::InvalidArgumentError(
          absl::StrCat("seen[", i, "].step: ", sample.step, " is not greater than seen[", i - 1,
                       "].step (", seen[i - 1].step, "); pass one norm per step, by step"));
    }
    if (sample.step >= current_step) {
      return absl::InvalidArgumentError(
          absl::StrCat("seen[", i, "].step: ", sample.step, " is ≥ current_step (", current_step,
                       "); only norms of steps already taken can shape the rest of the run"));
    }
    if (std::isfinite(sample.norm) && sample.norm < 0.0) {
      return absl::InvalidArgumentError(
          absl::StrCat("seen[", i, "].norm: ", sample.norm, " is negative; report a norm (≥ 0)"));
    }
  }
  return absl::OkStatus();
}

double Median(std::vector<double> values) {
  const size_t n = values.size();
  std::sort(values.begin(), values.end());
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// The tabulated shape (grid u_i = i/(N−1)) at normalised time u in [0, 1], linearly interpolated.
double ShapeAt(const std::vector<double>& shape, double u) {
  const auto last = static_cast<double>(shape.size() - 1);
  const double x = std::clamp(u * last, 0.0, last);
  const size_t lo = std::min(static_cast<size_t>(x), shape.size() - 2);
  return shape[lo] + (x - static_cast<double>(lo)) * (shape[lo + 1] - shape[lo]);
}

RerefinedSchedule Unchanged(const Schedule& current, std::string reason) {
  RerefinedSchedule result;
  result.schedule = current;
  result.unchanged_reason = std::move(reason);
  return result;
}

}  // namespace

absl::StatusOr<RerefinedSchedule> RerefineRemainder(const Schedule& current,
                                                    const std::vector<GradientNormSample>& seen,
                                                    int64_t current_step,
                                                    const RerefineOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(ValidateSchedule(current));
  if (current_step < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("current_step: ", current_step,
                     " is negative; it is the 0-indexed step the new schedule "
                     "starts at"));
  }
  RETURN_IF_ERROR(ValidateSeen(seen, current_step));
  const int64_t total = current.total_steps;
  const int64_t k = current_step;
  if (k >= total - 1) {
    return Unchanged(current, absl::StrCat("current_step ", k, " leaves fewer than 2 of the ",
                                           total, " steps to re-plan"));
  }
  if (seen.empty()) {
    return Unchanged(current, "no gradient norms reported yet");
  }

  std::vector<GradientNormSample> clean;
  for (const GradientNormSample& sample : seen) {
    if (std::isfinite(sample.norm)) clean.push_back(sample);
  }
  const size_t nonfinite = seen.size() - clean.size();
  if (static_cast<double>(nonfinite) >
      options.max_nonfinite_fraction * static_cast<double>(seen.size())) {
    return Unchanged(current, absl::StrCat(nonfinite, " of ", seen.size(),
                                           " norms are non-finite, more than "
                                           "max_nonfinite_fraction (",
                                           options.max_nonfinite_fraction, ")"));
  }
  const auto trim = std::min(clean.size(), static_cast<size_t>(options.trim_leading));
  clean.erase(clean.begin(), clean.begin() + static_cast<std::ptrdiff_t>(trim));
  if (clean.size() < static_cast<size_t>(options.min_samples)) {
    return Unchanged(
        current, absl::StrCat(clean.size(),
                              " clean norms remain after dropping non-finite "
                              "ones and the first ",
                              options.trim_leading, ", below min_samples ", options.min_samples));
  }
  std::vector<double> norms;
  norms.reserve(clean.size());
  for (const GradientNormSample& sample : clean) norms.push_back(sample.norm);
  if (Median(norms) <= 0.0) {
    return Unchanged(current,
                     "more than half of the reported norms are 0; check that the job "
                     "reports pre-clip gradient norms");
  }
  const auto recent = std::max<size_t>(
      1,
      static_cast<size_t>(std::ceil(options.recent_fraction * static_cast<double>(norms.size()))));
  const double extrapolated =
      Median(std::vector<double>(norms.end() - static_cast<std::ptrdiff_t>(recent), norms.end()));
  if (extrapolated <= 0.0) {
    return Unchanged(current, absl::StrCat("the median of the last ", recent,
                                           " norms is 0, so future norms cannot be extrapolated"));
  }

  // RefineScheduleFromNorms holds the last sample flat to T − 1, so one extrapolated sample right
  // after the last report makes every later norm the recent median.
  std::vector<GradientNormSample> samples = clean;
  samples.push_back({clean.back().step + 1, extrapolated});
  RefinementOptions refine;
  refine.kind = options.kind;
  refine.run_steps = total;
  refine.output_steps = 2;  // only the shape on the grid is used
  refine.filter_fraction = options.filter_fraction;
  refine.grid_points =
      options.grid_points > 0 ? options.grid_points : std::min(total, kMaxGridPoints);
  refine.trim_per_end = 0;              // the leading trim is done above; the tail is live data
  refine.max_nonfinite_fraction = 1.0;  // checked above on the reports themselves
  refine.min_steps = 2;                 // checked above
  ASSIGN_OR_RETURN(RefinedSchedule refined, RefineScheduleFromNorms(samples, refine));
  if (refined.fell_back_to_linear_decay) {
    return Unchanged(current, refined.fallback_reason);
  }

  const auto last_step = static_cast<double>(total - 1);
  const double s_k = ScheduleShapeAt(current, k);
  const double r_k = ShapeAt(refined.shape, static_cast<double>(k) / last_step);
  if (!(r_k > 0.0)) {
    return Unchanged(current, absl::StrCat("the re-refined shape is 0 at current_step ", k,
                                           ", so it cannot continue from the LR in use"));
  }
  const double cap = std::max(1.0, s_k);
  const double floor = std::min(options.min_multiplier, s_k);
  // s'_t at normalised time u of a step after k; `last` marks t = T − 1 (no floor there).
  auto tail = [&](double u, bool last) {
    const double value = std::min(cap, s_k * ShapeAt(refined.shape, u) / r_k);
    return last ? value : std::max(value, floor);
  };

  const int64_t points = std::min(total, kMaxRerefinedTablePoints);
  std::vector<double> table(static_cast<size_t>(points));
  if (points == total) {
    for (int64_t t = 0; t < total; ++t) {
      const auto i = static_cast<size_t>(t);
      if (t < k) {
        table[i] = ScheduleShapeAt(current, t);
      } else if (t == k) {
        table[i] = s_k;
      } else {
        table[i] = tail(static_cast<double>(t) / last_step, t == total - 1);
      }
    }
  } else {
    // Grid point j sits at step x_j = j·(T−1)/(n−1); k lies in [x_i, x_{i+1}). Exact integer
    // arithmetic decides whether k is a grid point (k·(n−1) can exceed 2^63 for huge T).
    const absl::int128 scaled = absl::int128(k) * (points - 1);
    const auto cell = static_cast<int64_t>(scaled / (total - 1));
    const bool on_grid = scaled % (total - 1) == 0;
    const double spacing = last_step / static_cast<double>(points - 1);
    for (int64_t j = 0; j < points; ++j) {
      const auto i = static_cast<size_t>(j);
      if (j < cell) {
        table[i] = ScheduleShapeAt(current, std::llround(static_cast<double>(j) * spacing));
      } else if (j == cell || (j == cell + 1 && !on_grid)) {
        table[i] = s_k;  // exact at k, and flat up to the next grid point when k is between two
      } else {
        table[i] = tail(static_cast<double>(j) / static_cast<double>(points - 1), j == points - 1);
      }
    }
  }

  RerefinedSchedule result;
  result.changed = true;
  result.extrapolated_norm = extrapolated;
  result.recent_samples = static_cast<int64_t>(recent);
  Schedule& next = result.schedule;
  next.family = ScheduleFamily::kTabulated;
  next.base_lr = current.base_lr;
  next.total_steps = total;
  // piecewise_constant factors > 1 can lift the current shape above 1: keep every LR and move
  // the peak into base_lr, since a table holds values in [0, 1].
  const double peak = *std::max_element(table.begin(), table.end());
  if (peak > 1.0) {
    next.base_lr = current.base_lr * peak;
    for (double& value : table) value /= peak;
  }
  next.tabulated.shape = std::move(table);
  if (absl::Status status = ValidateSchedule(next); !status.ok()) {
    return absl::InternalError(absl::StrCat(
        "re-refined schedule is invalid (a bug in RerefineRemainder): ", status.message()));
  }
  return result;
}

}  // namespace hyperd::algorithms::schedules::refinement
