// Helpers shared by the bandit policy tests: creating policies that must be valid and applying
// decisions and rewards that must be accepted.
#ifndef HYPERD_TESTS_UNIT_ALGORITHMS_BANDIT_BANDIT_TEST_UTIL_H_
#define HYPERD_TESTS_UNIT_ALGORITHMS_BANDIT_BANDIT_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::testing {

inline std::unique_ptr<BanditPolicy> MakePolicy(const BanditConfig& config, int arm_count) {
  absl::StatusOr<std::unique_ptr<BanditPolicy>> policy = MakeBanditPolicy(config, arm_count);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? std::move(policy).value() : nullptr;
}

inline BanditDecision SelectOk(const BanditPolicy& policy, uint64_t seed,
                               const std::vector<int64_t>& pending = {},
                               const std::vector<double>& context = {}) {
  absl::StatusOr<BanditDecision> decision = policy.Select(pending, context, seed);
  EXPECT_TRUE(decision.ok()) << decision.status();
  return decision.ok() ? *decision : BanditDecision{-1, 0};
}

// Applies `reward` to `arm` as a pull decided with probability 1 (argmax policies).
inline void Reward(BanditPolicy& policy, int arm, double reward, uint64_t seed = 0,
                   const std::vector<double>& context = {}) {
  const absl::Status status = policy.Update(arm, reward, 1.0, context, seed);
  EXPECT_TRUE(status.ok()) << status;
}

inline BanditConfig Ucb1Config(double alpha = 2) {
  BanditConfig config;
  config.algorithm = BanditAlgorithm::kUcb1;
  config.ucb1.alpha = alpha;
  return config;
}

}  // namespace hyperd::algorithms::testing

#endif  // HYPERD_TESTS_UNIT_ALGORITHMS_BANDIT_BANDIT_TEST_UTIL_H_
