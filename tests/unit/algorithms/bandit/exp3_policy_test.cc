// EXP3 and EXP3.S (specs/bandits.md §3.1): the mixed distribution, importance-weighted updates
// with the stored probability, the derived gamma, the doubling trick and the fixed share.
#include "algorithms/samplers/bandit/exp3_policy.h"

#include <cmath>
#include <cstdint>
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
using ::testing::DoubleNear;
using ::testing::ElementsAre;

constexpr double kE = 2.718281828459045;

Exp3Settings Exp3With(double gamma, int64_t horizon = 0, double share = 0, int64_t switches = 0) {
  Exp3Settings settings;
  settings.gamma = gamma;
  settings.horizon = horizon;
  settings.share = share;
  settings.switches = switches;
  return settings;
}

Exp3Policy MakeExp3(Exp3Settings settings, int arm_count) {
  BanditConfig config;
  config.algorithm = BanditAlgorithm::kExp3;
  config.exp3 = settings;
  EXPECT_TRUE(ValidateBanditConfig(config, arm_count).ok());
  return Exp3Policy(settings, arm_count);
}

TEST(Exp3, StartsUniform) {
  Exp3Policy policy = MakeExp3(Exp3With(0.3), 4);
  EXPECT_THAT(policy.Probabilities(), ElementsAre(0.25, 0.25, 0.25, 0.25));
  EXPECT_EQ(SelectOk(policy, 3).probability, 0.25);
}

// K = 3, gamma = 0.3: reward 1 at p = 1/3 gives x = 3 and log w_0 = 0.3 * 3 / 3 = 0.3.
TEST(Exp3, UpdatesTheLogWeightWithTheImportanceWeightedReward) {
  Exp3Policy policy = MakeExp3(Exp3With(0.3), 3);
  ASSERT_TRUE(policy.Update(0, 1.0, 1.0 / 3, {}, 0).ok());
  const double w0 = std::exp(0.3);
  const double p0 = 0.7 * w0 / (w0 + 2) + 0.1;
  const double p1 = 0.7 / (w0 + 2) + 0.1;
  EXPECT_THAT(policy.Probabilities(),
              ElementsAre(DoubleNear(p0, 1e-15), DoubleNear(p1, 1e-15), DoubleNear(p1, 1e-15)));
  // The stored probability, not the current one, weights a late reward: 0.5 at p = 0.1.
  ASSERT_TRUE(policy.Update(2, 0.5, 0.1, {}, 0).ok());
  const double w2 = std::exp(0.3 * 5 / 3);
  EXPECT_NEAR(policy.Probabilities()[2], 0.7 * w2 / (w0 + 1 + w2) + 0.1, 1e-15);
}

TEST(Exp3, DecisionsCarryTheirProbabilityAndFollowTheDistribution) {
  Exp3Policy policy = MakeExp3(Exp3With(0.2), 2);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(policy.Update(0, 1.0, 0.5, {}, 0).ok());
  const std::vector<double> p = policy.Probabilities();
  int picked_zero = 0;
  const int n = 4000;
  for (uint64_t seed = 0; seed < n; ++seed) {
    const BanditDecision d = SelectOk(policy, MixSeed(1, seed));
    EXPECT_EQ(d.probability, p[d.arm]);
    picked_zero += d.arm == 0;
  }
  EXPECT_NEAR(picked_zero / static_cast<double>(n), p[0], 4 * std::sqrt(p[0] * p[1] / n));
}

TEST(Exp3, DerivesGammaFromTheHorizon) {
  // The spec's values for K = 2 and K = 10 at T = 1e4 (§7.1).
  EXPECT_NEAR(MakeExp3(Exp3With(0, 10000), 2).gamma(), 0.00898, 5e-6);
  EXPECT_NEAR(MakeExp3(Exp3With(0, 10000), 10).gamma(), 0.0366, 5e-5);
  EXPECT_EQ(MakeExp3(Exp3With(0, 1), 10).gamma(), 1.0);
}

