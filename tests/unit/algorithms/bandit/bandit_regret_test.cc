// Every policy learns: on a 2-armed Bernoulli problem (means 0.8 and 0.4) its pseudo-regret over
// 2,000 rounds, averaged over fixed seeds, is well below uniform random's (0.2 per round).
#include <cstdint>
#include <memory>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/random_bits.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/bandit/bandit_test_util.h"
#include "tests/unit/algorithms/bandit/policy_catalog.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::AllPolicyVariants;
using ::hyperd::algorithms::testing::MakePolicy;
using ::hyperd::algorithms::testing::NamedConfig;

constexpr int kRounds = 2000;
constexpr int kSeeds = 5;
constexpr double kMeans[] = {0.4, 0.8};  // the best arm is not arm 0, so ties cannot help

// Pseudo-regret sum_t (mu* - mu_{I_t}) of one run; LinUCB gets the constant context [1, 0].
double Regret(BanditPolicy& policy, uint64_t seed) {
  SplitMix64 rewards(MixSeed(seed, 1));
  const std::vector<double> context =
      policy.context_dimension() > 0 ? std::vector<double>{1, 0} : std::vector<double>{};
  double regret = 0;
  for (int t = 0; t < kRounds; ++t) {
    const uint64_t decision_seed = MixSeed(seed, t);
    absl::StatusOr<BanditDecision> d = policy.Select({}, context, decision_seed);
    EXPECT_TRUE(d.ok()) << d.status();
    if (!d.ok()) return 1e9;
    regret += kMeans[1] - kMeans[d->arm];
    const double reward = UnitDoubleFromBits(rewards.Next()) < kMeans[d->arm] ? 1.0 : 0.0;
    EXPECT_TRUE(policy.Update(d->arm, reward, d->probability, context, decision_seed).ok());
  }
  return regret;
}

class Regret2Arms : public ::testing::TestWithParam<NamedConfig> {};

TEST_P(Regret2Arms, IsWellBelowUniformRandom) {
  const double uniform_regret = 0.5 * (kMeans[1] - kMeans[0]) * kRounds;  // 400
  double total = 0;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    auto policy = MakePolicy(GetParam().config, 2);
    total += Regret(*policy, seed);
  }
  const double mean = total / kSeeds;
  RecordProperty("mean_regret", static_cast<int>(mean));
  EXPECT_LT(mean, 0.4 * uniform_regret) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, Regret2Arms, ::testing::ValuesIn(AllPolicyVariants(kRounds)),
                         [](const ::testing::TestParamInfo<NamedConfig>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace hyperd::algorithms
