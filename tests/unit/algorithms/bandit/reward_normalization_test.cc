// Objective -> reward in [0, 1] (specs/bandits.md §0).
#include "algorithms/samplers/bandit/reward_normalization.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(RewardNormalization, UnitObjectivesAreClampedAndFlippedWhenMinimising) {
  const RewardNormalization unit;
  EXPECT_EQ(NormalizeReward(unit, true, 0.3), 0.3);
  EXPECT_EQ(NormalizeReward(unit, false, 0.25), 0.75);
  EXPECT_EQ(NormalizeReward(unit, true, 1.7), 1.0);
  EXPECT_EQ(NormalizeReward(unit, true, -0.2), 0.0);
}

TEST(RewardNormalization, CappedCostIsOneMinusCostOverCap) {
  const RewardNormalization n{RewardScale::kCappedCost, 1000};
  EXPECT_DOUBLE_EQ(NormalizeReward(n, false, 102), 1 - 0.102);
  EXPECT_EQ(NormalizeReward(n, false, 5000), 0.0);  // above the cap: the worst reward
  EXPECT_EQ(NormalizeReward(n, false, 0), 1.0);
  EXPECT_DOUBLE_EQ(NormalizeReward(n, true, 250), 0.25);  // a capped gain
}

TEST(RewardNormalization, CappedLogCostNormalisesBetweenFloorAndCapInLogSpace) {
  const RewardNormalization n{RewardScale::kCappedLogCost, 1000, 1};
  EXPECT_NEAR(NormalizeReward(n, false, 10), 1 - 1.0 / 3, 1e-15);
  EXPECT_NEAR(NormalizeReward(n, false, 100), 1 - 2.0 / 3, 1e-15);
  EXPECT_EQ(NormalizeReward(n, false, 0.5), 1.0);  // below the floor
  EXPECT_EQ(NormalizeReward(n, false, 1e6), 0.0);
}

TEST(RewardNormalization, NonFiniteObjectiveGetsTheMinimumReward) {
  for (const RewardNormalization& n :
       {RewardNormalization{}, RewardNormalization{RewardScale::kCappedCost, 10},
        RewardNormalization{RewardScale::kCappedLogCost, 10, 1}}) {
    for (bool maximize : {true, false}) {
      EXPECT_EQ(NormalizeReward(n, maximize, std::nan("")), 0.0);
      EXPECT_EQ(NormalizeReward(n, maximize, kInf), 0.0);
      EXPECT_EQ(NormalizeReward(n, maximize, -kInf), 0.0);
    }
  }
}

TEST(RewardNormalization, ValidationNamesTheField) {
  EXPECT_TRUE(ValidateRewardNormalization({}, "sampler.reward").ok());
  EXPECT_EQ(ValidateRewardNormalization({RewardScale::kCappedCost, 0}, "sampler.reward").message(),
            "sampler.reward.cap: must be a finite number > 0 (e.g. the solver's maximum iteration "
            "count), got 0");
  EXPECT_EQ(ValidateRewardNormalization({RewardScale::kCappedLogCost, 10, 20}, "sampler.reward")
                .message(),
            "sampler.reward.cap: must be a finite number above the floor (20), got 10");
  EXPECT_EQ(ValidateRewardNormalization({RewardScale::kCappedLogCost, 10, -1}, "sampler.reward")
                .message(),
            "sampler.reward.floor: must be a finite number > 0, got -1");
}

}  // namespace
}  // namespace hyperd::algorithms
