// EXP3, EXP3.S and discounted EXP3 (Auer, Cesa-Bianchi, Freund & Schapire 2002; specs/bandits.md
// §3.1, §4):
//   p_i = (1 - gamma) w_i / sum_j w_j + gamma / K,   I ~ p,   x_I = r / p_I (the stored p_I),
//   EXP3:   log w_I += gamma x_I / K                      (log space: O(1) per update)
//   EXP3.S: w_i <- w_i exp(gamma x_i / K) + (e alpha / K) sum_j w_j   for every arm
// EXP3.S keeps w_i = v_i + o with one shared offset o, so its fixed share is O(1) per update too;
// the weights are renormalised (O(K)) when their sum passes 1e250, every few hundred rounds.
// With gamma derived and the horizon unknown, the doubling trick restarts the weights whenever
// the epoch (the smallest k with 2^k >= rewards applied + 1) changes; the reward that starts an
// epoch is applied to the fresh weights with the new gamma.
//
// Discounted EXP3 (drift kDiscounted) [hyperd], for drifting rewards: every reward first
// multiplies every arm's estimated cumulative gain by the discount gamma_d, then adds to the
// pulled arm's:
//   log w_i <- gamma_d log w_i  (every arm),   log w_I += gamma x_I / K
// so the weights follow the last ~1/(1 - gamma_d) rounds, like D-UCB's statistics (§4). Lazily, as
// D-UCB's: the stored log weights are the true ones times one shared growth factor gamma_d^-t, so
// an update is O(1) (the growth factor is divided by gamma_d, the pulled arm gets growth * step),
// with an O(K) renormalisation when the growth factor passes 1e200 (the scale gamma_d^t would
// underflow), every ~460/(1 - gamma_d) rounds. [hyperd] With gamma derived there is no doubling
// trick: g = min(T, 1/(1 - gamma_d)) in gamma = min(1, sqrt(K ln K / ((e - 1) g))), since the
// discounted weights only ever hold about 1/(1 - gamma_d) rounds of gains (T = the horizon when
// known). Summary() then reports the discounted means and counts (effective_pulls) of D-UCB.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_EXP3_POLICY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_EXP3_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/samplers/bandit/arm_tally.h"
#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/bandit/reward_statistics.h"

namespace hyperd::algorithms {

class Exp3Policy final : public BanditPolicy {
 public:
  // Requires settings that passed ValidateBanditConfig.
  Exp3Policy(const Exp3Settings& settings, int arm_count);

  absl::string_view name() const override { return "exp3"; }
  int arm_count() const override { return arm_count_; }
  int context_dimension() const override { return 0; }
  int64_t rewards_applied() const override { return tally_.rewards(); }

  absl::StatusOr<BanditDecision> Select(absl::Span<const int64_t> pending,
                                        absl::Span<const double> context,
                                        uint64_t decision_seed) const override;
  absl::Status Update(int arm, double reward, double probability, absl::Span<const double> context,
                      uint64_t decision_seed) override;
  std::vector<ArmSummary> Summary() const override;
  std::string SerializeState() const override;
  absl::Status RestoreState(absl::string_view state) override;

  // The gamma of the current epoch.
  double gamma() const;
  // The resolved discount gamma_d of discounted EXP3; 0 without drift.
  double discount() const { return discount_; }
  // The sampling distribution of the next decision.
  std::vector<double> Probabilities() const;

 private:
  void ResetWeights();
  static int EpochOf(int64_t rewards_applied);

  int arm_count_;
  Exp3Settings settings_;
  double share_;     // EXP3.S alpha; 0 for plain EXP3
  bool doubling_;    // gamma derived with an unknown horizon
  double discount_;  // discounted EXP3's gamma_d; 0 without drift
  std::string signature_;
  int epoch_ = 0;
  // Plain and discounted EXP3; the true log weights are log_weights_[i] / weight_growth_, the
  // growth factor staying 1 without drift.
  std::vector<double> log_weights_;
  double weight_growth_ = 1;
  // Discounted EXP3: the discounted counts and reward sums behind Summary(); null without drift.
  std::unique_ptr<RewardStatistics> discounted_;
  std::vector<double> share_weights_;  // EXP3.S: w_i = share_weights_[i] + share_offset_
  double share_offset_ = 0;
  double share_total_ = 0;  // sum_i w_i
  ArmTally tally_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_EXP3_POLICY_H_
