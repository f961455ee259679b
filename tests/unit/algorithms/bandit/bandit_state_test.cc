// SerializeState / RestoreState (specs/bandits.md §0: a restart reproduces every decision): the
// round trip is exact for every policy variant, and corrupt or foreign states are refused without
// changing the policy.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/random_bits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/bandit/bandit_test_util.h"
#include "tests/unit/algorithms/bandit/policy_catalog.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::AllPolicyVariants;
using ::hyperd::algorithms::testing::MakePolicy;
using ::hyperd::algorithms::testing::NamedConfig;

constexpr int kArms = 5;

struct Pull {
  BanditDecision decision;
  std::vector<double> context;
  uint64_t seed;
};

// Drives a policy with rewards that arrive three decisions late, so pending pulls are non-zero.
class Driver {
 public:
  explicit Driver(uint64_t seed) : random_(seed) {}

  // One decision and, once three are outstanding, the reward of the oldest. Returns the decision.
  BanditDecision Step(BanditPolicy& policy, uint64_t round) {
    std::vector<double> context;
    if (policy.context_dimension() > 0) {
      context = {1, UnitDoubleFromBits(random_.Next())};
    }
    const uint64_t seed = MixSeed(7, round);
    absl::StatusOr<BanditDecision> decision = policy.Select(pending_, context, seed);
    EXPECT_TRUE(decision.ok()) << decision.status();
    if (!decision.ok()) return {};
    if (pending_.empty()) pending_.assign(policy.arm_count(), 0);
    ++pending_[decision->arm];
    queue_.push_back({*decision, context, seed});
    if (queue_.size() > 3) {
      const Pull pull = queue_.front();
      queue_.pop_front();
      --pending_[pull.decision.arm];
      const double reward = pull.decision.arm == 2 ? 0.8 * UnitDoubleFromBits(random_.Next()) + 0.2
                                                   : 0.6 * UnitDoubleFromBits(random_.Next());
      EXPECT_TRUE(
          policy
              .Update(pull.decision.arm, reward, pull.decision.probability, pull.context, pull.seed)
              .ok());
    }
    return *decision;
  }

 private:
  SplitMix64 random_;
  std::vector<int64_t> pending_;
  std::deque<Pull> queue_;
};

class StateRoundTrip : public ::testing::TestWithParam<NamedConfig> {};

TEST_P(StateRoundTrip, RestoredPolicyMakesIdenticalDecisions) {
  auto original = MakePolicy(GetParam().config, kArms);
  Driver driver(1);
  for (uint64_t round = 0; round < 400; ++round) driver.Step(*original, round);
  const std::string state = original->SerializeState();

  auto restored = MakePolicy(GetParam().config, kArms);
  ASSERT_TRUE(restored->RestoreState(state).ok()) << restored->RestoreState(state);
  EXPECT_EQ(restored->SerializeState(), state);
  EXPECT_EQ(restored->rewards_applied(), original->rewards_applied());

  Driver restored_driver = driver;  // same pending pulls and reward stream
  for (uint64_t round = 400; round < 500; ++round) {
    const BanditDecision a = driver.Step(*original, round);
    const BanditDecision b = restored_driver.Step(*restored, round);
    ASSERT_EQ(a.arm, b.arm) << "round " << round;
    ASSERT_EQ(a.probability, b.probability) << "round " << round;
  }
  EXPECT_EQ(restored->SerializeState(), original->SerializeState());
  const std::vector<ArmSummary> x = original->Summary();
  const std::vector<ArmSummary> y = restored->Summary();
  for (int i = 0; i < kArms; ++i) {
    EXPECT_EQ(x[i].pulls, y[i].pulls);
    EXPECT_EQ(x[i].mean_reward, y[i].mean_reward);
  }
}

TEST_P(StateRoundTrip, SameSeedsGiveTheSameRun) {
  auto first = MakePolicy(GetParam().config, kArms);
  auto second = MakePolicy(GetParam().config, kArms);
  Driver first_driver(3);
  Driver second_driver(3);
  for (uint64_t round = 0; round < 300; ++round) {
    ASSERT_EQ(first_driver.Step(*first, round).arm, second_driver.Step(*second, round).arm);
  }
  EXPECT_EQ(first->SerializeState(), second->SerializeState());
}

void ExpectRefused(BanditPolicy& policy, const std::string& state, const std::string& before,
                   const std::string& what) {
  const absl::Status status = policy.RestoreState(state);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << what << ": " << status;
  EXPECT_EQ(policy.SerializeState(), before) << what;
}

