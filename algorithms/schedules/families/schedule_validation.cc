// ValidateSchedule collects every violation so a user fixes a spec in one round trip.
#include "algorithms/schedules/families/schedule_validation.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/families/wsd_cooldown.h"

namespace hyperd::algorithms::schedules {
namespace {

class Errors {
 public:
  void Add(absl::string_view path, absl::string_view message) {
    messages_.push_back(absl::StrCat("schedule.", path, ": ", message));
  }
  absl::Status ToStatus() const {
    if (messages_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrJoin(messages_, "; "));
  }

 private:
  std::vector<std::string> messages_;
};

void CheckUnitInterval(Errors& errors, absl::string_view path, double value) {
  if (!(value >= 0.0 && value <= 1.0)) {
    errors.Add(path, absl::StrCat("must be in [0, 1], got ", value));
  }
}

void CheckPositiveFinite(Errors& errors, absl::string_view path, double value) {
  if (!(std::isfinite(value) && value > 0.0)) {
    errors.Add(path, absl::StrCat("must be finite and > 0, got ", value));
  }
}

bool HasFloor(ScheduleFamily family) {
  return family == ScheduleFamily::kLinear || family == ScheduleFamily::kCosine ||
         family == ScheduleFamily::kWsd || family == ScheduleFamily::kPolynomial;
}

void CheckWsd(Errors& errors, const Schedule& schedule) {
  const double fraction = schedule.wsd.cooldown_fraction;
  if (!(fraction >= 0.0 && fraction <= 1.0)) {
    errors.Add("wsd.cooldown_fraction", absl::StrCat("must be in [0, 1], got ", fraction));
    return;
  }
  const int64_t decay = WsdCooldownSteps(fraction, schedule.total_steps);
  const int64_t room = schedule.total_steps - schedule.warmup_steps;
  if (schedule.total_steps >= 1 && decay > room) {
    errors.Add(
        "wsd.cooldown_fraction",
        absl::StrCat("the cooldown round(", fraction, " * total_steps ", schedule.total_steps,
                     ") = ", decay, " steps overlaps the warm-up; it must be at most ",
                     "total_steps - warmup_steps = ", room,
                     ": lower cooldown_fraction or warmup_steps"));
  }
}

void CheckOneCycle(Errors& errors, const Schedule& schedule) {
  const OneCycleParams& params = schedule.onecycle;
  if (!(params.pct_start > 0.0 && params.pct_start < 1.0)) {
    errors.Add("onecycle.pct_start", absl::StrCat("must be in (0, 1), got ", params.pct_start));
  }
  CheckPositiveFinite(errors, "onecycle.div_factor", params.div_factor);
  CheckPositiveFinite(errors, "onecycle.final_div_factor", params.final_div_factor);
  const int64_t n = schedule.total_steps - schedule.warmup_steps;
  if (!(params.pct_start > 0.0 && params.pct_start < 1.0) || n < 1) return;
  // PyTorch OneCycleLR divides by each phase's (float) length; an empty phase divides by zero.
  const double pct_steps = params.pct_start * static_cast<double>(n);
  const double nd = static_cast<double>(n);
  const bool empty_phase = params.three_phase
                               ? !(pct_steps - 1.0 > 0.0 && nd + 1.0 - 2.0 * pct_steps > 0.0)
                               : !(pct_steps - 1.0 > 0.0);
  if (empty_phase) {
    errors.Add(
        "onecycle.pct_start",
        absl::StrCat(
            "leaves an empty phase over N = total_steps - warmup_steps = ", n,
            " steps (phase ends are pct_start*N - 1",
            params.three_phase ? ", 2*pct_start*N - 2" : "",
            " and N - 1, each must be after the previous one, the first after 0): got ",
            params.pct_start, "; ",
            params.three_phase ? "choose 1/N < pct_start < (N+1)/(2N)" : "choose pct_start > 1/N",
            " or more steps"));
  }
}

void CheckPiecewiseConstant(Errors& errors, const PiecewiseConstantParams& params) {
  if (params.milestones.size() != params.factors.size()) {
    errors.Add("piecewise_constant.factors",
               absl::StrCat("must have one factor per milestone: got ", params.factors.size(),
                            " factors for ", params.milestones.size(), " milestones"));
  }
  for (size_t i = 0; i < params.milestones.size(); ++i) {
    const int64_t milestone = params.milestones[i];
    if (milestone < 1) {
      errors.Add(absl::StrCat("piecewise_constant.milestones[", i, "]"),
                 absl::StrCat("must be >= 1 (an optimizer step), got ", milestone));
    }
    if (i > 0 && milestone <= params.milestones[i - 1]) {
      errors.Add(absl::StrCat("piecewise_constant.milestones[", i, "]"),
                 absl::StrCat("must be greater than the previous milestone ",
                              params.milestones[i - 1], ", got ", milestone));
    }
  }
  for (size_t i = 0; i < params.factors.size(); ++i) {
    const double factor = params.factors[i];
    if (!(std::isfinite(factor) && factor >= 0.0)) {
      errors.Add(absl::StrCat("piecewise_constant.factors[", i, "]"),
                 absl::StrCat("must be finite and >= 0, got ", factor));
    }
  }
}

void CheckStep(Errors& errors, const StepParams& params) {
  if (params.step_size < 1) {
    errors.Add("step.step_size",
               absl::StrCat("must be >= 1 (the LR is multiplied by gamma every step_size steps), "
                            "got ",
                            params.step_size));
  }
  if (!(std::isfinite(params.gamma) && params.gamma > 0.0 && params.gamma <= 1.0)) {
    errors.Add("step.gamma",
               absl::StrCat("must be in (0, 1] (the decay factor; PyTorch's default is 0.1), got ",
                            params.gamma));
  }
}

void CheckTabulated(Errors& errors, const Schedule& schedule) {
  const std::vector<double>& shape = schedule.tabulated.shape;
  if (shape.size() < 2) {
    errors.Add("tabulated.shape",
               absl::StrCat("must hold at least 2 values (the grid u = i/(n-1) needs both ends), "
                            "got ",
                            shape.size()));
  }
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!(shape[i] >= 0.0 && shape[i] <= 1.0)) {
      errors.Add(absl::StrCat("tabulated.shape[", i, "]"),
                 absl::StrCat("must be in [0, 1], got ", shape[i]));
    }
  }
  if (schedule.warmup_steps != 0) {
    errors.Add("warmup_steps",
               absl::StrCat("must be 0 for family tabulated (the table covers the whole run, "
                            "warm-up included), got ",
                            schedule.warmup_steps));
  }
}

}  // namespace

