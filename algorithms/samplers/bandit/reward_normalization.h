// Maps a trial's objective value to a bandit reward in [0, 1] (specs/bandits.md §0).
//
//   RewardNormalization n{RewardScale::kCappedCost, /*cap=*/1000};
//   double reward = NormalizeReward(n, /*maximize=*/false, iterations);  // 1 - min(it, cap)/cap
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_REWARD_NORMALIZATION_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_REWARD_NORMALIZATION_H_

#include "absl/status/status.h"

namespace hyperd::algorithms {

enum class RewardScale {
  // The objective already lies in [0, 1] (values outside are clamped). Maximising: reward =
  // objective; minimising: reward = 1 - objective.
  kUnit,
  // A cost (or, maximising, a gain) >= 0 capped at `cap`: l = min(max(v, 0), cap) / cap;
  // minimising: reward = 1 - l; maximising: reward = l.
  kCappedCost,
  // The same on a log scale, for run times (§0): l = (ln max(v, floor) - ln floor) /
  // (ln cap - ln floor), clamped to [0, 1].
  kCappedLogCost,
};

struct RewardNormalization {
  RewardScale scale = RewardScale::kUnit;
  double cap = 0;    // kCappedCost, kCappedLogCost: > 0 (and > floor); keep within ~10x the
                     // typical cost, a loose cap slows learning (§7.3)
  double floor = 1;  // kCappedLogCost: > 0, costs at or below it get the full reward
};

// OK, or INVALID_ARGUMENT naming the field under `field_path` (e.g. "sampler.reward.cap: must be
// a finite number > 0, got 0").
absl::Status ValidateRewardNormalization(const RewardNormalization& normalization,
                                         const char* field_path);

// The reward in [0, 1] of `objective` on a study that maximises (`maximize`) or minimises it.
// A non-finite objective (a diverged run) gets the minimum reward 0 (specs/README.md). Requires a
// normalization that passed ValidateRewardNormalization.
double NormalizeReward(const RewardNormalization& normalization, bool maximize, double objective);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_REWARD_NORMALIZATION_H_
