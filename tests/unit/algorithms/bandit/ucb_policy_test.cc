// The UCB family (specs/bandits.md §1, §4): unseen arms first, the UCB1 and UCB1-Tuned indices,
// D-UCB's discounting and SW-UCB's window on hand-computed examples, and virtual pulls for
// pending decisions (§0).
#include "algorithms/samplers/bandit/ucb_policy.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/random_bits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/bandit/bandit_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::MakePolicy;
using ::hyperd::algorithms::testing::Reward;
using ::hyperd::algorithms::testing::SelectOk;
using ::hyperd::algorithms::testing::Ucb1Config;
using ::testing::Each;
using ::testing::ElementsAre;

TEST(Ucb1, PullsEveryUnseenArmOnceInIndexOrder) {
  auto policy = MakePolicy(Ucb1Config(), 3);
  Reward(*policy, 2, 1.0);  // arm 2 already seen: skipped
  EXPECT_EQ(SelectOk(*policy, 1).arm, 0);
  Reward(*policy, 0, 0.0);
  EXPECT_EQ(SelectOk(*policy, 2).arm, 1);
  Reward(*policy, 1, 0.0);
  // All seen: arm 2 has the best mean and the same bonus.
  EXPECT_EQ(SelectOk(*policy, 3).arm, 2);
  EXPECT_EQ(SelectOk(*policy, 3).probability, 1.0);
}

// Arm 0: rewards {1, 0.5} (mean 0.75, n = 2); arm 1: {0.25} (n = 1); t = 3. The indices are equal
// when 0.75 + sqrt(a ln 3 / 2) = 0.25 + sqrt(a ln 3), i.e. a* = (0.5 / (1 - 1/sqrt 2))^2 / ln 3.
TEST(Ucb1, IndexIsMeanPlusSqrtAlphaLogTOverN) {
  const double critical = std::pow(0.5 / (1 - 1 / std::sqrt(2.0)), 2) / std::log(3.0);
  for (const auto& [alpha, expected_arm] :
       {std::pair{critical * 0.999, 0}, std::pair{critical * 1.001, 1}}) {
    auto policy = MakePolicy(Ucb1Config(alpha), 2);
    Reward(*policy, 0, 1.0);
    Reward(*policy, 0, 0.5);
    Reward(*policy, 1, 0.25);
    EXPECT_EQ(SelectOk(*policy, 7).arm, expected_arm) << "alpha " << alpha;
  }
}

TEST(Ucb1, TiesGoToTheLowestIndex) {
  auto policy = MakePolicy(Ucb1Config(), 3);
  for (int arm : {0, 1, 2}) Reward(*policy, arm, 0.5);
  EXPECT_EQ(SelectOk(*policy, 1).arm, 0);
}

TEST(Ucb1, SummaryReportsMeanAndBonusInterval) {
  auto policy = MakePolicy(Ucb1Config(), 2);
  for (int i = 0; i < 50; ++i) {
    Reward(*policy, 0, 0.5);
    Reward(*policy, 1, i % 2 == 0 ? 0.2 : 0.4);
  }
  const std::vector<ArmSummary> summary = policy->Summary();
  const double bonus = std::sqrt(2 * std::log(100.0) / 50);
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(summary[0].pulls, 50);
  EXPECT_DOUBLE_EQ(summary[0].effective_pulls, 50);
  EXPECT_DOUBLE_EQ(summary[0].mean_reward, 0.5);
  EXPECT_NEAR(summary[0].lower_bound, 0.5 - bonus, 1e-12);
  EXPECT_NEAR(summary[0].upper_bound, 0.5 + bonus, 1e-12);
  EXPECT_NEAR(summary[1].mean_reward, 0.3, 1e-12);
  EXPECT_EQ(summary[0].selection_probability, 1.0);
  EXPECT_EQ(summary[1].selection_probability, 0.0);
}

// Arm 0 alternates 0.4/0.6 (mean 0.5, s^2 = 0.01), arm 1 always 0.5 (s^2 = 0), 5000 pulls each, so
// min(1/4, V) = V and the variance term decides: the bonus is sqrt(ln t/n * (s^2 + sqrt(2 ln
// t/n))).
TEST(Ucb1Tuned, BonusUsesTheSampleVariance) {
  BanditConfig config = Ucb1Config();
  config.ucb1.tuned = true;
  auto policy = MakePolicy(config, 2);
  for (int i = 0; i < 5000; ++i) {
    Reward(*policy, 0, i % 2 == 0 ? 0.4 : 0.6);
    Reward(*policy, 1, 0.5);
  }
  const double log_t = std::log(10000.0);
  const double n = 5000;
  const double exploration = std::sqrt(2 * log_t / n);
  const std::vector<ArmSummary> summary = policy->Summary();
  EXPECT_NEAR(summary[0].upper_bound - summary[0].mean_reward,
              std::sqrt(log_t / n * (0.01 + exploration)), 1e-9);
  EXPECT_NEAR(summary[1].upper_bound - summary[1].mean_reward, std::sqrt(log_t / n * exploration),
              1e-9);
  EXPECT_EQ(SelectOk(*policy, 1).arm, 0);  // same mean, larger variance
}

