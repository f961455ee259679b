// Discounted EXP3 (exp3_policy.h, drift kDiscounted): every reward first discounts every arm's
// log weight by gamma_d, then adds the importance-weighted gain to the pulled arm; lazily, with a
// shared growth factor. Also: plain EXP3 and EXP3.S states are unchanged by the option.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/bandit/exp3_policy.h"
#include "algorithms/samplers/random_bits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/bandit/bandit_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::SelectOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr double kE = 2.718281828459045;

Exp3Settings Discounted(double gamma, double discount, int64_t horizon = 0) {
  Exp3Settings settings;
  settings.gamma = gamma;
  settings.horizon = horizon;
  settings.drift.kind = DriftKind::kDiscounted;
  settings.drift.discount = discount;
  return settings;
}

Exp3Policy MakeExp3(const Exp3Settings& settings, int arm_count) {
  BanditConfig config;
  config.algorithm = BanditAlgorithm::kExp3;
  config.exp3 = settings;
  const absl::Status valid = ValidateBanditConfig(config, arm_count);
  EXPECT_TRUE(valid.ok()) << valid;
  return Exp3Policy(settings, arm_count);
}

std::string Error(const Exp3Settings& settings) {
  BanditConfig config;
  config.algorithm = BanditAlgorithm::kExp3;
  config.exp3 = settings;
  const absl::Status status = ValidateBanditConfig(config, 3);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeBanditPolicy(config, 3).status(), status);
  return std::string(status.message());
}

// p_i = (1 - gamma) e^{L_i} / sum_j e^{L_j} + gamma / K for log weights L.
std::vector<double> Mixed(const std::vector<double>& log_weights, double gamma) {
  double total = 0;
  for (double l : log_weights) total += std::exp(l);
  std::vector<double> p;
  for (double l : log_weights) {
    p.push_back((1 - gamma) * std::exp(l) / total + gamma / log_weights.size());
  }
  return p;
}

void ExpectProbabilities(const Exp3Policy& policy, const std::vector<double>& expected) {
  const std::vector<double> actual = policy.Probabilities();
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-15) << i;
}

// K = 3, gamma = 0.3, gamma_d = 0.9; the gain of a reward r at probability p is
// 0.3 * (r / p) / 3 = 0.1 r / p.
TEST(DiscountedExp3, DiscountsEveryLogWeightThenAddsTheImportanceWeightedGain) {
  Exp3Policy policy = MakeExp3(Discounted(0.3, 0.9), 3);
  EXPECT_THAT(policy.Probabilities(), ElementsAre(1.0 / 3, 1.0 / 3, 1.0 / 3));

  // Reward 1 on arm 0 at p = 1/3: L = (0.3, 0, 0).
  ASSERT_TRUE(policy.Update(0, 1.0, 1.0 / 3, {}, 0).ok());
  std::vector<double> p = Mixed({0.3, 0, 0}, 0.3);
  ExpectProbabilities(policy, p);
  // Reward 0.5 on arm 2 at p = 0.1: L = (0.9 * 0.3, 0, 0.5) = (0.27, 0, 0.5).
  ASSERT_TRUE(policy.Update(2, 0.5, 0.1, {}, 0).ok());
  p = Mixed({0.27, 0, 0.5}, 0.3);
  ExpectProbabilities(policy, p);
  // Reward 0.6 on arm 0 at p = 0.2: L = (0.9 * 0.27 + 0.3, 0, 0.9 * 0.5) = (0.543, 0, 0.45).
  ASSERT_TRUE(policy.Update(0, 0.6, 0.2, {}, 0).ok());
  p = Mixed({0.543, 0, 0.45}, 0.3);
  ExpectProbabilities(policy, p);
  EXPECT_EQ(policy.gamma(), 0.3);  // an explicit gamma stays

  // Summary: the discounted counts and sums, as D-UCB's. Arm 0 was pulled in rounds 1 and 3:
  // N_0 = 0.81 + 1, S_0 = 0.81 * 1 + 0.6; arm 2 in round 2: N_2 = 0.9, S_2 = 0.9 * 0.5.
  const std::vector<ArmSummary> summary = policy.Summary();
  ASSERT_EQ(summary.size(), 3u);
  EXPECT_EQ(summary[0].pulls, 2);
  EXPECT_NEAR(summary[0].effective_pulls, 1.81, 1e-14);
  EXPECT_NEAR(summary[0].mean_reward, 1.41 / 1.81, 1e-14);
  // The Hoeffding interval of 1.81 effective pulls (radius 0.91), clamped to [0, 1].
  const double radius = std::sqrt(std::log(20.0) / (2 * 1.81));
  EXPECT_NEAR(summary[0].lower_bound, std::max(0.0, 1.41 / 1.81 - radius), 1e-14);
  EXPECT_NEAR(summary[0].upper_bound, std::min(1.0, 1.41 / 1.81 + radius), 1e-14);
  EXPECT_EQ(summary[1].pulls, 0);
  EXPECT_EQ(summary[1].effective_pulls, 0);
  EXPECT_EQ(summary[1].lower_bound, 0);
  EXPECT_EQ(summary[1].upper_bound, 1);
  EXPECT_NEAR(summary[2].effective_pulls, 0.9, 1e-15);
  EXPECT_NEAR(summary[2].mean_reward, 0.5, 1e-15);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(summary[i].selection_probability, p[i], 1e-15);
}

