// Bandit settings (specs/bandits.md): validation messages name the field and the fix; 0 means the
// spec's default or tuning formula.
#include "algorithms/samplers/bandit/bandit_config.h"

#include <string>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

std::string Error(const BanditConfig& config, int arm_count = 4) {
  const absl::Status status = ValidateBanditConfig(config, arm_count);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeBanditPolicy(config, arm_count).status(), status);
  return std::string(status.message());
}

BanditConfig Config(BanditAlgorithm algorithm) {
  BanditConfig config;
  config.algorithm = algorithm;
  config.linucb.context_dimension = 2;
  return config;
}

TEST(BanditConfig, DefaultsOfEveryAlgorithmAreValid) {
  for (BanditAlgorithm algorithm :
       {BanditAlgorithm::kUcb1, BanditAlgorithm::kThompson, BanditAlgorithm::kExp3,
        BanditAlgorithm::kTsallisInf, BanditAlgorithm::kLinUcb}) {
    absl::StatusOr<std::unique_ptr<BanditPolicy>> policy = MakeBanditPolicy(Config(algorithm), 3);
    ASSERT_TRUE(policy.ok()) << policy.status();
    EXPECT_EQ((*policy)->name(), BanditAlgorithmName(algorithm));
    EXPECT_EQ((*policy)->arm_count(), 3);
  }
}

TEST(BanditConfig, RefusesOutOfRangeSettingsWithTheirFieldPath) {
  EXPECT_EQ(Error(Config(BanditAlgorithm::kUcb1), 0), "arms: a bandit needs at least 1 arm, got 0");

  BanditConfig config = Config(BanditAlgorithm::kExp3);
  config.exp3.gamma = 2;
  EXPECT_EQ(Error(config),
            "sampler.exp3.gamma: must be in (0, 1] or 0 for the derived value, got 2");
  config.exp3.gamma = 0;
  config.exp3.switches = 2;
  EXPECT_EQ(Error(config),
            "sampler.exp3.horizon: EXP3.S (switches > 0) derives gamma and share from the "
            "horizon; set it");
  config.exp3 = {};
  config.exp3.share = 1;
  EXPECT_EQ(Error(config), "sampler.exp3.share: must be in (0, 1) or 0, got 1");

  config = Config(BanditAlgorithm::kUcb1);
  config.ucb1.alpha = -1;
  EXPECT_EQ(Error(config), "sampler.ucb1.alpha: must be a finite number > 0, got -1");
  config.ucb1.alpha = 2;
  config.ucb1.drift.kind = DriftKind::kDiscounted;
  config.ucb1.drift.discount = 1;
  EXPECT_EQ(Error(config),
            "sampler.ucb1.drift.discount: must be in [0.001, 1) or 0 for the default, got 1");
  config.ucb1.drift.discount = 0;
  config.ucb1.drift.window = 10;
  EXPECT_EQ(Error(config),
            "sampler.ucb1.drift.window: is set but drift.kind is not SLIDING_WINDOW");
  config.ucb1.drift = {};
  config.ucb1.drift.kind = DriftKind::kSlidingWindow;
  config.ucb1.drift.horizon = 100;
  EXPECT_EQ(Error(config),
            "sampler.ucb1.drift.expected_changes: expected_changes and horizon are used together "
            "by the tuning formulas; set both or neither");

  config = Config(BanditAlgorithm::kThompson);
  config.thompson.drift.kind = DriftKind::kSlidingWindow;
  EXPECT_EQ(Error(config),
            "sampler.thompson.drift.kind: a sliding window is defined for the UCB family only "
            "(spec §4); use DISCOUNTED");
  config.thompson.drift.kind = DriftKind::kDiscounted;
  config.thompson.prior = ThompsonPrior::kGaussian;
  EXPECT_EQ(Error(config),
            "sampler.thompson.drift.kind: discounted Thompson sampling is defined for the BETA "
            "prior only (spec §4); use prior BETA or drift NONE");
  config.thompson = {};
  config.thompson.prior_beta = 0;
  EXPECT_EQ(Error(config), "sampler.thompson.prior_beta: must be a finite number > 0, got 0");

  config = Config(BanditAlgorithm::kTsallisInf);
  config.tsallis_inf.learning_rate = 0;
  EXPECT_EQ(Error(config), "sampler.tsallis_inf.learning_rate: must be a finite number > 0, got 0");

  config = Config(BanditAlgorithm::kLinUcb);
  config.linucb.context_dimension = 0;
  EXPECT_EQ(Error(config),
            "sampler.linucb.context_dimension: must be in [1, 100] (LinUCB needs a context; "
            "include the constant 1), got 0");
  config.linucb.context_dimension = 100;
  EXPECT_EQ(Error(config, 1000),
            "sampler.linucb.context_dimension: 1000 arms with 100 context features need 10000000 "
            "matrix entries, more than 4000000; use fewer arms or features");
  config.linucb.context_dimension = 2;
  config.linucb.ridge = 0;
  EXPECT_EQ(Error(config), "sampler.linucb.ridge: must be a finite number > 0, got 0");
}

TEST(BanditConfig, DriftDefaultsAndTuningFormulas) {
  DriftSettings drift;
  drift.kind = DriftKind::kDiscounted;
  EXPECT_EQ(ResolvedDiscount(drift), 0.99);
  drift.expected_changes = 2;
  drift.horizon = 10000;
  EXPECT_NEAR(ResolvedDiscount(drift), 0.99646, 5e-6);  // spec §7.2, S4
  drift.discount = 0.9;
  EXPECT_EQ(ResolvedDiscount(drift), 0.9);
}

}  // namespace
}  // namespace hyperd::algorithms
