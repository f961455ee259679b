// Thompson sampling (specs/bandits.md §2, §4): the posterior each prior samples from, the
// Bernoulli trick, discounting, and seeded reproducibility.
#include "algorithms/samplers/bandit/thompson_policy.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/bandit/bandit_random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/bandit/bandit_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::MakePolicy;
using ::hyperd::algorithms::testing::Reward;
using ::hyperd::algorithms::testing::SelectOk;

BanditConfig ThompsonConfig(ThompsonPrior prior = ThompsonPrior::kBeta) {
  BanditConfig config;
  config.algorithm = BanditAlgorithm::kThompson;
  config.thompson.prior = prior;
  return config;
}

int Argmax(const std::vector<double>& values) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(values.size()); ++i) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}

// Arm 0: rewards 1, 1, 0 -> Beta(3, 2): mean 0.6, sd sqrt(6 / (25 * 6)) = 0.2.
TEST(BetaThompson, BinaryRewardsUpdateTheBetaPosterior) {
  auto policy = MakePolicy(ThompsonConfig(), 2);
  Reward(*policy, 0, 1.0, 1);
  Reward(*policy, 0, 1.0, 2);
  Reward(*policy, 0, 0.0, 3);
  const std::vector<ArmSummary> summary = policy->Summary();
  EXPECT_EQ(summary[0].pulls, 3);
  EXPECT_DOUBLE_EQ(summary[0].effective_pulls, 3);
  EXPECT_DOUBLE_EQ(summary[0].mean_reward, 0.6);
  EXPECT_NEAR(summary[0].lower_bound, 0.2, 1e-12);
  EXPECT_NEAR(summary[0].upper_bound, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(summary[1].mean_reward, 0.5);  // the Beta(1, 1) prior
}

TEST(BetaThompson, SelectsTheArgmaxOfOneBetaDrawPerArm) {
  BanditConfig config = ThompsonConfig();
  config.thompson.prior_alpha = 2;
  config.thompson.prior_beta = 0.5;
  auto policy = MakePolicy(config, 3);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 1, 0.0);
  Reward(*policy, 1, 1.0);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    BanditRandom random(seed);
    std::vector<double> theta;
    theta.push_back(random.Beta(2 + 1, 0.5));
    theta.push_back(random.Beta(2 + 1, 0.5 + 1));
    theta.push_back(random.Beta(2, 0.5));
    EXPECT_EQ(SelectOk(*policy, seed).arm, Argmax(theta)) << "seed " << seed;
  }
}

TEST(BetaThompson, FractionalRewardsUseTheBernoulliTrick) {
  auto policy = MakePolicy(ThompsonConfig(), 1);
  const int n = 20000;
  for (int i = 0; i < n; ++i) Reward(*policy, 0, 0.3, static_cast<uint64_t>(i));
  // Each coin is 1 with probability 0.3: A ~ Binomial(n, 0.3), so the posterior mean
  // (1 + A) / (2 + n) is 0.3 within a few binomial standard deviations, and not 0.3 exactly as a
  // fractional update would give.
  const double mean = policy->Summary()[0].mean_reward;
  EXPECT_NEAR(mean, 0.3, 4 * std::sqrt(0.21 / n));
  const double successes = mean * (n + 2) - 1;
  EXPECT_NEAR(successes, std::round(successes), 1e-6);  // whole coins
}

TEST(BetaThompson, TheCoinIsAFunctionOfTheDecisionSeed) {
  auto first = MakePolicy(ThompsonConfig(), 2);
  auto second = MakePolicy(ThompsonConfig(), 2);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Reward(*first, static_cast<int>(seed % 2), 0.5, seed);
    Reward(*second, static_cast<int>(seed % 2), 0.5, seed);
  }
  EXPECT_EQ(first->SerializeState(), second->SerializeState());
  for (uint64_t seed = 0; seed < 20; ++seed) {
    EXPECT_EQ(SelectOk(*first, seed).arm, SelectOk(*second, seed).arm);
  }
}

TEST(BetaThompson, DecisionsDependOnTheSeedOnly) {
  auto policy = MakePolicy(ThompsonConfig(), 10);
  std::set<int> arms;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    const BanditDecision decision = SelectOk(*policy, seed);
    EXPECT_EQ(SelectOk(*policy, seed).arm, decision.arm);
    EXPECT_EQ(decision.probability, 1.0);
    arms.insert(decision.arm);
  }
  EXPECT_EQ(arms.size(), 10u);  // a flat posterior spreads decisions over every arm
}