TEST(Ucb1Tuned, CapsTheVarianceTermAtOneQuarter) {
  BanditConfig config = Ucb1Config();
  config.ucb1.tuned = true;
  auto policy = MakePolicy(config, 1);
  Reward(*policy, 0, 0.0);
  Reward(*policy, 0, 1.0);
  // t = n = 2: V = 1/4 + sqrt(ln 2) > 1/4.
  const ArmSummary summary = policy->Summary()[0];
  EXPECT_NEAR(summary.upper_bound - 0.5, std::sqrt(std::log(2.0) / 2 * 0.25), 1e-12);
}

// gamma = 0.5: after (arm 0, 1), (arm 1, 0), (arm 0, 0.5): N = (0.25 + 1, 0.5),
// S = (0.25 + 0.5, 0), sum N = 1.75.
TEST(DiscountedUcb, DiscountsEveryArmEveryRound) {
  BanditConfig config = Ucb1Config(0.1);
  config.ucb1.drift.kind = DriftKind::kDiscounted;
  config.ucb1.drift.discount = 0.5;
  auto policy = MakePolicy(config, 2);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 1, 0.0);
  Reward(*policy, 0, 0.5);
  const std::vector<ArmSummary> summary = policy->Summary();
  EXPECT_DOUBLE_EQ(summary[0].effective_pulls, 1.25);
  EXPECT_DOUBLE_EQ(summary[1].effective_pulls, 0.5);
  EXPECT_DOUBLE_EQ(summary[0].mean_reward, 0.6);
  EXPECT_EQ(summary[0].pulls, 2);
  const double bonus = std::sqrt(0.1 * std::log(1.75) / 1.25);
  EXPECT_NEAR(summary[0].lower_bound, 0.6 - bonus, 1e-12);
  EXPECT_NEAR(summary[0].upper_bound, 0.6 + bonus, 1e-12);
}

// The lazy shared scale is rescaled every ~4400 rounds at gamma = 0.9; the counts must still match
// eager discounting of every arm every round.
TEST(DiscountedUcb, LazyDiscountingMatchesEagerDiscountingAcrossRescales) {
  BanditConfig config = Ucb1Config();
  config.ucb1.drift.kind = DriftKind::kDiscounted;
  config.ucb1.drift.discount = 0.9;
  auto policy = MakePolicy(config, 3);
  std::vector<double> counts(3, 0.0);
  std::vector<double> sums(3, 0.0);
  SplitMix64 random(5);
  for (int round = 0; round < 12000; ++round) {
    const int arm = static_cast<int>(random.Next() % 3);
    const double reward = UnitDoubleFromBits(random.Next());
    for (int i = 0; i < 3; ++i) {
      counts[i] *= 0.9;
      sums[i] *= 0.9;
    }
    counts[arm] += 1;
    sums[arm] += reward;
    Reward(*policy, arm, reward);
  }
  const std::vector<ArmSummary> summary = policy->Summary();
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(summary[i].effective_pulls, counts[i], 1e-9 * counts[i]) << i;
    EXPECT_NEAR(summary[i].mean_reward, sums[i] / counts[i], 1e-9) << i;
  }
}

TEST(DiscountedUcb, DefaultsToGammaPointNineNine) {
  BanditConfig config = Ucb1Config();
  config.ucb1.drift.kind = DriftKind::kDiscounted;
  auto policy = MakePolicy(config, 1);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 0, 1.0);
  EXPECT_DOUBLE_EQ(policy->Summary()[0].effective_pulls, 1.99);
}

// Window 3 after (0, 1), (1, 0), (0, 0.5), (1, 1): the window holds (1, 0), (0, 0.5), (1, 1).
TEST(SlidingWindowUcb, CountsOnlyTheLastWindowRewards) {
  BanditConfig config = Ucb1Config(0.1);
  config.ucb1.drift.kind = DriftKind::kSlidingWindow;
  config.ucb1.drift.window = 3;
  auto policy = MakePolicy(config, 2);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 1, 0.0);
  Reward(*policy, 0, 0.5);
  Reward(*policy, 1, 1.0);
  const std::vector<ArmSummary> summary = policy->Summary();
  EXPECT_DOUBLE_EQ(summary[0].effective_pulls, 1);
  EXPECT_DOUBLE_EQ(summary[0].mean_reward, 0.5);
  EXPECT_DOUBLE_EQ(summary[1].effective_pulls, 2);
  EXPECT_DOUBLE_EQ(summary[1].mean_reward, 0.5);
  EXPECT_EQ(summary[0].pulls, 2);
  // ln(min(t, tau)) = ln 3.
  EXPECT_NEAR(summary[0].upper_bound, 0.5 + std::sqrt(0.1 * std::log(3.0) / 1), 1e-12);
}