TEST(Exp3, DoublingTrickGrowsTheEpochAndRestartsTheWeights) {
  Exp3Policy policy = MakeExp3(Exp3Settings{}, 2);
  auto gamma_for = [](double g) {
    return std::min(1.0, std::sqrt(2 * std::log(2.0) / ((kE - 1) * g)));
  };
  EXPECT_DOUBLE_EQ(policy.gamma(), gamma_for(1));
  const std::vector<double> expected_g = {2, 4, 4, 8, 8, 8, 8, 16};
  for (double g : expected_g) {
    ASSERT_TRUE(policy.Update(0, 1.0, 0.5, {}, 0).ok());
    EXPECT_DOUBLE_EQ(policy.gamma(), gamma_for(g)) << "after " << policy.rewards_applied();
  }
  // The 8th reward started epoch 4: only it is in the weights, so a policy that saw other
  // rewards before it has the same distribution.
  Exp3Policy other = MakeExp3(Exp3Settings{}, 2);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(other.Update(1, 0.3, 0.9, {}, 0).ok());
  ASSERT_TRUE(other.Update(0, 1.0, 0.5, {}, 0).ok());
  EXPECT_EQ(other.Probabilities(), policy.Probabilities());
}

TEST(Exp3, RefusesAProbabilityBelowTheExplorationFloor) {
  Exp3Policy policy = MakeExp3(Exp3With(0.2), 4);
  const absl::Status status = policy.Update(0, 1.0, 0.01, {}, 0);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("below gamma/K = 0.05"));
  EXPECT_EQ(policy.rewards_applied(), 0);
}

// A plain reference for EXP3.S: w_i <- w_i exp(gamma x_i / K) + (e alpha / K) sum_j w_j.
TEST(Exp3S, MatchesTheFixedShareRule) {
  const double gamma = 0.4;
  const double alpha = 0.05;
  const int k = 3;
  Exp3Policy policy = MakeExp3(Exp3With(gamma, 0, alpha), k);
  std::vector<double> w(k, 1.0);
  SplitMix64 random(3);
  for (int round = 0; round < 300; ++round) {
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    std::vector<double> p(k);
    for (int i = 0; i < k; ++i) p[i] = (1 - gamma) * w[i] / total + gamma / k;
    const std::vector<double> actual = policy.Probabilities();
    for (int i = 0; i < k; ++i) ASSERT_NEAR(actual[i], p[i], 1e-9) << "round " << round;
    const int arm = static_cast<int>(random.Next() % k);
    const double reward = UnitDoubleFromBits(random.Next());
    std::vector<double> next(k);
    for (int i = 0; i < k; ++i) {
      const double x = i == arm ? reward / p[arm] : 0;
      next[i] = w[i] * std::exp(gamma * x / k) + kE * alpha / k * total;
    }
    const double next_total = std::accumulate(next.begin(), next.end(), 0.0);
    for (double& v : next) v /= next_total;  // the reference renormalises every round
    w = next;
    ASSERT_TRUE(policy.Update(arm, reward, p[arm], {}, 0).ok());
  }
}

TEST(Exp3S, DerivesGammaAndShareFromSwitchesAndHorizon) {
  const Exp3Policy policy = MakeExp3(Exp3With(0, 10000, 0, 3), 5);
  EXPECT_NEAR(policy.gamma(), std::sqrt(5 * (3 * std::log(5.0 * 10000) + kE) / ((kE - 1) * 10000)),
              1e-15);
}

TEST(Exp3S, StaysNormalisedOverManyRounds) {
  Exp3Policy policy = MakeExp3(Exp3With(0.5, 0, 0.001), 4);
  for (int round = 0; round < 100000; ++round) {
    const std::vector<double> p = policy.Probabilities();
    const int arm = round % 4 == 0 ? 1 : 0;
    ASSERT_TRUE(policy.Update(arm, 1.0, p[arm], {}, 0).ok());
  }
  const std::vector<double> p = policy.Probabilities();
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12);
  for (double pi : p) EXPECT_GE(pi, 0.5 / 4);
}

}  // namespace
}  // namespace hyperd::algorithms
