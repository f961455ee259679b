// Tsallis-INF (specs/bandits.md §3.2): the FTRL distribution p_i = 4 / (eta (L_i - x))^2 with
// eta_t = 2 / sqrt(t), and the importance-weighted loss update.
#include "algorithms/samplers/bandit/tsallis_inf_policy.h"

#include <cmath>
#include <numeric>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/random_bits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/bandit/bandit_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::SelectOk;

TEST(TsallisInf, StartsUniform) {
  TsallisInfPolicy policy(TsallisInfSettings{}, 5);
  for (double p : policy.Probabilities()) EXPECT_NEAR(p, 0.2, 1e-15);
  EXPECT_NEAR(SelectOk(policy, 1).probability, 0.2, 1e-15);
}

// p_i = 4 / (eta (L_i - x))^2 means L_i - x = 2 / (eta sqrt(p_i)): for every pair of arms
// L_i - L_j = (2 / eta) (1/sqrt(p_i) - 1/sqrt(p_j)), and the p_i sum to 1.
void ExpectFtrlDistribution(const TsallisInfPolicy& policy, const std::vector<double>& losses) {
  const std::vector<double> p = policy.Probabilities();
  const double eta = 2 / std::sqrt(static_cast<double>(policy.rewards_applied() + 1));
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-14);
  for (size_t i = 1; i < p.size(); ++i) {
    EXPECT_NEAR(losses[i] - losses[0], 2 / eta * (1 / std::sqrt(p[i]) - 1 / std::sqrt(p[0])),
                1e-9 * (1 + std::abs(losses[i] - losses[0])))
        << "arm " << i;
  }
}

TEST(TsallisInf, LossIsImportanceWeightedWithTheStoredProbability) {
  TsallisInfPolicy policy(TsallisInfSettings{}, 2);
  // Reward 0.5 at p = 0.25: L_0 = (1 - 0.5) / 0.25 = 2.
  ASSERT_TRUE(policy.Update(0, 0.5, 0.25, {}, 0).ok());
  ExpectFtrlDistribution(policy, {2, 0});
  EXPECT_LT(policy.Probabilities()[0], 0.5);
}

TEST(TsallisInf, DistributionSolvesTheFtrlProblemAfterManyRounds) {
  TsallisInfPolicy policy(TsallisInfSettings{}, 6);
  std::vector<double> losses(6, 0.0);
  SplitMix64 random(4);
  for (int round = 0; round < 3000; ++round) {
    const BanditDecision d = SelectOk(policy, random.Next());
    const double reward = d.arm == 3 ? 0.9 : 0.4 * UnitDoubleFromBits(random.Next());
    losses[d.arm] += (1 - reward) / d.probability;
    ASSERT_TRUE(policy.Update(d.arm, reward, d.probability, {}, 0).ok());
  }
  ExpectFtrlDistribution(policy, losses);
  EXPECT_GT(policy.Probabilities()[3], 0.9);  // the best arm dominates
  EXPECT_GT(policy.Summary()[3].selection_probability, 0.9);
}

TEST(TsallisInf, LearningRateScalesEta) {
  TsallisInfSettings slow_settings;
  slow_settings.learning_rate = 0.5;
  TsallisInfSettings fast_settings;
  fast_settings.learning_rate = 8;
  TsallisInfPolicy slow(slow_settings, 2);
  TsallisInfPolicy fast(fast_settings, 2);
  for (TsallisInfPolicy* policy : {&slow, &fast}) {
    ASSERT_TRUE(policy->Update(0, 0.0, 0.5, {}, 0).ok());
  }
  EXPECT_GT(slow.Probabilities()[0], fast.Probabilities()[0]);
}

}  // namespace
}  // namespace hyperd::algorithms