absl::Status ValidateSchedule(const Schedule& schedule) {
  Errors errors;
  CheckPositiveFinite(errors, "base_lr", schedule.base_lr);
  if (schedule.total_steps < 1) {
    errors.Add("total_steps", absl::StrCat("must be >= 1, got ", schedule.total_steps));
  }
  if (schedule.warmup_steps < 0) {
    errors.Add("warmup_steps", absl::StrCat("must be >= 0, got ", schedule.warmup_steps));
  } else if (schedule.total_steps >= 1 && schedule.warmup_steps >= schedule.total_steps) {
    errors.Add("warmup_steps", absl::StrCat("must be less than total_steps ", schedule.total_steps,
                                            ", got ", schedule.warmup_steps));
  }
  CheckUnitInterval(errors, "warmup_start_factor", schedule.warmup_start_factor);
  CheckUnitInterval(errors, "min_lr_ratio", schedule.min_lr_ratio);
  if (!HasFloor(schedule.family) && schedule.min_lr_ratio != 0.0) {
    errors.Add("min_lr_ratio", absl::StrCat("family ", ScheduleFamilyName(schedule.family),
                                            " has no floor, so min_lr_ratio must be 0, got ",
                                            schedule.min_lr_ratio));
  }
  switch (schedule.family) {
    case ScheduleFamily::kConstant:
    case ScheduleFamily::kLinear:
    case ScheduleFamily::kCosine:
      break;
    case ScheduleFamily::kWsd:
      CheckWsd(errors, schedule);
      break;
    case ScheduleFamily::kPolynomial:
      CheckPositiveFinite(errors, "polynomial.power", schedule.polynomial.power);
      break;
    case ScheduleFamily::kInverseSqrt:
      if (schedule.inverse_sqrt.timescale < 0) {
        errors.Add("inverse_sqrt.timescale",
                   absl::StrCat("must be >= 0 (0 = warmup_steps, or 10000 without warm-up), got ",
                                schedule.inverse_sqrt.timescale));
      }
      break;
    case ScheduleFamily::kOneCycle:
      CheckOneCycle(errors, schedule);
      break;
    case ScheduleFamily::kPiecewiseConstant:
      CheckPiecewiseConstant(errors, schedule.piecewise_constant);
      break;
    case ScheduleFamily::kTabulated:
      CheckTabulated(errors, schedule);
      break;
    case ScheduleFamily::kStep:
      CheckStep(errors, schedule.step);
      break;
  }
  return errors.ToStatus();
}

}  // namespace hyperd::algorithms::schedules