TEST_P(StateRoundTrip, RefusesCorruptStatesAndStaysUnchanged) {
  auto policy = MakePolicy(GetParam().config, kArms);
  Driver driver(2);
  for (uint64_t round = 0; round < 250; ++round) driver.Step(*policy, round);
  const std::string state = policy->SerializeState();
  auto target = MakePolicy(GetParam().config, kArms);
  Driver target_driver(9);
  for (uint64_t round = 0; round < 20; ++round) target_driver.Step(*target, round);
  const std::string before = target->SerializeState();

  const size_t step = std::max<size_t>(1, state.size() / 60);
  for (size_t length = 0; length + 1 < state.size(); length += step) {
    ExpectRefused(*target, state.substr(0, length), before, absl::StrCat("truncated at ", length));
  }
  // Replace one token at a time with garbage.
  for (size_t at = state.find(' '); at != std::string::npos; at = state.find(' ', at + step)) {
    std::string corrupt = state;
    corrupt.insert(at + 1, "zz");
    ExpectRefused(*target, corrupt, before, absl::StrCat("garbage at ", at));
  }
  ExpectRefused(*target, state + " 1", before, "trailing data");
  ExpectRefused(
      *target, absl::StrReplaceAll(state, {{"\npulls 0", "\npulls -1"}, {"\npulls ", "\npulls -"}}),
      before, "negative pulls");
  ExpectRefused(*target, std::string("\0\xff\n policy", 10), before, "binary");
  ExpectRefused(*target, "", before, "empty");
  // A state of another arm count or algorithm.
  auto other = MakePolicy(GetParam().config, kArms + 1);
  ExpectRefused(*target, other->SerializeState(), before, "other arm count");
  EXPECT_THAT(std::string(target->RestoreState(other->SerializeState()).message()),
              ::testing::HasSubstr("the state was written by"));
}

// Random byte edits either restore a well-formed state (a flipped digit is still a number) or are
// refused; either way the policy keeps working.
TEST_P(StateRoundTrip, SurvivesRandomByteEdits) {
  auto source = MakePolicy(GetParam().config, kArms);
  Driver driver(4);
  for (uint64_t round = 0; round < 100; ++round) driver.Step(*source, round);
  const std::string state = source->SerializeState();
  SplitMix64 random(12);
  constexpr char kAlphabet[] = "0123456789abcdefz -\n\0";
  const std::string alphabet(kAlphabet, sizeof(kAlphabet) - 1);  // with the NUL
  for (int edit = 0; edit < 300; ++edit) {
    auto target = MakePolicy(GetParam().config, kArms);
    std::string corrupt = state;
    for (int k = 0; k < 1 + edit % 3; ++k) {
      corrupt[random.Next() % corrupt.size()] = alphabet[random.Next() % alphabet.size()];
    }
    const absl::Status status = target->RestoreState(corrupt);
    ASSERT_TRUE(status.ok() || status.code() == absl::StatusCode::kInvalidArgument) << status;
    Driver probe(5);
    for (uint64_t round = 0; round < 3; ++round) probe.Step(*target, round);
  }
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, StateRoundTrip, ::testing::ValuesIn(AllPolicyVariants(500)),
                         [](const ::testing::TestParamInfo<NamedConfig>& info) {
                           return info.param.name;
                         });

TEST(BanditState, RefusesAStateOfAnotherAlgorithm) {
  std::vector<NamedConfig> variants = AllPolicyVariants(500);
  auto ucb = MakePolicy(variants[0].config, kArms);
  auto thompson = MakePolicy(variants[4].config, kArms);
  const absl::Status status = thompson->RestoreState(ucb->SerializeState());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              ::testing::StartsWith("bandit state: policy: the state was written by 'ucb1 arms=5"));
}

TEST(BanditState, RefusesRewardSumsAboveTheCounts) {
  std::vector<NamedConfig> variants = AllPolicyVariants(500);
  auto thompson = MakePolicy(variants[4].config, 2);
  ASSERT_TRUE(thompson->Update(0, 0.0, 1, {}, 0).ok());
  ASSERT_TRUE(thompson->Update(0, 0.0, 1, {}, 1).ok());
  const std::string state = thompson->SerializeState();  // counts (2, 0), sums (0, 0)
  const std::string zero = "0000000000000000";
  const std::string one = "3ff0000000000000";  // 1.0
  const std::string corrupt =
      absl::StrReplaceAll(state, {{"\nsums " + zero + " " + zero, "\nsums " + zero + " " + one}});
  ASSERT_NE(corrupt, state);
  EXPECT_EQ(thompson->RestoreState(corrupt).message(),
            "bandit state: sums: an arm's reward sum exceeds its count; the state is corrupt");
}

}  // namespace
}  // namespace hyperd::algorithms
