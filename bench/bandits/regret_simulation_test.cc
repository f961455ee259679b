#include "bench/bandits/regret_simulation.h"

#include <memory>
#include <vector>

#include "bench/bandits/policy_catalog.h"
#include "gtest/gtest.h"

namespace hyperd::bench {
namespace {

std::unique_ptr<BanditProblem> Make(const char* name) { return *MakeBanditProblem(name); }

// Always pulls one arm; records what Select saw.
class FixedArmPolicy : public SimulatedPolicy {
 public:
  explicit FixedArmPolicy(int arm) : arm_(arm) {}

  absl::StatusOr<algorithms::BanditDecision> Select(absl::Span<const int64_t> pending,
                                                    absl::Span<const double>, uint64_t) override {
    pending_seen.emplace_back(pending.begin(), pending.end());
    algorithms::BanditDecision decision;
    decision.arm = arm_;
    return decision;
  }
  absl::Status Update(const algorithms::BanditDecision&, double reward, absl::Span<const double>,
                      uint64_t) override {
    rewards.push_back(reward);
    return absl::OkStatus();
  }

  std::vector<std::vector<int64_t>> pending_seen;
  std::vector<double> rewards;

 private:
  int arm_;
};

SimulationOptions Options(int64_t horizon, std::vector<int64_t> checkpoints, int batch = 1) {
  SimulationOptions options;
  options.horizon = horizon;
  options.checkpoints = std::move(checkpoints);
  options.batch = batch;
  options.problem_seed = 11;
  options.study_seed = 12;
  return options;
}

TEST(SimulateRegret, FixedArmRegretIsTheSumOfItsGaps) {
  FixedArmPolicy second(1);
  absl::StatusOr<std::vector<double>> s1 =
      SimulateRegret(*Make("bernoulli2"), second, Options(1000, {10, 1000}));
  ASSERT_TRUE(s1.ok()) << s1.status();
  EXPECT_NEAR((*s1)[0], 1.0, 1e-9);
  EXPECT_NEAR((*s1)[1], 100.0, 1e-9);
  FixedArmPolicy first(0);
  absl::StatusOr<std::vector<double>> s4 =
      SimulateRegret(*Make("switch2"), first, Options(10000, {5000, 10000}));
  ASSERT_TRUE(s4.ok()) << s4.status();
  EXPECT_NEAR((*s4)[0], 0.0, 1e-9);
  EXPECT_NEAR((*s4)[1], 0.2 * 5000, 1e-6);  // the worst phase-2 regret of spec §7.2 is 1000
}

TEST(SimulateRegret, BatchesPassPendingPullsAndRewardsComeFromTheProblem) {
  FixedArmPolicy policy(1);
  ASSERT_TRUE(SimulateRegret(*Make("adversarial2"), policy, Options(6, {6}, /*batch=*/3)).ok());
  ASSERT_EQ(policy.pending_seen.size(), 6u);
  EXPECT_EQ(policy.pending_seen[0], (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(policy.pending_seen[2], (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(policy.pending_seen[3], (std::vector<int64_t>{0, 0}));  // the first batch arrived
  EXPECT_EQ(policy.rewards, (std::vector<double>{1, 0, 1, 0, 1, 0}));
  FixedArmPolicy unbatched(0);
  ASSERT_TRUE(SimulateRegret(*Make("adversarial2"), unbatched, Options(2, {2})).ok());
  EXPECT_TRUE(unbatched.pending_seen[1].empty());  // batch 1: no pending vector
}

TEST(SimulateRegret, RefusesCheckpointsOutsideTheHorizon) {
  FixedArmPolicy policy(0);
  EXPECT_EQ(SimulateRegret(*Make("bernoulli2"), policy, Options(100, {200})).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SimulateRegret(*Make("bernoulli2"), policy, Options(100, {50, 50})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SimulateRegret, LibraryPoliciesAreReproducibleForAFixedSeed) {
  for (const char* name : {"ucb1", "thompson", "exp3", "dts", "tsallis_inf"}) {
    SCOPED_TRACE(name);
    const PolicyInfo* info = *FindPolicy(name);
    PolicyEnvironment env;
    env.arm_count = 10;
    env.horizon = 2000;
    std::vector<double> runs[2];
    for (std::vector<double>& run : runs) {
      std::unique_ptr<SimulatedPolicy> policy = *MakeSimulatedPolicy(*info, env);
      run = *SimulateRegret(*Make("bernoulli10"), *policy, Options(2000, {2000}));
    }
    EXPECT_EQ(runs[0], runs[1]);
  }
}

TEST(SimulateRegret, UniformRandomPaysTheAverageGap) {
  const PolicyInfo* random = *FindPolicy("random");
  PolicyEnvironment env;
  env.arm_count = 10;
  std::unique_ptr<SimulatedPolicy> policy = *MakeSimulatedPolicy(*random, env);
  absl::StatusOr<std::vector<double>> regret =
      SimulateRegret(*Make("bernoulli10"), *policy, Options(20000, {20000}));
  ASSERT_TRUE(regret.ok()) << regret.status();
  EXPECT_NEAR(regret->front(), 0.09 * 20000, 60);  // 9/10 of pulls lose 0.1; ~4 sd
}

TEST(SimulateRegret, AdversaryKeepsUcb1OutOfPhase) {
  // The adversarial2 construction: UCB1 starts with arm 0, then arm 1, breaks ties toward arm 0,
  // and is then always half a period off: it earns nothing, the best fixed arm 1/2 per round.
  const PolicyInfo* ucb1 = *FindPolicy("ucb1");
  PolicyEnvironment env;
  env.arm_count = 2;
  std::unique_ptr<SimulatedPolicy> policy = *MakeSimulatedPolicy(*ucb1, env);
  absl::StatusOr<std::vector<double>> regret =
      SimulateRegret(*Make("adversarial2"), *policy, Options(1000, {1000}));
  ASSERT_TRUE(regret.ok()) << regret.status();
  EXPECT_NEAR(regret->front(), 500.0, 1e-9);
}

TEST(BestArmSwitches, CountsChangesOfTheArgmax) {
  EXPECT_EQ(BestArmSwitches(*Make("switch2"), 10000), 1);
  EXPECT_EQ(BestArmSwitches(*Make("switch2"), 5000), 0);
  EXPECT_EQ(BestArmSwitches(*Make("rotate3"), 10000), 3);
  EXPECT_EQ(BestArmSwitches(*Make("drift3"), 10000), 6);
  EXPECT_EQ(BestArmSwitches(*Make("linear5"), 10000), 0);
}

}  // namespace
}  // namespace hyperd::bench
