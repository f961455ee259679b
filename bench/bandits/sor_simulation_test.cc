#include "bench/bandits/sor_simulation.h"

#include <memory>
#include <vector>

#include "bench/bandits/policy_catalog.h"
#include "gtest/gtest.h"

namespace hyperd::bench {
namespace {

class FixedOmegaPolicy : public SimulatedPolicy {
 public:
  explicit FixedOmegaPolicy(int arm) : arm_(arm) {}
  absl::StatusOr<algorithms::BanditDecision> Select(absl::Span<const int64_t>,
                                                    absl::Span<const double> context,
                                                    uint64_t) override {
    contexts.emplace_back(context.begin(), context.end());
    algorithms::BanditDecision decision;
    decision.arm = arm_;
    return decision;
  }
  absl::Status Update(const algorithms::BanditDecision&, double reward, absl::Span<const double>,
                      uint64_t) override {
    rewards.push_back(reward);
    return absl::OkStatus();
  }
  std::vector<std::vector<double>> contexts;
  std::vector<double> rewards;

 private:
  int arm_;
};

TEST(SimulateSorSequence, ChargesTheSolverIterationsAndRewardsOneMinusCappedLoss) {
  const SorFixture fixture = *SorFixture::Create(SorFixtureOptions{});
  const std::vector<int> instances = {0, 7, 4};  // c = 0.005, 1.0, 0.1
  FixedOmegaPolicy gauss_seidel(0);
  SorSimulationOptions options;
  options.solve_every_instance = true;
  absl::StatusOr<std::vector<int64_t>> iterations =
      SimulateSorSequence(fixture, gauss_seidel, instances, options);
  ASSERT_TRUE(iterations.ok()) << iterations.status();
  EXPECT_EQ(*iterations, (std::vector<int64_t>{fixture.Iterations(0, 0), 27, 185}));
  EXPECT_EQ(gauss_seidel.rewards, (std::vector<double>{0.0, 1 - 0.027, 1 - 0.185}));
  EXPECT_EQ(gauss_seidel.contexts[1], (std::vector<double>{1, 1, 1}));
}

TEST(SimulateSorSequence, LinUcbBeatsTheBestFixedOmegaOnALongSequence) {
  // Spec §7.3 gate, on one seed: LinUCB's mean over the last 500 of 5000 instances is below the
  // best fixed omega's (112.5).
  const SorFixture fixture = *SorFixture::Create(SorFixtureOptions{});
  const std::vector<int> instances = fixture.DrawInstances(5000, 3);
  PolicyEnvironment env;
  env.arm_count = fixture.arm_count();
  env.context_dimension = 3;
  env.horizon = 5000;
  std::unique_ptr<SimulatedPolicy> linucb = *MakeSimulatedPolicy(**FindPolicy("linucb"), env);
  absl::StatusOr<std::vector<int64_t>> iterations =
      SimulateSorSequence(fixture, *linucb, instances, SorSimulationOptions{});
  ASSERT_TRUE(iterations.ok()) << iterations.status();
  double last = 0, fixed = 0;
  for (int t = 4500; t < 5000; ++t) {
    last += (*iterations)[t];
    fixed += fixture.Iterations(instances[t], 16);  // omega = 1.80
  }
  EXPECT_LT(last, fixed);
}

}  // namespace
}  // namespace hyperd::bench
