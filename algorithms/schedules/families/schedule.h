// Schedule: the typed description of a learning-rate schedule that hyperd hands to a training job
// (specs/lr-schedules.md §1, "ScheduleSpec"). The LR used by optimizer update t (0-indexed) is
//
//   lr_t = base_lr · s_t
//
// where s_t is the shape: an optional linear warm-up over the first warmup_steps steps followed by
// one family. Evaluate it with learning_rate.h; check it first with schedule_validation.h.
//
//   Schedule schedule;
//   schedule.family = ScheduleFamily::kCosine;
//   schedule.base_lr = 3e-4;
//   schedule.total_steps = 10000;
//   schedule.warmup_steps = 500;
//   schedule.min_lr_ratio = 0.1;
//   RETURN_IF_ERROR(ValidateSchedule(schedule));
//   double lr = LearningRateAt(schedule, step);
//
// Field meanings and defaults are those of the spec; per-family parameters live in the struct named
// after the family and are read only when that family is selected. Validation error paths are
// "schedule.<field>" for the common fields and "schedule.<family>.<field>" for family parameters.
#ifndef HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_SCHEDULE_H_
#define HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperd::algorithms::schedules {

// The hyperd family list (spec §1.3), without `uba` (§4: formula unverified, disabled).
enum class ScheduleFamily {
  kConstant,
  kLinear,
  kCosine,
  kWsd,
  kInverseSqrt,
  kPolynomial,
  kOneCycle,
  kPiecewiseConstant,
  kTabulated,
  kStep,
};

// The spec's family name ("constant", "linear", "cosine", "wsd", "inverse_sqrt", "polynomial",
// "onecycle", "piecewise_constant", "tabulated", "step"); also the path segment of that family's
// parameters.
absl::string_view ScheduleFamilyName(ScheduleFamily family);

// The inverse of ScheduleFamilyName (exact, case-sensitive); nullopt for any other name.
std::optional<ScheduleFamily> ScheduleFamilyFromName(absl::string_view name);

// Shape of the WSD cooldown (HF `get_wsd_schedule` decay_type "linear", "cosine", "1-sqrt").
enum class WsdDecayShape { kLinear, kCosine, kOneMinusSqrt };

struct WsdParams {
  // c: the cooldown lasts D = round(c·T) steps (half away from zero) and ends at step T.
  double cooldown_fraction = 0.2;
  WsdDecayShape decay_shape = WsdDecayShape::kLinear;
};

struct PolynomialParams {
  double power = 1.0;  // p in ρ + (1−ρ)(1−u)^p; PyTorch PolynomialLR / HF default 1.
};

struct InverseSqrtParams {
  // τ of HF `get_inverse_sqrt_schedule`; 0 selects HF's default: warmup_steps, or 10000 when
  // warmup_steps is 0.
  int64_t timescale = 0;
};

// PyTorch OneCycleLR (anneal_strategy "cos" or "linear").
enum class OneCycleAnneal { kCos, kLinear };

struct OneCycleParams {
  double pct_start = 0.3;
  OneCycleAnneal anneal = OneCycleAnneal::kCos;
  double div_factor = 25.0;       // initial LR = base_lr / div_factor
  double final_div_factor = 1e4;  // final LR = initial LR / final_div_factor
  bool three_phase = false;
};

// s_t = product of factors[i] over the milestones[i] <= t (absolute optimizer steps, strictly
// increasing). PyTorch MultiStepLR(milestones, gamma) is factors all equal to gamma.
struct PiecewiseConstantParams {
  std::vector<int64_t> milestones;
  std::vector<double> factors;  // same length as milestones
};

// A shape sampled on the uniform grid u_i = i/(n−1), i = 0 … n−1, of normalised time
// u = t/(T−1), linearly interpolated (spec §1.3; the output of refinement, §2.4). It covers the
// whole run, so it takes no warm-up and no floor; it is reused unchanged for another T.
struct TabulatedParams {
  std::vector<double> shape;  // n >= 2 values in [0, 1]
};

// PyTorch StepLR(step_size, gamma): s = gamma^floor(e / step_size), e = t − W (the StepLR restarts
// at its own epoch 0 when the warm-up ends, as in SequentialLR). No floor, like StepLR.
struct StepParams {
  int64_t step_size = 0;  // >= 1; 0 (unset) is invalid.
  double gamma = 0.1;     // in (0, 1]: StepLR's default 0.1.
};

struct Schedule {
  ScheduleFamily family = ScheduleFamily::kConstant;
  double base_lr = 0.0;              // γ, the peak LR; must be set (> 0).
  int64_t total_steps = 0;           // T: updates t = 0 … T−1; must be set (>= 1).
  int64_t warmup_steps = 0;          // W, 0 <= W < T.
  double warmup_start_factor = 0.0;  // a: s_0 = a (0 = HF; PyTorch LinearLR start_factor).
  double min_lr_ratio = 0.0;         // ρ: the floor of linear, cosine, wsd and polynomial.
  WsdParams wsd;
  PolynomialParams polynomial;
  InverseSqrtParams inverse_sqrt;
  OneCycleParams onecycle;
  PiecewiseConstantParams piecewise_constant;
  TabulatedParams tabulated;
  StepParams step;
};

}  // namespace hyperd::algorithms::schedules

#endif  // HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_SCHEDULE_H_
