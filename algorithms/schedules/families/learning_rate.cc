// Closed forms of the schedule families; see learning_rate.h for the formulas and their sources.
#include "algorithms/schedules/families/learning_rate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "algorithms/schedules/families/schedule.h"
#include "algorithms/schedules/families/wsd_cooldown.h"

namespace hyperd::algorithms::schedules {
namespace {

constexpr double kPi = 3.14159265358979323846;
// HF get_inverse_sqrt_schedule: timescale = num_warmup_steps or 10_000.
constexpr int64_t kDefaultInverseSqrtTimescale = 10000;

// Maps a decay factor f in [0, 1] onto [ρ, 1] (HF's `factor * (1 - min_lr_rate) + min_lr_rate`).
double AboveFloor(double f, double min_lr_ratio) { return min_lr_ratio + (1.0 - min_lr_ratio) * f; }

// PyTorch OneCycleLR._annealing_cos / _annealing_linear.
double Anneal(OneCycleAnneal anneal, double start, double end, double pct) {
  if (anneal == OneCycleAnneal::kCos) {
    const double cos_out = std::cos(kPi * pct) + 1.0;
    return end + (start - end) / 2.0 * cos_out;
  }
  return (end - start) * pct + start;
}

// PyTorch OneCycleLR.get_lr at last_epoch = e (0 <= e <= n−1) with max_lr = 1.
double OneCycleShape(const OneCycleParams& params, int64_t e, int64_t n) {
  const double initial = 1.0 / params.div_factor;
  const double minimum = initial / params.final_div_factor;
  const double pct_steps = params.pct_start * static_cast<double>(n);
  struct Phase {
    double end_step, start, end;
  };
  const double last = static_cast<double>(n) - 1.0;
  const Phase two_phase[] = {{pct_steps - 1.0, initial, 1.0}, {last, 1.0, minimum}};
  const Phase three_phase[] = {{pct_steps - 1.0, initial, 1.0},
                               {2.0 * pct_steps - 2.0, 1.0, initial},
                               {last, initial, minimum}};
  const Phase* phases = params.three_phase ? three_phase : two_phase;
  const size_t count = params.three_phase ? 3 : 2;
  const double step = static_cast<double>(e);
  double start_step = 0.0;
  for (size_t i = 0; i < count; ++i) {
    const Phase& phase = phases[i];
    if (step <= phase.end_step || i + 1 == count) {
      const double pct = (step - start_step) / (phase.end_step - start_step);
      return Anneal(params.anneal, phase.start, phase.end, pct);
    }
    start_step = phase.end_step;
  }
  return minimum;  // Unreachable: the last phase always matches.
}

double PiecewiseConstantShape(const PiecewiseConstantParams& params, int64_t t) {
  double shape = 1.0;
  const size_t count = std::min(params.milestones.size(), params.factors.size());
  for (size_t i = 0; i < count && params.milestones[i] <= t; ++i) shape *= params.factors[i];
  return shape;
}

double TabulatedShape(const TabulatedParams& params, int64_t t, int64_t total) {
  const std::vector<double>& shape = params.shape;
  if (shape.empty()) return 0.0;
  if (shape.size() == 1 || total <= 1) return shape.front();
  // x = u·(n−1) with u = t/(T−1), multiplied first so grid points are hit exactly.
  const double x = std::min(static_cast<double>(shape.size() - 1),
                            static_cast<double>(t) * static_cast<double>(shape.size() - 1) /
                                static_cast<double>(total - 1));
  const size_t left = std::min(static_cast<size_t>(x), shape.size() - 2);
  const double weight = x - static_cast<double>(left);
  return shape[left] + (shape[left + 1] - shape[left]) * weight;
}

double WsdShape(const Schedule& schedule, int64_t t) {
  const int64_t total = schedule.total_steps;
  const int64_t decay = WsdCooldownSteps(schedule.wsd.cooldown_fraction, total);
  if (t >= total) return schedule.min_lr_ratio;  // HF: past W+S+D the multiplier is ρ.
  if (t < total - decay) return 1.0;
  const double p = static_cast<double>(t - (total - decay)) / static_cast<double>(decay);
  double f = 0.0;
  switch (schedule.wsd.decay_shape) {
    case WsdDecayShape::kLinear:
      f = 1.0 - p;
      break;
    case WsdDecayShape::kCosine:
      f = 0.5 * (1.0 + std::cos(kPi * p));
      break;
    case WsdDecayShape::kOneMinusSqrt:
      f = 1.0 - std::sqrt(p);
      break;
  }
  return AboveFloor(f, schedule.min_lr_ratio);
}

// The family's shape at t >= W, with e = t − W steps after warm-up out of n = T − W.
double FamilyShape(const Schedule& schedule, int64_t t, int64_t e, int64_t n) {
  const double u = static_cast<double>(e) / static_cast<double>(std::max<int64_t>(1, n));
  const double rho = schedule.min_lr_ratio;
  switch (schedule.family) {
    case ScheduleFamily::kConstant:
      return 1.0;
    case ScheduleFamily::kLinear:
      return AboveFloor(1.0 - u, rho);
    case ScheduleFamily::kCosine:
      return AboveFloor(0.5 * (1.0 + std::cos(kPi * u)), rho);
    case ScheduleFamily::kPolynomial:
      return AboveFloor(std::pow(1.0 - u, schedule.polynomial.power), rho);
    case ScheduleFamily::kWsd:
      return WsdShape(schedule, t);
    case ScheduleFamily::kInverseSqrt: {
      int64_t timescale = schedule.inverse_sqrt.timescale;
      if (timescale == 0) {
        timescale =
            schedule.warmup_steps > 0 ? schedule.warmup_steps : kDefaultInverseSqrtTimescale;
      }
      const double tau = static_cast<double>(timescale);
      return 1.0 / std::sqrt((static_cast<double>(e) + tau) / tau);
    }
    case ScheduleFamily::kOneCycle:
      // OneCycleLR is defined for last_epoch <= total_steps − 1 only.
      return OneCycleShape(schedule.onecycle, std::min(e, n - 1), n);
    case ScheduleFamily::kPiecewiseConstant:
      return PiecewiseConstantShape(schedule.piecewise_constant, t);
    case ScheduleFamily::kTabulated:
      return TabulatedShape(schedule.tabulated, t, schedule.total_steps);
    case ScheduleFamily::kStep:
      // StepLR's closed form gamma^(last_epoch // step_size) with last_epoch = e.
      return std::pow(schedule.step.gamma,
                      static_cast<double>(e / std::max<int64_t>(1, schedule.step.step_size)));
  }
  return 1.0;  // Unreachable: every family is handled above.
}

}  // namespace

double ScheduleShapeAt(const Schedule& schedule, int64_t step) {
  const int64_t total = std::max<int64_t>(1, schedule.total_steps);
  const int64_t t = std::clamp<int64_t>(step, 0, total);
  const int64_t warmup = schedule.warmup_steps;
  if (t < warmup) {
    const double a = schedule.warmup_start_factor;
    return a + (1.0 - a) * static_cast<double>(t) / static_cast<double>(warmup);
  }
  return FamilyShape(schedule, t, t - warmup, total - warmup);
}

double LearningRateAt(const Schedule& schedule, int64_t step) {
  return schedule.base_lr * ScheduleShapeAt(schedule, step);
}

std::vector<double> LearningRates(const Schedule& schedule, int64_t total_steps) {
  std::vector<double> rates;
  if (total_steps <= 0) return rates;
  rates.reserve(static_cast<size_t>(total_steps));
  for (int64_t t = 0; t < total_steps; ++t) rates.push_back(LearningRateAt(schedule, t));
  return rates;
}

}  // namespace hyperd::algorithms::schedules