TEST(SlidingWindowUcb, ArmThatLeftTheWindowIsPulledAgainFirst) {
  BanditConfig config = Ucb1Config();
  config.ucb1.drift.kind = DriftKind::kSlidingWindow;
  config.ucb1.drift.window = 2;
  auto policy = MakePolicy(config, 2);
  Reward(*policy, 0, 1.0);
  Reward(*policy, 1, 0.0);
  Reward(*policy, 1, 0.0);
  EXPECT_DOUBLE_EQ(policy->Summary()[0].effective_pulls, 0);
  EXPECT_EQ(SelectOk(*policy, 1).arm, 0);
}

TEST(SlidingWindowUcb, RunningSumsMatchTheWindowAfterManyEvictions) {
  BanditConfig config = Ucb1Config();
  config.ucb1.drift.kind = DriftKind::kSlidingWindow;
  config.ucb1.drift.window = 7;
  auto policy = MakePolicy(config, 3);
  std::vector<std::pair<int, double>> history;
  SplitMix64 random(11);
  for (int round = 0; round < 5000; ++round) {
    const int arm = static_cast<int>(random.Next() % 3);
    const double reward = UnitDoubleFromBits(random.Next());
    history.emplace_back(arm, reward);
    Reward(*policy, arm, reward);
  }
  std::vector<double> counts(3, 0.0);
  std::vector<double> sums(3, 0.0);
  for (size_t j = history.size() - 7; j < history.size(); ++j) {
    counts[history[j].first] += 1;
    sums[history[j].first] += history[j].second;
  }
  const std::vector<ArmSummary> summary = policy->Summary();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(summary[i].effective_pulls, counts[i]);
    if (counts[i] > 0) {
      EXPECT_NEAR(summary[i].mean_reward, sums[i] / counts[i], 1e-12);
    }
  }
}

TEST(SlidingWindowUcb, TunedWindowComesFromHorizonAndChanges) {
  BanditConfig config = Ucb1Config();
  config.ucb1.drift.kind = DriftKind::kSlidingWindow;
  config.ucb1.drift.expected_changes = 2;
  config.ucb1.drift.horizon = 10000;
  EXPECT_EQ(ResolvedWindow(config.ucb1.drift), 429);  // spec §7.2, S4
  config.ucb1.drift = {};
  config.ucb1.drift.kind = DriftKind::kSlidingWindow;
  EXPECT_EQ(ResolvedWindow(config.ucb1.drift), 200);
}

std::map<int, int> SimultaneousDecisions(const BanditPolicy& policy, int decisions) {
  std::vector<int64_t> pending(policy.arm_count(), 0);
  std::map<int, int> histogram;
  for (int i = 0; i < decisions; ++i) {
    const int arm = SelectOk(policy, static_cast<uint64_t>(i), pending).arm;
    ++pending[arm];
    ++histogram[arm];
  }
  return histogram;
}

TEST(Ucb1, PendingPullsSpreadSimultaneousDecisionsOverTheArms) {
  auto policy = MakePolicy(Ucb1Config(), 8);
  for (int arm = 0; arm < 8; ++arm) Reward(*policy, arm, 0.5);
  const std::map<int, int> histogram = SimultaneousDecisions(*policy, 32);
  ASSERT_EQ(histogram.size(), 8u);
  for (const auto& [arm, count] : histogram) EXPECT_EQ(count, 4) << "arm " << arm;
  // Without the pending counts every worker would get the same arm.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(SelectOk(*policy, i).arm, 0);
}

TEST(Ucb1, PendingPullsSpreadDecisionsBeforeAnyReward) {
  for (DriftKind kind : {DriftKind::kNone, DriftKind::kDiscounted, DriftKind::kSlidingWindow}) {
    BanditConfig config = Ucb1Config();
    config.ucb1.drift.kind = kind;
    config.ucb1.tuned = kind == DriftKind::kSlidingWindow;
    auto policy = MakePolicy(config, 4);
    const std::map<int, int> histogram = SimultaneousDecisions(*policy, 32);
    ASSERT_EQ(histogram.size(), 4u);
    for (const auto& [arm, count] : histogram) EXPECT_EQ(count, 8) << "arm " << arm;
  }
}

TEST(Ucb1, RefusesBadArguments) {
  auto policy = MakePolicy(Ucb1Config(), 2);
  EXPECT_EQ(policy->Select(std::vector<int64_t>{1}, {}, 0).status().message(),
            "pending: expected one count per arm (2) or none, got 1");
  EXPECT_EQ(policy->Select(std::vector<int64_t>{0, -1}, {}, 0).status().message(),
            "pending[1]: must be >= 0, got -1");
  EXPECT_EQ(policy->Update(2, 0.5, 1, {}, 0).message(), "arm: must be in [0, 2), got 2");
  EXPECT_EQ(policy->Update(0, 1.5, 1, {}, 0).message(),
            "reward: must be in [0, 1], got 1.5; normalise it with NormalizeReward");
  EXPECT_FALSE(policy->Update(0, std::nan(""), 1, {}, 0).ok());
  EXPECT_FALSE(policy->Update(0, 0.5, 0, {}, 0).ok());
  EXPECT_EQ(policy->rewards_applied(), 0);
}

}  // namespace
}  // namespace hyperd::algorithms
