// Thompson sampling (specs/bandits.md §2, §4): draw theta_i from every arm's posterior with the
// decision's seed and pull argmax theta_i (ties: lowest index).
//  * kBeta: theta_i ~ Beta(alpha0 + A_i, beta0 + B_i); a reward r adds a coin b ~ Bernoulli(r)
//    (drawn from a stream derived from the pull's decision seed) to A_I and 1 - b to B_I. With
//    drift kDiscounted, every round A_i and B_i of every arm are first multiplied by gamma
//    (discounted TS; the prior is not discounted).
//  * kGaussian: theta_i ~ N(S_i / (n_i + 1), variance / (n_i + 1)) (Agrawal & Goyal 2013).
//  * kNormalGamma: with rewards standardised by the pooled mean m and standard deviation s of all
//    rewards so far (m = 0 before the first, s = 1 before two distinct values), per arm
//    kappa_n = 1 + n, mu_n = n xbar / kappa_n, a_n = 1 + n/2,
//    b_n = 1 + SS/2 + n xbar^2 / (2 kappa_n); tau ~ Gamma(a_n, rate b_n), theta ~ N(mu_n,
//    1/(kappa_n tau)).
// Pending pulls need no correction: the draws already spread parallel decisions (§0).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_THOMPSON_POLICY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_THOMPSON_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/bandit/reward_statistics.h"

namespace hyperd::algorithms {

class ThompsonPolicy final : public BanditPolicy {
 public:
  // Requires settings that passed ValidateBanditConfig.
  ThompsonPolicy(const ThompsonSettings& settings, int arm_count);

  absl::string_view name() const override { return "thompson"; }
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
  // Running mean and scatter (Welford) of one arm's or all rewards.
  struct Moments {
    int64_t count = 0;
    double mean = 0;
    double scatter = 0;  // sum of squared deviations from the mean
    void Add(double x);
  };
  // Normal-Gamma posterior parameters of one arm on the standardised scale.
  struct NormalGammaPosterior {
    double kappa = 1;
    double mu = 0;
    double a = 1;
    double b = 1;
  };

  NormalGammaPosterior PosteriorOf(const Moments& arm, double center, double spread) const;
  // Pooled mean and standard deviation used to standardise (§2).
  void Standardisation(double* center, double* spread) const;

  int arm_count_;
  ThompsonSettings settings_;
  double discount_;
  std::string signature_;
  // kBeta: the coins (sums = A_i, counts = A_i + B_i); kGaussian: the rewards.
  std::unique_ptr<RewardStatistics> statistics_;
  // kNormalGamma only.
  std::vector<Moments> arm_moments_;
  Moments pooled_moments_;
  std::vector<int64_t> pulls_;
  int64_t rewards_applied_ = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_THOMPSON_POLICY_H_
