// One configuration of every policy variant, shared by the state and regret tests.
#ifndef HYPERD_TESTS_UNIT_ALGORITHMS_BANDIT_POLICY_CATALOG_H_
#define HYPERD_TESTS_UNIT_ALGORITHMS_BANDIT_POLICY_CATALOG_H_

#include <ostream>
#include <string>
#include <vector>

#include "algorithms/samplers/bandit/bandit_config.h"

namespace hyperd::algorithms::testing {

struct NamedConfig {
  std::string name;
  BanditConfig config;
};

// Test parameters print as their name instead of a byte dump.
inline void PrintTo(const NamedConfig& named, std::ostream* os) { *os << named.name; }

// Every algorithm and drift variant; LinUCB with a 2-dimensional context, EXP3 variants tuned for
// `horizon` rewards.
inline std::vector<NamedConfig> AllPolicyVariants(int64_t horizon) {
  std::vector<NamedConfig> variants;
  auto add = [&](std::string name, BanditAlgorithm algorithm) -> BanditConfig& {
    variants.push_back({std::move(name), BanditConfig{}});
    variants.back().config.algorithm = algorithm;
    return variants.back().config;
  };
  add("ucb1", BanditAlgorithm::kUcb1);
  add("ucb1_tuned", BanditAlgorithm::kUcb1).ucb1.tuned = true;
  add("d_ucb", BanditAlgorithm::kUcb1).ucb1.drift.kind = DriftKind::kDiscounted;
  {
    BanditConfig& c = add("sw_ucb", BanditAlgorithm::kUcb1);
    c.ucb1.drift.kind = DriftKind::kSlidingWindow;
    c.ucb1.drift.window = 150;
  }
  add("thompson", BanditAlgorithm::kThompson);
  add("discounted_thompson", BanditAlgorithm::kThompson).thompson.drift.kind =
      DriftKind::kDiscounted;
  add("gaussian_thompson", BanditAlgorithm::kThompson).thompson.prior = ThompsonPrior::kGaussian;
  add("normal_gamma_thompson", BanditAlgorithm::kThompson).thompson.prior =
      ThompsonPrior::kNormalGamma;
  add("exp3", BanditAlgorithm::kExp3).exp3.horizon = horizon;
  {
    BanditConfig& c = add("exp3_s", BanditAlgorithm::kExp3);
    c.exp3.horizon = horizon;
    c.exp3.switches = 1;
  }
  {
    // Discounted EXP3 with the §4 tuning for one change in `horizon` rewards (gamma_d = 0.9944 for
    // 2,000): the default 0.99 forgets so fast that on a stationary problem it pays ~0.4 of
    // random's regret, like D-UCB's 0.35.
    BanditConfig& c = add("exp3_discounted", BanditAlgorithm::kExp3);
    c.exp3.horizon = horizon;
    c.exp3.drift.kind = DriftKind::kDiscounted;
    c.exp3.drift.expected_changes = 1;
    c.exp3.drift.horizon = horizon;
  }
  add("tsallis_inf", BanditAlgorithm::kTsallisInf);
  add("linucb", BanditAlgorithm::kLinUcb).linucb.context_dimension = 2;
  return variants;
}

}  // namespace hyperd::algorithms::testing

#endif  // HYPERD_TESTS_UNIT_ALGORITHMS_BANDIT_POLICY_CATALOG_H_
