// Tsallis-INF (Zimmert & Seldin, JMLR 2021; specs/bandits.md §3.2): FTRL with the 1/2-Tsallis
// entropy over the cumulative importance-weighted losses L_i.
//   round t (= rewards applied + 1): eta_t = learning_rate / sqrt(t);
//   p_i = 4 / (eta_t (L_i - x))^2 with x < min_i L_i such that sum_i p_i = 1,
//   I ~ p; on reward r: L_I += (1 - r) / p_I with the p_I stored at suggest time.
// x is found by Newton's method in y = min L - x > 0 from y0 = 2/eta_t (where the sum is >= 1, so
// the iterates rise monotonically), stopping when |dy| < 1e-12 max(1, y) or after 50 steps; p is
// then renormalised against rounding. Select is O(K) per Newton step, Update O(1).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_TSALLIS_INF_POLICY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_TSALLIS_INF_POLICY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/samplers/bandit/arm_tally.h"
#include "algorithms/samplers/bandit/bandit_policy.h"

namespace hyperd::algorithms {

class TsallisInfPolicy final : public BanditPolicy {
 public:
  // Requires settings that passed ValidateBanditConfig.
  TsallisInfPolicy(const TsallisInfSettings& settings, int arm_count);

  absl::string_view name() const override { return "tsallis_inf"; }
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

  // The sampling distribution of the next decision.
  std::vector<double> Probabilities() const;

 private:
  int arm_count_;
  TsallisInfSettings settings_;
  std::string signature_;
  std::vector<double> cumulative_losses_;
  ArmTally tally_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_TSALLIS_INF_POLICY_H_
