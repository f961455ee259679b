#include "algorithms/schedules/refinement/convex_bound.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

absl::Status ValidateConstants(const BoundConstants& constants, int64_t horizon) {
  if (!(std::isfinite(constants.distance) && constants.distance > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "distance: ", constants.distance, " must be finite and > 0 (D = ‖x_1 - x*‖)"));
  }
  if (constants.grad_norms.empty()) {
    if (!(std::isfinite(constants.grad_norm) && constants.grad_norm >= 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("grad_norm: ", constants.grad_norm, " must be finite and ≥ 0"));
    }
    return absl::OkStatus();
  }
  if (static_cast<int64_t>(constants.grad_norms.size()) < horizon) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grad_norms: has ", constants.grad_norms.size(), " entries but the horizon is ", horizon,
        "; give one G_t per step or leave it empty for a constant grad_norm"));
  }
  for (size_t t = 0; t < static_cast<size_t>(horizon); ++t) {
    const double g = constants.grad_norms[t];
    if (!(std::isfinite(g) && g >= 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("grad_norms[", t, "]: ", g, " must be finite and ≥ 0"));
    }
  }
  return absl::OkStatus();
}

double GradNormAt(const BoundConstants& constants, size_t t) {
  return constants.grad_norms.empty() ? constants.grad_norm : constants.grad_norms[t];
}

// Terms with the window already validated and trimmed to end at a positive LR.
ConvexBoundTerms Terms(const std::vector<double>& lrs, size_t horizon,
                       const BoundConstants& constants) {
  double lr_sum = 0.0;
  double noise_sum = 0.0;
  for (size_t t = 0; t < horizon; ++t) {
    const double g = GradNormAt(constants, t);
    lr_sum += lrs[t];
    noise_sum += lrs[t] * lrs[t] * g * g;
  }
  // Suffix sums accumulated backwards, so they are never negative through cancellation (the
  // package's sum - cumsum needed a clamp for that).
  double last_iterate = 0.0;
  double lr_after = 0.0;     // η_{k+1:T}
  double noise_from = 0.0;   // Σ_{t≥k} η_t²G_t²
  for (size_t k = horizon; k-- > 0;) {
    const double g = GradNormAt(constants, k);
    noise_from += lrs[k] * lrs[k] * g * g;
    if (k + 1 < horizon) {
      const double lr_from = lr_after + lrs[k];  // η_{k:T}
      last_iterate += lrs[k] / lr_after * noise_from / lr_from;
    }
    lr_after += lrs[k];
  }
  const double d = constants.distance;
  return ConvexBoundTerms{d * d / (2.0 * lr_sum), noise_sum / (2.0 * lr_sum),
                          0.5 * last_iterate};
}

double Harmonic(int64_t n) {
  double sum = 0.0;
  for (int64_t i = 1; i <= n; ++i) sum += 1.0 / static_cast<double>(i);
  return sum;
}

}  // namespace

absl::StatusOr<ConvexBoundTerms> ComputeConvexBoundTerms(const std::vector<double>& lrs,
                                                         int64_t horizon,
                                                         const BoundConstants& constants) {
  if (horizon < 1 || horizon > static_cast<int64_t>(lrs.size())) {
    return absl::InvalidArgumentError(absl::StrCat("horizon: ", horizon, " is outside [1, ",
                                                   lrs.size(), "] (the schedule's length)"));
  }
  for (size_t t = 0; t < static_cast<size_t>(horizon); ++t) {
    if (!(std::isfinite(lrs[t]) && lrs[t] >= 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("schedule[", t, "]: ", lrs[t], " must be finite and ≥ 0"));
    }
  }
  RETURN_IF_ERROR(ValidateConstants(constants, horizon));
  auto effective = static_cast<size_t>(horizon);
  while (effective > 0 && lrs[effective - 1] == 0.0) --effective;
  if (effective == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "schedule: the first ", horizon, " learning rates are all 0; the bound is infinite"));
  }
  return Terms(lrs, effective, constants);
}

double BoundAtBaseLr(const ConvexBoundTerms& shape_terms, double base_lr) {
  return shape_terms.distance_term / base_lr +
         base_lr * (shape_terms.noise_term + shape_terms.last_iterate_term);
}

absl::StatusOr<OptimalBaseLr> ComputeOptimalBaseLr(const std::vector<double>& shape,
                                                   int64_t horizon,
                                                   const BoundConstants& constants) {
  ASSIGN_OR_RETURN(ConvexBoundTerms terms, ComputeConvexBoundTerms(shape, horizon, constants));
  const double noise = terms.noise_term + terms.last_iterate_term;
  if (!(noise > 0.0)) {
    return absl::InvalidArgumentError(
        "grad_norm: every gradient norm is 0, so the optimal base LR is infinite; "
        "give G > 0");
  }
  return OptimalBaseLr{std::sqrt(terms.distance_term / noise),
                       2.0 * std::sqrt(terms.distance_term * noise)};
}

absl::StatusOr<double> WsdTheoremBound(int64_t horizon, int64_t cooldown_start, double distance,
                                       double grad_norm) {
  if (!(cooldown_start >= 1 && cooldown_start < horizon)) {
    return absl::InvalidArgumentError(absl::StrCat("cooldown_start: ", cooldown_start,
                                                   " is outside [1, horizon = ", horizon, ")"));
  }
  if (!(std::isfinite(distance) && distance > 0.0 && std::isfinite(grad_norm) &&
        grad_norm >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("distance/grad_norm: ", distance, "/", grad_norm,
                     " must be finite with D > 0 and G ≥ 0"));
  }
  const auto t = static_cast<double>(horizon);
  const auto t0 = static_cast<double>(cooldown_start);
  const int64_t gap = horizon - cooldown_start;
  const double s = 2.0 / 3.0 + (t + 2.0 * t0) / (3.0 * (t + t0)) +
                   Harmonic(horizon + cooldown_start - 2) - Harmonic(gap + 1) -
                   (t - t0) * (t0 - 1.0) / (3.0 * (t - t0 + 2.0) * (t + t0)) +
                   1.0 / ((t - t0) * (t - t0)) +
                   Harmonic(gap - 1) / (t - t0 + 1.0);
  return distance * grad_norm * std::sqrt(4.0 * s / (t + t0));
}

}  // namespace hyperd::algorithms::schedules::refinement
