#include "algorithms/schedules/refinement/bound_planner.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "algorithms/schedules/refinement/convex_bound.h"
#include "common/status_macros.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

absl::Status PrefixField(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

absl::Status ValidateCandidates(const std::vector<double>& candidates,
                                absl::string_view field) {
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!(candidates[i] > 0.0 && candidates[i] <= 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: ", candidates[i], " is outside (0, 1]"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateExtension(const CooldownExtensionOptions& options) {
  if (options.first_horizon < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_horizon: ", options.first_horizon, " is < 2"));
  }
  if (options.second_horizon <= options.first_horizon) {
    return absl::InvalidArgumentError(absl::StrCat(
        "second_horizon: ", options.second_horizon, " must exceed first_horizon (",
        options.first_horizon, "); the extension continues to a longer horizon"));
  }
  if (!(options.first_cooldown_fraction > 0.0 && options.first_cooldown_fraction <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "first_cooldown_fraction: ", options.first_cooldown_fraction, " is outside (0, 1]"));
  }
  if (!(options.two_stage_cooldown_fraction > 0.0 && options.two_stage_cooldown_fraction < 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat("two_stage_cooldown_fraction: ",
                                                   options.two_stage_cooldown_fraction,
                                                   " is outside (0, 1)"));
  }
  if (!(options.warn_relative_difference >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "warn_relative_difference: ", options.warn_relative_difference, " must be ≥ 0"));
  }
  RETURN_IF_ERROR(ValidateCandidates(options.cooldown_candidates, "cooldown_candidates"));
  return ValidateCandidates(options.factor_candidates, "factor_candidates");
}

absl::StatusOr<double> WsdOptimalBaseLr(int64_t horizon, double cooldown_fraction,
                                        CooldownShape shape) {
  ASSIGN_OR_RETURN(std::vector<double> wsd,
                   MakeWsdArray({horizon + 1, cooldown_fraction, shape, 0, 0.0}));
  ASSIGN_OR_RETURN(OptimalBaseLr best, ComputeOptimalBaseLr(wsd, horizon, {}));
  return best.base_lr;
}

absl::StatusOr<double> BoundAt(const std::vector<double>& shape, int64_t horizon,
                               double base_lr) {
  ASSIGN_OR_RETURN(ConvexBoundTerms terms, ComputeConvexBoundTerms(shape, horizon, {}));
  return BoundAtBaseLr(terms, base_lr);
}

}  // namespace

std::vector<double> Linspace(double start, double stop, int64_t count) {
  std::vector<double> values;
  if (count <= 0) return values;
  if (count == 1) return {start};
  const double step = (stop - start) / static_cast<double>(count - 1);
  for (int64_t i = 0; i < count; ++i) values.push_back(static_cast<double>(i) * step + start);
  values.back() = stop;
  return values;
}

absl::StatusOr<double> TransferBaseLr(double tuned_base_lr, const std::vector<double>& from_shape,
                                      const std::vector<double>& to_shape, int64_t horizon) {
  if (!(std::isfinite(tuned_base_lr) && tuned_base_lr > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tuned_base_lr: ", tuned_base_lr, " must be finite and > 0"));
  }
  absl::StatusOr<OptimalBaseLr> from = ComputeOptimalBaseLr(from_shape, horizon, {});
  RETURN_IF_ERROR(PrefixField(from.status(), "from_shape."));
  absl::StatusOr<OptimalBaseLr> to = ComputeOptimalBaseLr(to_shape, horizon, {});
  RETURN_IF_ERROR(PrefixField(to.status(), "to_shape."));
  return tuned_base_lr * to->base_lr / from->base_lr;
}

absl::StatusOr<CooldownExtensionPlan> PlanCooldownExtension(
    const CooldownExtensionOptions& options) {
  RETURN_IF_ERROR(ValidateExtension(options));
  const std::vector<double> cooldowns = options.cooldown_candidates.empty()
                                            ? Linspace(0.1, 1.0, 33)
                                            : options.cooldown_candidates;
  const std::vector<double> factors =
      options.factor_candidates.empty() ? Linspace(0.2, 1.0, 33) : options.factor_candidates;
  const int64_t t2 = options.second_horizon;
  const int64_t steps2 = t2 + 1;

  CooldownExtensionPlan plan;
  ASSIGN_OR_RETURN(plan.first_base_lr,
                   WsdOptimalBaseLr(options.first_horizon, options.first_cooldown_fraction,
                                    options.cooldown_shape));
  const double gamma1 = plan.first_base_lr;

  plan.adapted_relative_difference = INFINITY;
  for (double c : cooldowns) {
    ASSIGN_OR_RETURN(double gamma, WsdOptimalBaseLr(t2, c, options.cooldown_shape));
    const double difference = std::abs(gamma - gamma1) / gamma1;
    if (difference < plan.adapted_relative_difference) {
      plan.adapted_relative_difference = difference;
      plan.adapted_cooldown_fraction = c;
    }
  }
  if (plan.adapted_relative_difference > options.warn_relative_difference) {
    plan.adapted_needs_warning = true;
    plan.warning = absl::StrCat(
        "no cooldown fraction among the candidates matches the optimal base LR of run A: the best, ",
        plan.adapted_cooldown_fraction, ", is off by ", 100.0 * plan.adapted_relative_difference,
        "% (> ", 100.0 * options.warn_relative_difference,
        "%); consider the two-stage continuation or re-tuning the base LR");
  }

  plan.two_stage_drop_step = WsdCooldownStart(options.first_horizon + 1,
                                              options.first_cooldown_fraction);
  plan.two_stage_cooldown_steps = static_cast<int64_t>(options.two_stage_cooldown_fraction *
                                                       static_cast<double>(steps2));
  plan.two_stage_relative_difference = INFINITY;
  std::vector<double> best_two_stage;
  for (double rho : factors) {
    ASSIGN_OR_RETURN(std::vector<double> shape,
                     MakeTwoStageArray({steps2, plan.two_stage_drop_step, rho,
                                        plan.two_stage_cooldown_steps, options.cooldown_shape,
                                        0.0}));
    ASSIGN_OR_RETURN(OptimalBaseLr best, ComputeOptimalBaseLr(shape, t2, {}));
    const double difference = std::abs(best.base_lr - gamma1) / gamma1;
    if (difference < plan.two_stage_relative_difference) {
      plan.two_stage_relative_difference = difference;
      plan.two_stage_factor = rho;
      best_two_stage = std::move(shape);
    }
  }

  ASSIGN_OR_RETURN(std::vector<double> adapted,
                   MakeWsdArray({steps2, plan.adapted_cooldown_fraction, options.cooldown_shape,
                                 0, 0.0}));
  ASSIGN_OR_RETURN(std::vector<double> naive,
                   MakeWsdArray({steps2, options.first_cooldown_fraction,
                                 options.cooldown_shape, 0, 0.0}));
  ASSIGN_OR_RETURN(plan.adapted_bound, BoundAt(adapted, t2, gamma1));
  ASSIGN_OR_RETURN(plan.two_stage_bound, BoundAt(best_two_stage, t2, gamma1));
  ASSIGN_OR_RETURN(plan.naive_bound, BoundAt(naive, t2, gamma1));
  return plan;
}

}  // namespace hyperd::algorithms::schedules::refinement