// gamma = min(1, sqrt(K ln K / ((e - 1) g))) with g = min(T, 1/(1 - gamma_d)), no doubling.
TEST(DiscountedExp3, DerivesGammaFromTheMemoryLengthWithoutDoubling) {
  auto gamma_for = [](double k, double g) {
    return std::min(1.0, std::sqrt(k * std::log(k) / ((kE - 1) * g)));
  };
  Exp3Policy unknown_horizon = MakeExp3(Discounted(0, 0), 3);  // gamma_d = 0.99: g = 100
  EXPECT_EQ(unknown_horizon.discount(), 0.99);
  EXPECT_NEAR(unknown_horizon.gamma(), gamma_for(3, 100), 1e-15);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(unknown_horizon.Update(i % 3, 0.5, 0.5, {}, 0).ok());
  EXPECT_NEAR(unknown_horizon.gamma(), gamma_for(3, 100), 1e-15);  // no epochs

  EXPECT_NEAR(MakeExp3(Discounted(0, 0.99, 10000), 3).gamma(), gamma_for(3, 100), 1e-15);
  EXPECT_NEAR(MakeExp3(Discounted(0, 0.99, 40), 3).gamma(), gamma_for(3, 40), 1e-15);

  // The §4 tuning (S4: 2 changes in 10,000 rounds): gamma_d = 0.99646, g = 4 sqrt(T / U) = 282.8;
  // the drift's horizon counts as the horizon when the EXP3 one is not set.
  Exp3Settings tuned = Discounted(0, 0);
  tuned.drift.expected_changes = 2;
  tuned.drift.horizon = 10000;
  const Exp3Policy policy = MakeExp3(tuned, 2);
  EXPECT_NEAR(policy.discount(), 0.99646, 5e-6);
  EXPECT_NEAR(policy.gamma(), gamma_for(2, 4 * std::sqrt(5000.0)), 1e-12);
  tuned.drift.horizon = 100;
  tuned.drift.expected_changes = 100;  // gamma_d = 0.75: g = min(100, 4)
  EXPECT_NEAR(MakeExp3(tuned, 2).gamma(), gamma_for(2, 4), 1e-12);
}

// The lazy form (one growth factor, renormalised when it passes 1e200) against the eager rule,
// with gamma_d = 0.5 so the growth factor is renormalised every ~660 rounds.
TEST(DiscountedExp3, LazyDiscountingMatchesTheEagerRuleAcrossRenormalisations) {
  const double gamma = 0.2;
  const double discount = 0.5;
  const int k = 3;
  Exp3Policy policy = MakeExp3(Discounted(gamma, discount), k);
  std::vector<double> log_weights(k, 0.0);
  SplitMix64 random(11);
  for (int round = 0; round < 3000; ++round) {
    const std::vector<double> expected = Mixed(log_weights, gamma);
    const std::vector<double> actual = policy.Probabilities();
    for (int i = 0; i < k; ++i) ASSERT_NEAR(actual[i], expected[i], 1e-12) << "round " << round;
    const int arm = static_cast<int>(random.Next() % k);
    const double reward = arm == 1 ? UnitDoubleFromBits(random.Next()) : 0.3;
    for (double& l : log_weights) l *= discount;
    log_weights[arm] += gamma * (reward / expected[arm]) / k;
    ASSERT_TRUE(policy.Update(arm, reward, expected[arm], {}, 0).ok());
  }
  const std::vector<ArmSummary> summary = policy.Summary();
  double effective = 0;
  for (const ArmSummary& arm : summary) effective += arm.effective_pulls;
  EXPECT_NEAR(effective, 1 / (1 - discount), 1e-9);  // sum of 0.5^j over 3000 rounds
}

TEST(DiscountedExp3, RefusesAProbabilityBelowTheExplorationFloor) {
  Exp3Policy policy = MakeExp3(Discounted(0.2, 0.9), 4);
  const absl::Status status = policy.Update(0, 1.0, 0.01, {}, 0);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("below gamma/K = 0.05"));
  EXPECT_EQ(policy.rewards_applied(), 0);
  EXPECT_THAT(policy.Probabilities(), ElementsAre(0.25, 0.25, 0.25, 0.25));
}

