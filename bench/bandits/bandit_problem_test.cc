#include "bench/bandits/bandit_problem.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "bench/bandits/regret_account.h"
#include "gtest/gtest.h"

namespace hyperd::bench {
namespace {

std::unique_ptr<BanditProblem> Make(const std::string& name) {
  absl::StatusOr<std::unique_ptr<BanditProblem>> problem = MakeBanditProblem(name);
  EXPECT_TRUE(problem.ok()) << problem.status();
  return problem.ok() ? *std::move(problem) : nullptr;
}

std::vector<double> MeansAt(const BanditProblem& problem, int64_t t, uint64_t seed = 1) {
  BanditRound round;
  problem.MakeRound(t, seed, &round);
  return round.means;
}

TEST(BanditProblem, EveryListedProblemExistsAndUnknownNamesAreRefused) {
  for (const std::string& name : BanditProblemNames()) {
    std::unique_ptr<BanditProblem> problem = Make(name);
    ASSERT_NE(problem, nullptr);
    EXPECT_EQ(problem->name(), name);
    EXPECT_EQ(static_cast<int>(MeansAt(*problem, 0).size()), problem->arm_count());
  }
  absl::StatusOr<std::unique_ptr<BanditProblem>> unknown = MakeBanditProblem("bernoulli3");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("bernoulli10"), std::string::npos);
}

TEST(BanditProblem, StationaryProblemsHaveTheSpecsMeans) {
  EXPECT_EQ(MeansAt(*Make("bernoulli2"), 123), (std::vector<double>{0.9, 0.8}));
  const std::vector<double> s2 = MeansAt(*Make("bernoulli10"), 0);
  EXPECT_EQ(std::count(s2.begin(), s2.end(), 0.5), 9);
  EXPECT_EQ(s2.back(), 0.6);
}

TEST(BanditProblem, SwitchingProblemsChangeAtTheSpecsRounds) {
  const std::unique_ptr<BanditProblem> s4 = Make("switch2");
  EXPECT_EQ(MeansAt(*s4, 4999), (std::vector<double>{0.7, 0.5}));  // round 5000
  EXPECT_EQ(MeansAt(*s4, 5000), (std::vector<double>{0.3, 0.5}));  // round 5001
  EXPECT_EQ(s4->SegmentsWithin(10000), 2);
  EXPECT_EQ(s4->SegmentsWithin(5000), 1);
  const std::unique_ptr<BanditProblem> s3 = Make("rotate3");
  EXPECT_EQ(MeansAt(*s3, 2499), (std::vector<double>{0.9, 0.5, 0.1}));
  EXPECT_EQ(MeansAt(*s3, 2500), (std::vector<double>{0.1, 0.9, 0.5}));
  EXPECT_EQ(MeansAt(*s3, 5000), (std::vector<double>{0.5, 0.1, 0.9}));
  EXPECT_EQ(MeansAt(*s3, 9999), (std::vector<double>{0.9, 0.5, 0.1}));
  EXPECT_EQ(s3->SegmentsWithin(10000), 4);
  EXPECT_EQ(Make("drift3")->SegmentsWithin(10000), 0);
}

TEST(BanditProblem, BernoulliRewardsAreReproducibleAndHaveTheirMeans) {
  const std::unique_ptr<BanditProblem> s1 = Make("bernoulli2");
  BanditRound round;
  double total = 0;
  for (int64_t t = 0; t < 20000; ++t) {
    s1->MakeRound(t, 42, &round);
    const double reward = s1->Reward(t, 42, 1, round);
    EXPECT_EQ(reward, s1->Reward(t, 42, 1, round));
    ASSERT_TRUE(reward == 0.0 || reward == 1.0);
    total += reward;
  }
  EXPECT_NEAR(total / 20000, 0.8, 0.012);  // ~4 standard deviations
}

TEST(BanditProblem, ClippedGaussianRewardsAverageToTheExactClippedMean) {
  EXPECT_NEAR(ClippedNormalMean(0.5, 0.2), 0.5, 1e-12);  // symmetric clipping
  EXPECT_NEAR(ClippedNormalMean(0.3, 1e-3), 0.3, 1e-12);
  EXPECT_NEAR(ClippedNormalMean(5.0, 0.2), 1.0, 1e-12);
  EXPECT_LT(ClippedNormalMean(0.6, 0.2), 0.6);  // the upper tail is cut more
  const std::unique_ptr<BanditProblem> g = Make("gaussian5");
  BanditRound round;
  double total = 0;
  for (int64_t t = 0; t < 40000; ++t) {
    g->MakeRound(t, 3, &round);
    const double reward = g->Reward(t, 3, 4, round);
    ASSERT_GE(reward, 0.0);
    ASSERT_LE(reward, 1.0);
    total += reward;
  }
  EXPECT_NEAR(total / 40000, round.means[4], 0.004);
}

TEST(BanditProblem, AdversaryAlternatesAndItsBestFixedArmIsArmOne) {
  const std::unique_ptr<BanditProblem> a = Make("adversarial2");
  EXPECT_EQ(MeansAt(*a, 0), (std::vector<double>{0.0, 1.0}));  // round 1 (odd)
  EXPECT_EQ(MeansAt(*a, 1), (std::vector<double>{0.9, 0.0}));  // round 2 (even)
  // A policy that always plays the arm that pays nothing this round: regret = the best fixed
  // arm's total, 1/2 per round.
  RegretAccount account(a->baseline(), 2);
  for (int64_t t = 0; t < 100; ++t) {
    const std::vector<double> means = MeansAt(*a, t);
    account.Record(means, means[0] == 0.0 ? 0 : 1);
  }
  EXPECT_DOUBLE_EQ(account.Regret(), 50.0);
}

TEST(BanditProblem, LinearContextsAreUniformAndDecideTheBestArm) {
  const std::unique_ptr<BanditProblem> c = Make("linear5");
  ASSERT_EQ(c->context_dimension(), 3);
  BanditRound round;
  int best_is_constant = 0;
  for (int64_t t = 0; t < 2000; ++t) {
    c->MakeRound(t, 9, &round);
    ASSERT_EQ(round.context[0], 1.0);
    ASSERT_LE(std::abs(round.context[1]), 1.0);
    EXPECT_NEAR(round.means[0], 0.5 + 0.3 * round.context[1], 1e-12);
    EXPECT_NEAR(round.means[3], 0.5 - 0.3 * round.context[2], 1e-12);
    best_is_constant +=
        std::max_element(round.means.begin(), round.means.end()) == round.means.begin() + 4;
  }
  // The constant arm wins when max(|z1|, |z2|) < 1/3: probability 1/9.
  EXPECT_NEAR(best_is_constant / 2000.0, 1.0 / 9.0, 0.03);
}

TEST(RegretAccount, PerRoundBaselineSumsGapsAndFixedArmBaselineComparesTotals) {
  RegretAccount per_round(RegretBaseline::kBestArmEachRound, 2);
  RegretAccount fixed(RegretBaseline::kBestFixedArm, 2);
  const std::vector<double> first = {0.7, 0.5}, second = {0.3, 0.5};
  for (RegretAccount* account : {&per_round, &fixed}) {
    account->Record(first, 0);   // best
    account->Record(second, 0);  // gap 0.2
  }
  EXPECT_NEAR(per_round.Regret(), 0.2, 1e-12);
  // Arm 0 totals 1.0, arm 1 totals 1.0, the policy collected 1.0.
  EXPECT_NEAR(fixed.Regret(), 0.0, 1e-12);
}

}  // namespace
}  // namespace hyperd::bench
