// Schedule arrays with the semantics of the convex-bound package fabian-sp/lr-scheduling
// (src/scheduled/schedules/*.py; lr-schedules.md §3.1). The planner evaluates these so that its
// numbers match the paper's (Schaipp et al., ICML 2025, arXiv 2501.18965). Any plain array of
// multipliers can be evaluated too; these builders only reproduce the package's rounding.
//
// An array has `steps` = T + 1 entries; the bound at horizon T uses the first T.
//
//   ASSIGN_OR_RETURN(std::vector<double> wsd, MakeWsdArray({.steps = 101,
//                                                          .cooldown_fraction = 0.2}));
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_BOUND_SCHEDULE_ARRAYS_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_BOUND_SCHEDULE_ARRAYS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::algorithms::schedules::refinement {

enum class CooldownShape {
  kLinear,        // L - (j+1)(L - f)/cd
  kOneMinusSqrt,  // f + (L - f)(1 - sqrt((j+1)/cd))
};

// The package's warm-up start value a (relative): warm-up is a + (t/W)(1 - a), t < W.
inline constexpr double kBoundWarmupStart = 1e-10;

struct WsdArrayOptions {
  int64_t steps = 0;               // array length T + 1, ≥ 1
  double cooldown_fraction = 0.2;  // c in [0, 1]: cd = int(c·steps)
  CooldownShape cooldown_shape = CooldownShape::kLinear;
  int64_t warmup_steps = 0;        // W ≥ 0
  double final_lr = 0.0;           // f, relative to the peak, in [0, 1]
};

// Warm-up, ones, cooldown of cd = int(c·steps) steps (cd -= 1 when W + cd == steps, as the
// package does so that one step sits at the peak). c = 1 gives linear decay, c = 0 constant.
// The cooldown starts at index steps - cd (the paper's T0).
// INVALID_ARGUMENT: steps < 1, c outside [0, 1], W < 0, final_lr outside [0, 1], or W + cd > steps.
absl::StatusOr<std::vector<double>> MakeWsdArray(const WsdArrayOptions& options);

// Index of the first cooldown entry, steps - cd, with the same rounding as MakeWsdArray.
int64_t WsdCooldownStart(int64_t steps, double cooldown_fraction, int64_t warmup_steps = 0);

// Linear decay to final_lr after the warm-up: the whole post-warm-up part is cooldown but its first
// entry (1, 0.99, …, 0.01, 0 for steps = 101). INVALID_ARGUMENT: W ≥ steps - 1 or bad final_lr.
absl::StatusOr<std::vector<double>> MakeLinearDecayArray(int64_t steps, int64_t warmup_steps = 0,
                                                         double final_lr = 0.0);

// Constant 1 after the warm-up. INVALID_ARGUMENT: steps < 1 or W ≥ steps.
absl::StatusOr<std::vector<double>> MakeConstantArray(int64_t steps, int64_t warmup_steps = 0);

// Cosine f + (1-f)·½(1 + cos(π i/(n-1))), i = 0…n-1, n = steps - W, after the warm-up.
// INVALID_ARGUMENT: n < 2 or final_lr outside [0, 1].
absl::StatusOr<std::vector<double>> MakeCosineArray(int64_t steps, int64_t warmup_steps = 0,
                                                    double final_lr = 0.0);

struct TwoStageArrayOptions {
  int64_t steps = 0;           // array length T2 + 1
  int64_t drop_step = 0;       // first index that uses the reduced LR ρ
  double factor = 1.0;         // ρ in (0, 1]
  int64_t cooldown_steps = 0;  // cd ≥ 0: the last cd entries decay from ρ to final_lr
  CooldownShape cooldown_shape = CooldownShape::kLinear;
  double final_lr = 0.0;       // must be ≤ ρ
};

// 1 before drop_step, ρ until steps - cd, then the cooldown from ρ (§3.3 two-stage extension).
// INVALID_ARGUMENT: steps < 1, drop_step outside [0, steps - cd], ρ outside (0, 1], cd < 0 or
// > steps, or final_lr > ρ (the package's final_lr > last_main_lr assertion).
absl::StatusOr<std::vector<double>> MakeTwoStageArray(const TwoStageArrayOptions& options);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_BOUND_SCHEDULE_ARRAYS_H_
