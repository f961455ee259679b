// The Hyperband bracket table against specs/multifidelity.md §2 (the paper's Table 1 and the other
// sizes) and the §4 weighted-hash assignment vectors.
#include "algorithms/schedulers/bracket_table.h"

#include <cstdint>
#include <vector>

#include "algorithms/samplers/random_bits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::vector<uint64_t> Weights(const BracketTable& table) {
  std::vector<uint64_t> weights;
  for (int b = 0; b < table.num_brackets(); ++b) weights.push_back(table.TrialsInBracket(b));
  return weights;
}

std::vector<int64_t> FirstRungs(const BracketTable& table) {
  std::vector<int64_t> first;
  for (int b = 0; b < table.num_brackets(); ++b) first.push_back(table.RungSteps(b).front());
  return first;
}

uint64_t ResourceUsed(const BracketTable& table, int bracket) {
  const std::vector<uint64_t> survivors = table.SurvivorsPerRung(bracket);
  const std::vector<int64_t> steps = table.RungSteps(bracket);
  uint64_t used = 0;
  for (size_t i = 0; i < survivors.size(); ++i) used += survivors[i] * steps[i];
  return used;
}

TEST(BracketTable, ReproducesThePapersTableOneForR81Eta3) {
  const BracketTable table(1, 81, 3);
  ASSERT_EQ(table.s_max(), 4);
  ASSERT_EQ(table.num_brackets(), 5);

  EXPECT_THAT(table.SurvivorsPerRung(0), ElementsAre(81, 27, 9, 3, 1));
  EXPECT_THAT(table.SurvivorsPerRung(1), ElementsAre(34, 11, 3, 1));
  EXPECT_THAT(table.SurvivorsPerRung(2), ElementsAre(15, 5, 1));
  EXPECT_THAT(table.SurvivorsPerRung(3), ElementsAre(8, 2));
  EXPECT_THAT(table.SurvivorsPerRung(4), ElementsAre(5));

  EXPECT_THAT(table.RungSteps(0), ElementsAre(1, 3, 9, 27, 81));
  EXPECT_THAT(table.RungSteps(1), ElementsAre(3, 9, 27, 81));
  EXPECT_THAT(table.RungSteps(2), ElementsAre(9, 27, 81));
  EXPECT_THAT(table.RungSteps(3), ElementsAre(27, 81));
  EXPECT_THAT(table.RungSteps(4), ElementsAre(81));

  const std::vector<uint64_t> expected_resource = {405, 363, 351, 378, 405};
  uint64_t total_resource = 0;
  uint64_t total_trials = 0;
  for (int b = 0; b < 5; ++b) {
    EXPECT_EQ(ResourceUsed(table, b), expected_resource[b]) << "bracket " << b;
    total_resource += ResourceUsed(table, b);
    total_trials += table.TrialsInBracket(b);
  }
  EXPECT_EQ(total_resource, 1902u);
  EXPECT_EQ(total_trials, 143u);
}

TEST(BracketTable, DecisionRungsAreAllButTheTopRungSoTheLastBracketHasNone) {
  const BracketTable table(1, 81, 3);
  EXPECT_THAT(table.DecisionRungSteps(0), ElementsAre(1, 3, 9, 27));
  EXPECT_THAT(table.DecisionRungSteps(1), ElementsAre(3, 9, 27));
  EXPECT_THAT(table.DecisionRungSteps(3), ElementsAre(27));
  EXPECT_THAT(table.DecisionRungSteps(4), IsEmpty());
}

TEST(BracketTable, MatchesTheOtherSizesOfTheSpec) {
  const BracketTable r27(1, 27, 3);
  EXPECT_EQ(r27.s_max(), 3);
  EXPECT_THAT(Weights(r27), ElementsAre(27, 12, 6, 4));
  EXPECT_THAT(FirstRungs(r27), ElementsAre(1, 3, 9, 27));

  const BracketTable r243(1, 243, 3);
  EXPECT_EQ(r243.s_max(), 5);
  EXPECT_THAT(Weights(r243), ElementsAre(243, 98, 41, 18, 9, 6));

  const BracketTable r256(1, 256, 4);
  EXPECT_EQ(r256.s_max(), 4);
  EXPECT_THAT(Weights(r256), ElementsAre(256, 80, 27, 10, 5));
}