// gamma = 0.5, rewards (arm 0, 1), (arm 1, 0), (arm 0, 1): A = (0.25 + 1, 0), B = (0, 0.5).
TEST(DiscountedThompson, DiscountsTheCountsButNotThePrior) {
  BanditConfig config = ThompsonConfig();
  config.thompson.drift.kind = DriftKind::kDiscounted;
  config.thompson.drift.discount = 0.5;
  auto policy = MakePolicy(config, 2);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 1, 0.0);
  Reward(*policy, 0, 1.0);
  const std::vector<ArmSummary> summary = policy->Summary();
  EXPECT_DOUBLE_EQ(summary[0].effective_pulls, 1.25);
  EXPECT_DOUBLE_EQ(summary[0].mean_reward, 2.25 / 3.25);
  EXPECT_DOUBLE_EQ(summary[1].effective_pulls, 0.5);
  EXPECT_DOUBLE_EQ(summary[1].mean_reward, 1 / 2.5);
  for (uint64_t seed = 0; seed < 30; ++seed) {
    BanditRandom random(seed);
    std::vector<double> theta;
    theta.push_back(random.Beta(1 + 1.25, 1));
    theta.push_back(random.Beta(1, 1 + 0.5));
    EXPECT_EQ(SelectOk(*policy, seed).arm, Argmax(theta)) << "seed " << seed;
  }
}

TEST(DiscountedThompson, ForgetsAnOldWinner) {
  BanditConfig config = ThompsonConfig();
  config.thompson.drift.kind = DriftKind::kDiscounted;
  auto policy = MakePolicy(config, 2);
  for (int i = 0; i < 1000; ++i) Reward(*policy, 0, 1.0);
  for (int i = 0; i < 500; ++i) Reward(*policy, 1, 1.0);
  // After 500 rounds arm 0 keeps 0.99^500 * 100 ~ 0.66 of its successes.
  EXPECT_LT(policy->Summary()[0].effective_pulls, 0.7);
  EXPECT_EQ(policy->Summary()[0].pulls, 1000);
}

// Agrawal & Goyal: theta ~ N(S / (n + 1), variance / (n + 1)).
TEST(GaussianThompson, SamplesAroundTheShrunkMean) {
  BanditConfig config = ThompsonConfig(ThompsonPrior::kGaussian);
  config.thompson.variance = 0.01;
  auto policy = MakePolicy(config, 2);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 0, 0.5);
  const std::vector<ArmSummary> summary = policy->Summary();
  EXPECT_DOUBLE_EQ(summary[0].mean_reward, 0.5);
  EXPECT_NEAR(summary[0].upper_bound, 0.5 + 2 * std::sqrt(0.01 / 3), 1e-12);
  for (uint64_t seed = 0; seed < 30; ++seed) {
    BanditRandom random(seed);
    std::vector<double> theta;
    theta.push_back(1.5 / 3 + std::sqrt(0.01 / 3) * random.StandardNormal());
    theta.push_back(0 + std::sqrt(0.01) * random.StandardNormal());
    EXPECT_EQ(SelectOk(*policy, seed).arm, Argmax(theta)) << "seed " << seed;
  }
}

// Rewards arm 0 {1, 0.8}, arm 1 {0.2}: standardised by the pooled mean 2/3 and sd; the posterior
// of arm 0 under the (0, 1, 1, 1) Normal-Gamma prior.
TEST(NormalGammaThompson, UsesTheNormalGammaPosteriorOfStandardisedRewards) {
  auto policy = MakePolicy(ThompsonConfig(ThompsonPrior::kNormalGamma), 3);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 0, 0.8);
  Reward(*policy, 1, 0.2);
  const double center = 2.0 / 3;
  const double spread = std::sqrt(
      (std::pow(1 - center, 2) + std::pow(0.8 - center, 2) + std::pow(0.2 - center, 2)) / 3);
  struct Posterior {
    double kappa, mu, a, b;
  };
  auto posterior = [&](double n, double mean, double scatter) {
    const double x = (mean - center) / spread;
    const double ss = scatter / (spread * spread);
    return Posterior{1 + n, n * x / (1 + n), 1 + n / 2, 1 + ss / 2 + n * x * x / (2 * (1 + n))};
  };
  const std::vector<Posterior> posteriors = {posterior(2, 0.9, 0.02), posterior(1, 0.2, 0),
                                             posterior(0, 0, 0)};
  const std::vector<ArmSummary> summary = policy->Summary();
  EXPECT_NEAR(summary[0].mean_reward, center + spread * posteriors[0].mu, 1e-12);
  EXPECT_NEAR(summary[2].mean_reward, center, 1e-12);
  for (uint64_t seed = 0; seed < 30; ++seed) {
    BanditRandom random(seed);
    std::vector<double> theta;
    for (const Posterior& p : posteriors) {
      const double tau = random.Gamma(p.a) / p.b;
      theta.push_back(p.mu + random.StandardNormal() / std::sqrt(p.kappa * tau));
    }
    EXPECT_EQ(SelectOk(*policy, seed).arm, Argmax(theta)) << "seed " << seed;
  }
}

TEST(Thompson, IgnoresPendingPullsButChecksThem) {
  auto policy = MakePolicy(ThompsonConfig(), 3);
  const std::vector<int64_t> pending = {5, 0, 2};
  EXPECT_EQ(SelectOk(*policy, 9, pending).arm, SelectOk(*policy, 9).arm);
  EXPECT_FALSE(policy->Select(std::vector<int64_t>{1, 2}, {}, 9).ok());
}

}  // namespace
}  // namespace hyperd::algorithms
