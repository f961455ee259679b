// The UCB family (specs/bandits.md §1, §4): UCB1, UCB1-Tuned, D-UCB and SW-UCB, one index rule
// over RewardStatistics with the chosen forgetting rule.
//
// index_i = mean_i + sqrt(alpha * ln t / n_i)                          (UCB1, D-UCB, SW-UCB)
// index_i = mean_i + sqrt((ln t / n_i) * min(1/4, s_i^2 + sqrt(2 ln t / n_i)))    (tuned = true)
// with n_i the (discounted / windowed) count plus pending pulls, t the (discounted / windowed)
// total count plus all pending pulls, s_i^2 = Q_i/n_i - mean_i^2 (Auer et al.'s biased sample
// variance). Arms with neither a reward in the statistics nor a pending pull come first, lowest
// index first; an arm with only pending pulls has mean 1 and variance 1/4 (optimistic).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_UCB_POLICY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_UCB_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/bandit/reward_statistics.h"

namespace hyperd::algorithms {

class UcbPolicy final : public BanditPolicy {
 public:
  // Requires settings that passed ValidateBanditConfig.
  UcbPolicy(const Ucb1Settings& settings, int arm_count);

  absl::string_view name() const override { return "ucb1"; }
  int arm_count() const override { return arm_count_; }
  int context_dimension() const override { return 0; }
  int64_t rewards_applied() const override { return rewards_applied_; }

  absl::StatusOr<BanditDecision> Select(absl::Span<const int64_t> pending,
                                        absl::Span<const double> context,
                                        uint64_t decision_seed) const override;
  absl::Status Update(int arm, double reward, double probability, absl::Span<const double> context,
                      uint64_t decision_seed) override;
  std::vector<ArmSummary> Summary() const override;
  std::string SerializeState() const override;
  absl::Status RestoreState(absl::string_view state) override;

 private:
  // The index of arm i given its count including pending pulls and ln t.
  double Index(const RewardStatisticsView& view, int arm, double count, double log_t) const;
  double Bonus(double count, double variance, double log_t) const;
  // Argmax of the index; every arm has a reward or pending pull.
  int BestArm(const RewardStatisticsView& view, absl::Span<const int64_t> pending,
              double log_t) const;

  int arm_count_;
  Ucb1Settings settings_;
  double discount_;
  int64_t window_;
  std::string signature_;
  std::unique_ptr<RewardStatistics> statistics_;
  std::vector<int64_t> pulls_;
  int64_t rewards_applied_ = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_UCB_POLICY_H_