TEST(BracketTable, CountsBracketsWithAnIntegerLoopNotLogarithms) {
  // Pitfall P1: floor(log(243)/log(3)) evaluates to 4.
  EXPECT_EQ(BracketTable(1, 243, 3).s_max(), 5);
  EXPECT_EQ(BracketTable(1, 242, 3).s_max(), 4);
  EXPECT_EQ(BracketTable(1, 1000, 10).s_max(), 3);
  EXPECT_EQ(BracketTable(1, 999, 10).s_max(), 2);
  EXPECT_EQ(BracketTable(5, 5, 3).s_max(), 0);
  EXPECT_EQ(BracketTable(2, 100, 3).s_max(), 3);  // 2, 6, 18, 54 <= 100 < 162
}

TEST(BracketTable, RungsStartAtMinResourceAndStayWithinMaxResourceWhenRIsNotAPower) {
  const BracketTable table(2, 100, 3);
  EXPECT_THAT(table.RungSteps(0), ElementsAre(2, 6, 18, 54));
  EXPECT_THAT(table.DecisionRungSteps(0), ElementsAre(2, 6, 18));
  EXPECT_THAT(table.RungSteps(3), ElementsAre(54));
  EXPECT_THAT(table.DecisionRungSteps(3), IsEmpty());
}

TEST(BracketTable, SingleBracketWhenMinResourceEqualsMaxResource) {
  const BracketTable table(7, 7, 2);
  EXPECT_EQ(table.num_brackets(), 1);
  EXPECT_THAT(table.RungSteps(0), ElementsAre(7));
  EXPECT_THAT(table.DecisionRungSteps(0), IsEmpty());
  for (int64_t trial = 0; trial < 100; ++trial) EXPECT_EQ(table.AssignBracket(99, trial), 0);
}

TEST(BracketTable, HandlesTheLargestResourceRangeWithoutOverflow) {
  constexpr int64_t kMax = int64_t{1} << 62;
  const BracketTable table(1, kMax, 2);
  EXPECT_EQ(table.s_max(), 62);
  EXPECT_EQ(table.TrialsInBracket(0), uint64_t{1} << 62);
  EXPECT_EQ(table.RungSteps(0).back(), kMax);
  // The assignment never leaves the table.
  for (int64_t trial = 0; trial < 1000; ++trial) {
    const int b = table.AssignBracket(3, trial);
    EXPECT_GE(b, 0);
    EXPECT_LE(b, 62);
  }
}

TEST(BracketAssignment, SplitMix64MatchesTheSpecVector) {
  EXPECT_EQ(Mix64(0), 0xE220A8397B1DCDAFULL);
}

TEST(BracketAssignment, WeightedHashGivesTheSpecBracketsForSeed42) {
  const BracketTable table(1, 81, 3);
  std::vector<int> brackets;
  for (int64_t trial = 0; trial < 12; ++trial) brackets.push_back(table.AssignBracket(42, trial));
  EXPECT_THAT(brackets, ElementsAre(1, 1, 0, 0, 1, 0, 4, 4, 0, 0, 3, 0));
}

TEST(BracketAssignment, WeightedHashCountsOver14300TrialsMatchTheSpec) {
  const BracketTable table(1, 81, 3);
  std::vector<int> counts(5, 0);
  for (int64_t trial = 0; trial < 14300; ++trial) ++counts[table.AssignBracket(42, trial)];
  EXPECT_THAT(counts, ElementsAreArray({8070, 3412, 1496, 823, 499}));
}

TEST(BracketAssignment, IsAPureFunctionOfSeedAndTrialNumber) {
  const BracketTable a(1, 81, 3);
  const BracketTable b(1, 81, 3);
  int differs_with_other_seed = 0;
  for (int64_t trial = 0; trial < 200; ++trial) {
    EXPECT_EQ(a.AssignBracket(7, trial), b.AssignBracket(7, trial));
    EXPECT_EQ(a.AssignBracket(7, trial), a.AssignBracket(7, trial));
    differs_with_other_seed += a.AssignBracket(7, trial) != a.AssignBracket(8, trial);
  }
  EXPECT_GT(differs_with_other_seed, 50);
}

}  // namespace
}  // namespace hyperd::algorithms
