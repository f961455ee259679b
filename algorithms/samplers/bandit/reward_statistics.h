// Per-arm reward statistics under a forgetting rule (specs/bandits.md §1, §4): the counts n_i,
// sums S_i and sums of squares Q_i that the UCB family and Beta Thompson sampling read.
//  * kNone: plain sums over every reward.
//  * kDiscounted: every round all statistics are multiplied by gamma. Stored lazily as in §4, but
//    with one shared scale instead of a time stamp per arm: the stored values are in units of
//    gamma^-t, so a round costs O(1) and a read one multiplication; an O(K) rescale every
//    ~ 460/(1 - gamma) rounds keeps the numbers in range.
//  * kSlidingWindow: only the last `window` rewards, kept in a ring buffer (size <= window); the
//    floating-point sums are recomputed from the buffer every max(window, 1024) evictions so
//    subtraction errors cannot accumulate.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_REWARD_STATISTICS_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_REWARD_STATISTICS_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "algorithms/samplers/bandit/bandit_config.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"

namespace hyperd::algorithms {

// The statistics of arm i are scale * counts[i], scale * sums[i] and scale * sum_squares[i].
struct RewardStatisticsView {
  absl::Span<const double> counts;
  absl::Span<const double> sums;
  absl::Span<const double> sum_squares;
  double scale = 1;
  // Sum of the (scaled) counts over all arms: t for kNone, the discounted total for kDiscounted,
  // min(t, window) for kSlidingWindow.
  double total_count = 0;
};

class RewardStatistics {
 public:
  virtual ~RewardStatistics() = default;

  // Applies one round: the forgetting step, then `value` (in [0, 1]) to `arm`.
  virtual void Add(int arm, double value) = 0;
  virtual RewardStatisticsView View() const = 0;

  virtual void Serialize(StateWriter* writer) const = 0;
  // Reads what Serialize wrote into this (fresh) object; INVALID_ARGUMENT on bad input.
  virtual absl::Status Restore(StateReader* reader) = 0;
};

// Requires arm_count >= 1, discount in (0, 1) for kDiscounted and window >= 1 for kSlidingWindow
// (the resolved values, not the "0 = derived" settings).
std::unique_ptr<RewardStatistics> MakeRewardStatistics(int arm_count, DriftKind kind,
                                                       double discount, int64_t window);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_REWARD_STATISTICS_H_
