// Disjoint LinUCB (specs/bandits.md §5): scores against a direct ridge-regression solve, the
// negative-loss target that keeps unexplored arms optimistic, virtual pulls, context checks.
#include "algorithms/samplers/bandit/linucb_policy.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "Eigen/Dense"
#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/random_bits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/bandit/bandit_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::Reward;
using ::hyperd::algorithms::testing::SelectOk;

LinUcbSettings Settings(int dimension, double alpha = 0.5) {
  LinUcbSettings settings;
  settings.context_dimension = dimension;
  settings.alpha = alpha;
  return settings;
}

std::vector<double> RandomContext(SplitMix64& random, int dimension) {
  std::vector<double> x(dimension);
  x[0] = 1;
  for (int j = 1; j < dimension; ++j) x[j] = 2 * UnitDoubleFromBits(random.Next()) - 1;
  return x;
}

// theta = A^-1 b with A = ridge I + sum x x^T and b = sum (r - 1) x, solved directly.
TEST(LinUcb, ScoreMatchesADirectRidgeRegression) {
  for (int64_t refresh_interval : {int64_t{1}, int64_t{7}, int64_t{1000}}) {
    LinUcbSettings settings = Settings(3, 0.7);
    settings.ridge = 2;
    settings.refresh_interval = refresh_interval;
    LinUcbPolicy policy(settings, 2);
    Eigen::MatrixXd a = 2 * Eigen::MatrixXd::Identity(3, 3);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(3);
    SplitMix64 random(8);
    for (int i = 0; i < 40; ++i) {
      const std::vector<double> x = RandomContext(random, 3);
      const double reward = UnitDoubleFromBits(random.Next());
      const Eigen::Map<const Eigen::VectorXd> v(x.data(), 3);
      a += v * v.transpose();
      b += (reward - 1) * v;
      Reward(policy, 0, reward, 0, x);
    }
    const std::vector<double> query = RandomContext(random, 3);
    const Eigen::Map<const Eigen::VectorXd> q(query.data(), 3);
    const Eigen::MatrixXd inverse = a.inverse();
    const double expected = (inverse * b).dot(q) + 0.7 * std::sqrt(q.dot(inverse * q));
    EXPECT_NEAR(policy.Score(0, query), expected, 1e-12) << "refresh " << refresh_interval;
    // An untouched arm: theta = 0, A = 2 I.
    EXPECT_NEAR(policy.Score(1, query), 0.7 * std::sqrt(q.squaredNorm() / 2), 1e-15);
  }
}

TEST(LinUcb, NegativeLossTargetKeepsUnexploredArmsOptimistic) {
  LinUcbPolicy policy(Settings(1), 3);
  const std::vector<double> x = {1};
  for (int i = 0; i < 5; ++i) Reward(policy, 0, 0.95, 0, x);
  EXPECT_EQ(SelectOk(policy, 0, {}, x).arm, 1);
}

TEST(LinUcb, RawRewardTargetLocksOntoTheFirstArm) {  // the §5 pitfall, kept selectable
  LinUcbSettings settings = Settings(1);
  settings.target = LinUcbTarget::kReward;
  LinUcbPolicy policy(settings, 3);
  const std::vector<double> x = {1};
  for (int i = 0; i < 5; ++i) Reward(policy, 0, 0.95, 0, x);
  EXPECT_EQ(SelectOk(policy, 0, {}, x).arm, 0);
}

TEST(LinUcb, LearnsTheBestArmPerContext) {
  // Arm 0 is best for u < 0.5, arm 1 above; features [1, u].
  LinUcbPolicy policy(Settings(2, 0.3), 2);
  SplitMix64 random(2);
  for (int round = 0; round < 600; ++round) {
    const double u = UnitDoubleFromBits(random.Next());
    const std::vector<double> x = {1, u};
    const int arm = SelectOk(policy, round, {}, x).arm;
    const double mean = arm == 0 ? 1 - u : u;
    Reward(policy, arm, mean, 0, x);
  }
  EXPECT_EQ(SelectOk(policy, 0, {}, {1, 0.1}).arm, 0);
  EXPECT_EQ(SelectOk(policy, 0, {}, {1, 0.9}).arm, 1);
}

TEST(LinUcb, PendingPullsAreVirtualPullsAtTheRequestContext) {
  LinUcbPolicy policy(Settings(2), 4);
  const std::vector<double> x = {1, 0.5};
  std::vector<int64_t> pending(4, 0);
  std::map<int, int> histogram;
  for (int i = 0; i < 8; ++i) {
    const int arm = SelectOk(policy, i, pending, x).arm;
    ++pending[arm];
    ++histogram[arm];
  }
  for (int arm = 0; arm < 4; ++arm) EXPECT_EQ(histogram[arm], 2) << "arm " << arm;
}

TEST(LinUcb, RefusesABadContext) {
  LinUcbPolicy policy(Settings(2), 2);
  EXPECT_EQ(policy.Select({}, std::vector<double>{1}, 0).status().message(),
            "context: expected 2 values (the study's context_dimension), got 1");
  EXPECT_EQ(policy.Update(0, 0.5, 1, std::vector<double>{1, INFINITY}, 0).message(),
            "context[1]: must be finite, got inf");
  EXPECT_EQ(policy.rewards_applied(), 0);
  EXPECT_EQ(policy.context_dimension(), 2);
}

}  // namespace
}  // namespace hyperd::algorithms
