// Evaluating a Schedule: pure, deterministic closed forms with PyTorch / Hugging Face semantics
// (specs/lr-schedules.md §0-§1). Clients evaluate lr(t) locally from the spec; nothing here keeps
// state, so the value at a step never depends on which steps were evaluated before.
//
// Step indexing (spec §0). `step` is the 0-indexed optimizer update t = 0 … T−1, and LearningRateAt
// returns the LR that update t uses. It equals PyTorch's `last_epoch` when scheduler.step() is
// called after optimizer.step(), and HF's `current_step` (the argument of the LambdaLR lambda).
// So the first update uses s_0, and step T is the value the scheduler holds after the last update.
//
// Notation: W = warmup_steps, a = warmup_start_factor, ρ = min_lr_ratio, T = total_steps,
// e = t − W (steps since the end of warm-up), N = T − W, u = e / N.
//
// Warm-up (every family), t < W:  s_t = a + (1 − a)·t/W.
//   = PyTorch LinearLR(start_factor=a, end_factor=1, total_iters=W) (which requires a > 0), and
//     HF's `current_step / max(1, num_warmup_steps)` when a = 0 (so s_0 = 0: the first update is
//     wasted). With W > 0 the family below starts at its own e = 0 at t = W, exactly like
//     SequentialLR([LinearLR(a, 1, W), <family scheduler>], milestones=[W]); so s_{W−1} < 1 and
//     s_W is the family's first value: exactly 1 (the peak) for constant, linear, cosine,
//     polynomial, wsd, inverse_sqrt and step; 1/div_factor for onecycle; the product of the factors
//     of the milestones <= W for piecewise_constant.
//
// Families, t >= W:
//   constant            1.  (PyTorch ConstantLR(factor=1) / HF get_constant_schedule_with_warmup.)
//   linear              ρ + (1−ρ)(1−u).  HF get_linear_schedule_with_warmup (ρ = 0):
//                       max(0, (T−t)/max(1, T−W)); PyTorch LinearLR(1, ρ, total_iters=N).
//   cosine              ρ + (1−ρ)·½(1 + cos πu).  HF get_cosine_schedule_with_warmup
//                       (num_cycles=0.5) and get_cosine_with_min_lr_schedule_with_warmup
//                       (min_lr_rate=ρ); PyTorch CosineAnnealingLR(T_max=N, eta_min=ρ·base_lr).
//   polynomial          ρ + (1−ρ)(1−u)^power.  PyTorch PolynomialLR(total_iters=N, power) when
//                       ρ = 0; HF get_polynomial_decay_schedule_with_warmup(lr_end=ρ·base_lr).
//   wsd                 1 until T−D, then with p = (t − (T−D))/D and D = round(c·T):
//                       linear 1−p, cosine ½(1 + cos πp), 1-sqrt 1−√p, mapped to f·(1−ρ) + ρ.
//                       HF get_wsd_schedule(num_warmup_steps=W, num_stable_steps=T−W−D,
//                       num_decay_steps=D, decay_type, min_lr_ratio=ρ, num_cycles=0.5) with
//                       warmup_type "linear" when a = ρ (HF's warm-up starts at min_lr_ratio).
//   inverse_sqrt        1/√((e + τ)/τ), τ = timescale (0 → W, or 10000 if W = 0).
//                       HF get_inverse_sqrt_schedule. (The Noam form is not implemented.)
//   onecycle            PyTorch OneCycleLR(max_lr=base_lr, total_steps=N, pct_start,
//                       anneal_strategy, div_factor, final_div_factor, three_phase) evaluated at
//                       e, divided by base_lr (momentum cycling is the job's business).
//                       Phase ends pct·N − 1 and N − 1 (three-phase: pct·N − 1, 2·pct·N − 2,
//                       N − 1); PyTorch's float phase boundaries are kept as is.
//   piecewise_constant  product of factors[i] over milestones[i] <= t (absolute steps, not e).
//                       PyTorch MultiStepLR(milestones, gamma) is all factors equal to gamma.
//   step                gamma^floor(e / step_size): PyTorch StepLR(step_size, gamma)
//                       (_get_closed_form_lr: base_lr·gamma^(last_epoch // step_size)) at
//                       last_epoch = e, so decays happen at t = W + k·step_size and s_W = 1.
//                       Without warm-up this is piecewise_constant with milestones k·step_size.
//                       No floor (StepLR has none).
//   tabulated           shape[] linearly interpolated at u = t/(T−1) on the grid i/(n−1)
//                       (T = 1: u = 0). No library equivalent: exported as LambdaLR. Takes no
//                       warm-up (validation requires W = 0); refined shapes end at 0 at t = T−1.
//
// Not reproduced: HF get_cosine_with_min_lr_schedule_with_warmup_lr_rate
// ("cosine_warmup_with_min_lr") shifts its indexing by one ((s+1)/W warm-up, progress
// (s−W+1)/(N−W)); HF WSD's cosine and 1-sqrt warm-up shapes; HF cosine num_cycles other than 0.5.
// HF's polynomial defaults to lr_end = 1e-7, i.e. ρ = 1e-7/base_lr, not 0.
//
// Gotchas kept on purpose:
// * The decay reaches its floor ρ at t = T, the value after the last update (HF: linear s=N → 0),
//   not at the last update t = T−1 (linear: ρ + (1−ρ)/N). PyTorch CosineAnnealingLR(T_max=N)
//   likewise reaches eta_min at last_epoch = N.
// * Steps outside [0, T] are clamped: step < 0 reads step 0, step > T reads step T. This is where
//   hyperd deliberately differs from the libraries past the horizon: CosineAnnealingLR and HF
//   cosine rise again after T (period 2N), HF inverse_sqrt keeps decaying, and OneCycleLR raises.
//   For onecycle, steps >= T read step T−1 (its last defined value, base_lr/div/final_div);
//   for tabulated, steps >= T read the last table entry.
//
// Preconditions: ValidateSchedule(schedule).ok(). On an invalid schedule the functions still
// return without undefined behaviour, but the values are meaningless (possibly NaN).
#ifndef HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_LEARNING_RATE_H_
#define HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_LEARNING_RATE_H_

#include <cstdint>
#include <vector>

#include "algorithms/schedules/families/schedule.h"

namespace hyperd::algorithms::schedules {

// The shape s_t (the multiplier of base_lr, HF's LambdaLR lambda value) at optimizer step `step`.
double ScheduleShapeAt(const Schedule& schedule, int64_t step);

// base_lr · ScheduleShapeAt(schedule, step): the LR used by optimizer update `step`.
double LearningRateAt(const Schedule& schedule, int64_t step);

// LearningRateAt for steps 0 … total_steps−1, in order (empty when total_steps <= 0).
// Usually called with schedule.total_steps; larger values show the clamped tail.
std::vector<double> LearningRates(const Schedule& schedule, int64_t total_steps);

}  // namespace hyperd::algorithms::schedules

#endif  // HYPERD_ALGORITHMS_SCHEDULES_FAMILIES_LEARNING_RATE_H_