TEST(DiscountedExp3, ValidationRefusesWindowsAndFixedShareWithTheFieldPath) {
  Exp3Settings settings;
  settings.drift.kind = DriftKind::kSlidingWindow;
  EXPECT_EQ(Error(settings),
            "sampler.exp3.drift.kind: a sliding window is defined for the UCB family only "
            "(spec §4); use DISCOUNTED");

  settings = Discounted(0, 0);
  settings.share = 0.01;
  EXPECT_EQ(Error(settings),
            "sampler.exp3.drift: choose either fixed share (share/switches) or discounting, not "
            "both");
  settings = Discounted(0, 0, 1000);
  settings.switches = 3;
  EXPECT_EQ(Error(settings),
            "sampler.exp3.drift: choose either fixed share (share/switches) or discounting, not "
            "both");

  settings = Discounted(0, 1);
  EXPECT_EQ(Error(settings),
            "sampler.exp3.drift.discount: must be in [0.001, 1) or 0 for the default, got 1");
  settings = {};
  settings.drift.discount = 0.9;
  EXPECT_EQ(Error(settings),
            "sampler.exp3.drift.discount: is set but drift.kind is not DISCOUNTED");
  settings = Discounted(0, 0);
  settings.drift.horizon = 100;
  EXPECT_EQ(Error(settings),
            "sampler.exp3.drift.expected_changes: expected_changes and horizon are used together "
            "by the tuning formulas; set both or neither");
}

// Drives two policies with the same decisions and delayed rewards and checks they agree.
void RunSideBySide(Exp3Policy& a, Exp3Policy& b, uint64_t first_round, uint64_t rounds) {
  SplitMix64 rewards(MixSeed(5, first_round));
  for (uint64_t round = first_round; round < first_round + rounds; ++round) {
    const BanditDecision x = SelectOk(a, MixSeed(9, round));
    const BanditDecision y = SelectOk(b, MixSeed(9, round));
    ASSERT_EQ(x.arm, y.arm) << "round " << round;
    ASSERT_EQ(x.probability, y.probability) << "round " << round;
    const double reward = x.arm == 1 ? 0.9 * UnitDoubleFromBits(rewards.Next())
                                     : 0.4 * UnitDoubleFromBits(rewards.Next());
    ASSERT_TRUE(a.Update(x.arm, reward, x.probability, {}, 0).ok());
    ASSERT_TRUE(b.Update(y.arm, reward, y.probability, {}, 0).ok());
  }
}

TEST(DiscountedExp3, StateRoundTripMidRunGivesIdenticalDecisions) {
  // gamma_d = 0.5 renormalises during both halves; 0.99 is the default.
  for (double discount : {0.5, 0.99}) {
    SCOPED_TRACE(discount);
    Exp3Policy original = MakeExp3(Discounted(0, discount), 4);
    Exp3Policy reference = MakeExp3(Discounted(0, discount), 4);
    RunSideBySide(original, reference, 0, 1000);
    const std::string state = original.SerializeState();
    EXPECT_THAT(state, HasSubstr(" drift=discounted discount="));
    EXPECT_THAT(state, HasSubstr("\nweight_growth "));

    Exp3Policy restored = MakeExp3(Discounted(0, discount), 4);
    const absl::Status status = restored.RestoreState(state);
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(restored.SerializeState(), state);
    EXPECT_EQ(restored.rewards_applied(), 1000);
    RunSideBySide(original, restored, 1000, 1000);
    EXPECT_EQ(restored.SerializeState(), original.SerializeState());
    const std::vector<ArmSummary> x = original.Summary();
    const std::vector<ArmSummary> y = restored.Summary();
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(x[i].pulls, y[i].pulls);
      EXPECT_EQ(x[i].effective_pulls, y[i].effective_pulls);
      EXPECT_EQ(x[i].mean_reward, y[i].mean_reward);
      EXPECT_EQ(x[i].selection_probability, y[i].selection_probability);
    }
  }
}

TEST(DiscountedExp3, RefusesStatesOfOtherDiscountsAndOfPlainExp3) {
  Exp3Policy discounted = MakeExp3(Discounted(0.1, 0.9), 2);
  const std::string before = discounted.SerializeState();
  Exp3Settings plain_settings;
  plain_settings.gamma = 0.1;
  Exp3Policy plain = MakeExp3(plain_settings, 2);
  Exp3Policy other_discount = MakeExp3(Discounted(0.1, 0.8), 2);
  for (const Exp3Policy* source : {&plain, &other_discount}) {
    const absl::Status status = discounted.RestoreState(source->SerializeState());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), HasSubstr("the state was written by"));
  }
  EXPECT_EQ(plain.RestoreState(before).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(discounted.SerializeState(), before);
}

