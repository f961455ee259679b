#include "server/schedule_tools.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "algorithms/schedules/refinement/bound_planner.h"
#include "algorithms/schedules/refinement/bound_schedule_arrays.h"
#include "algorithms/schedules/refinement/convex_bound.h"
#include "algorithms/schedules/refinement/schedule_bound_array.h"
#include "algorithms/schedules/refinement/schedule_refinement.h"
#include "common/status_macros.h"
#include "proto/conversion/schedule_conversion.h"

namespace hyperd::server {
namespace {

namespace s = algorithms::schedules;
namespace r = algorithms::schedules::refinement;

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

absl::Status WithPrefix(absl::string_view prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

absl::StatusOr<hyperd::v1::RefineScheduleResponse> RefineSchedule(
    const hyperd::v1::RefineScheduleRequest& request) {
  if (request.steps_size() != request.norms_size()) {
    return Invalid("norms", absl::StrCat("has ", request.norms_size(), " values but steps has ",
                                         request.steps_size(), "; send one norm per step"));
  }
  if (request.norms_size() > kMaxRefineNorms) {
    return Invalid("norms", absl::StrCat("has more than ", kMaxRefineNorms, " values"));
  }
  if (request.base_lr() < 0 || !std::isfinite(request.base_lr())) {
    return Invalid("base_lr", absl::StrCat("must be a finite LR > 0 (0: 1, the shape itself), got ",
                                           request.base_lr()));
  }
  std::vector<r::GradientNormSample> samples;
  samples.reserve(request.norms_size());
  for (int i = 0; i < request.norms_size(); ++i) {
    samples.push_back({request.steps(i), request.norms(i)});
  }
  r::RefinementOptions options;
  options.kind = request.norm() == hyperd::v1::L1_ADAM ? r::NormKind::kL1Adam : r::NormKind::kL2Sgd;
  options.run_steps = request.run_steps();
  int64_t output_steps = request.output_steps();
  if (output_steps == 0) {
    output_steps =
        request.run_steps() > 0
            ? request.run_steps()
            : (request.steps().empty() ? 0 : request.steps(request.steps_size() - 1) + 1);
  }
  if (output_steps > kMaxPlanHorizon * 1000) {
    return Invalid("output_steps", absl::StrCat("must be at most ", kMaxPlanHorizon * 1000,
                                                " steps, got ", output_steps));
  }
  // The multipliers are interpolated from the shape; past the reply's limit only the shape is
  // computed (a 2-step output) and the client evaluates the schedule.
  const bool with_multipliers = output_steps <= kMaxReturnedMultipliers;
  options.output_steps = with_multipliers ? output_steps : 2;
  if (request.has_filter_fraction()) options.filter_fraction = request.filter_fraction();
  options.min_multiplier = request.min_multiplier();
  ASSIGN_OR_RETURN(r::RefinedSchedule refined, r::RefineScheduleFromNorms(samples, options));

  hyperd::v1::RefineScheduleResponse response;
  s::Schedule schedule;
  schedule.family = s::ScheduleFamily::kTabulated;
  schedule.base_lr = request.base_lr() > 0 ? request.base_lr() : 1.0;
  schedule.total_steps = output_steps;
  schedule.tabulated.shape = std::move(refined.shape);
  *response.mutable_schedule() = conversion::ScheduleToProto(schedule);
  if (with_multipliers) {
    response.mutable_multipliers()->Add(refined.multipliers.begin(), refined.multipliers.end());
  }
  response.set_fell_back_to_linear_decay(refined.fell_back_to_linear_decay);
  response.set_fallback_reason(refined.fallback_reason);
  return response;
}

absl::StatusOr<hyperd::v1::PlanSchedulesResponse> PlanSchedules(
    const hyperd::v1::PlanSchedulesRequest& request) {
  if (request.schedules_size() > kMaxPlanSchedules) {
    return Invalid("schedules", absl::StrCat("has more than ", kMaxPlanSchedules, " schedules"));
  }
  int64_t horizon = request.horizon();
  if (horizon == 0 && request.schedules_size() > 0) horizon = request.schedules(0).total_steps();
  if (request.schedules_size() > 0 && (horizon < 1 || horizon > kMaxPlanHorizon)) {
    return Invalid("horizon",
                   absl::StrCat("must be between 1 and ", kMaxPlanHorizon,
                                " (0: the first schedule's total_steps), got ", horizon));
  }
  if (request.tuned_base_lr() < 0 || !std::isfinite(request.tuned_base_lr())) {
    return Invalid("tuned_base_lr", absl::StrCat("must be a finite LR > 0 (0: none), got ",
                                                 request.tuned_base_lr()));
  }
  hyperd::v1::PlanSchedulesResponse response;
  double first_optimum = 0;
  for (int i = 0; i < request.schedules_size(); ++i) {
    const std::string field = absl::StrCat("schedules[", i, "]");
    hyperd::v1::Schedule proto = request.schedules(i);
    // The bound compares shapes: the base LR is what it computes.
    proto.set_base_lr(1);
    if (proto.total_steps() == 0) proto.set_total_steps(horizon);
    ASSIGN_OR_RETURN(s::Schedule schedule, conversion::ScheduleFromProto(proto, field));
    absl::StatusOr<std::vector<double>> shape = r::ScheduleBoundArray(schedule, horizon);
    if (!shape.ok()) return WithPrefix(field + ": ", shape.status());
    absl::StatusOr<r::OptimalBaseLr> optimum = r::ComputeOptimalBaseLr(*shape, horizon, {});
    if (!optimum.ok()) return WithPrefix(field + ": ", optimum.status());
    if (i == 0) first_optimum = optimum->base_lr;
    hyperd::v1::ScheduleBound& bound = *response.add_bounds();
    bound.set_optimal_base_lr(optimum->base_lr);
    bound.set_bound(optimum->bound);
    bound.set_lr_ratio_to_first(optimum->base_lr / first_optimum);
    if (request.tuned_base_lr() > 0) {
      bound.set_transferred_base_lr(request.tuned_base_lr() * bound.lr_ratio_to_first());
    }
  }
  if (request.has_extension()) {
    const hyperd::v1::CooldownExtensionRequest& in = request.extension();
    if (in.first_horizon() > kMaxPlanHorizon || in.second_horizon() > kMaxPlanHorizon) {
      return Invalid("extension",
                     absl::StrCat("horizons must be at most ", kMaxPlanHorizon, " steps, got ",
                                  in.first_horizon(), " and ", in.second_horizon()));
    }
    r::CooldownExtensionOptions options;
    options.first_horizon = in.first_horizon();
    if (in.has_first_cooldown_fraction()) {
      options.first_cooldown_fraction = in.first_cooldown_fraction();
    }
    options.second_horizon = in.second_horizon();
    absl::StatusOr<r::CooldownExtensionPlan> plan = r::PlanCooldownExtension(options);
    if (!plan.ok()) return WithPrefix("extension.", plan.status());
    hyperd::v1::CooldownExtensionPlan& out = *response.mutable_extension();
    out.set_first_base_lr(plan->first_base_lr);
    out.set_adapted_cooldown_fraction(plan->adapted_cooldown_fraction);
    out.set_adapted_relative_difference(plan->adapted_relative_difference);
    out.set_warning(plan->warning);
    out.set_two_stage_factor(plan->two_stage_factor);
    out.set_two_stage_relative_difference(plan->two_stage_relative_difference);
    out.set_two_stage_drop_step(plan->two_stage_drop_step);
    out.set_two_stage_cooldown_steps(plan->two_stage_cooldown_steps);
    out.set_adapted_bound(plan->adapted_bound);
    out.set_two_stage_bound(plan->two_stage_bound);
    out.set_naive_bound(plan->naive_bound);
  }
  return response;
}

}  // namespace hyperd::server