// Written by EXP3 before discounting existed (Exp3Settings without `drift`): K = 3, rewards
// 0.125 t on arm (5 t) mod 3 at the current probability, t = 0..6.
constexpr char kPlainExp3State[] =
    "policy exp3 arms=3 gamma=0000000000000000 horizon=1000 share=0000000000000000 switches=0\n"
    "pulls 3 2 2\n"
    "reward_sums 3ff2000000000000 3fec000000000000 3fe4000000000000\n"
    "epoch 0\n"
    "log_weights 3fa973043638dbe0 3fa3bacbb7190bb0 3f9c25ee87090939\n";
constexpr char kExp3SState[] =
    "policy exp3 arms=3 gamma=3fd3333333333333 horizon=0 share=3fa999999999999a switches=0\n"
    "pulls 3 2 2\n"
    "reward_sums 3ff2000000000000 3fec000000000000 3fe4000000000000\n"
    "epoch 0\n"
    "share_offset 3ff8ced8a416752a\n"
    "share_total 4022a73faa10ce0e\n"
    "share_weights 3ffd016bfa19f88c 3ff8881c998d0eaa 3ff543ead09c09c0\n";

TEST(DiscountedExp3, PlainExp3AndExp3SStatesAreUnchanged) {
  Exp3Settings plain;
  plain.horizon = 1000;
  Exp3Settings fixed_share;
  fixed_share.gamma = 0.3;
  fixed_share.share = 0.05;
  const std::vector<std::pair<Exp3Settings, std::string>> cases = {{plain, kPlainExp3State},
                                                                   {fixed_share, kExp3SState}};
  for (const auto& [settings, golden] : cases) {
    Exp3Policy policy = MakeExp3(settings, 3);
    for (int t = 0; t < 7; ++t) {
      const int arm = (t * 5) % 3;
      ASSERT_TRUE(policy.Update(arm, 0.125 * t, policy.Probabilities()[arm], {}, 0).ok());
    }
    EXPECT_EQ(policy.SerializeState(), golden);
    Exp3Policy restored = MakeExp3(settings, 3);
    ASSERT_TRUE(restored.RestoreState(golden).ok());
    EXPECT_EQ(restored.Probabilities(), policy.Probabilities());
  }
}

// Fraction of the last `window` decisions that picked arm 1 on a 2-armed Bernoulli problem whose
// means switch from (0.9, 0.1) to (0.1, 0.9) after `switch_at` of `rounds` rounds.
double NewBestArmShareAtTheEnd(const Exp3Settings& settings, uint64_t seed, int rounds,
                               int switch_at, int window) {
  Exp3Policy policy = MakeExp3(settings, 2);
  SplitMix64 rewards(MixSeed(seed, 77));
  int picked_new_best = 0;
  for (int t = 0; t < rounds; ++t) {
    const BanditDecision d = SelectOk(policy, MixSeed(seed, t));
    const double mean = (d.arm == 0) == (t < switch_at) ? 0.9 : 0.1;
    const double reward = UnitDoubleFromBits(rewards.Next()) < mean ? 1.0 : 0.0;
    EXPECT_TRUE(policy.Update(d.arm, reward, d.probability, {}, 0).ok());
    if (t >= rounds - window && d.arm == 1) ++picked_new_best;
  }
  return picked_new_best / static_cast<double>(window);
}

// Both tuned for T = 4,000 rounds; the best arm switches after 3,000. Plain EXP3 (gamma = 0.0142)
// gains about gamma * 0.8 / K = 0.0057 of log weight per round for the better arm: ~17 in the
// first phase, of which only ~6 are won back in the second. Discounted EXP3 (gamma_d = 0.99,
// gamma = 0.0898) only remembers ~100 rounds: a steady gap of about gamma * 0.8 / (K (1 - gamma_d))
// = 3.6, p(best) ~ 0.93, within a few hundred rounds of the switch.
TEST(DiscountedExp3, RecoversFromASwitchOfTheBestArmWherePlainExp3Lags) {
  constexpr int kRounds = 4000;
  constexpr int kSwitchAt = 3000;
  constexpr int kWindow = 500;
  Exp3Settings plain;
  plain.horizon = kRounds;
  const Exp3Settings discounted = Discounted(0, 0, kRounds);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(seed);
    EXPECT_GT(NewBestArmShareAtTheEnd(discounted, seed, kRounds, kSwitchAt, kWindow), 0.85);
    EXPECT_LT(NewBestArmShareAtTheEnd(plain, seed, kRounds, kSwitchAt, kWindow), 0.3);
  }
}

}  // namespace
}  // namespace hyperd::algorithms
