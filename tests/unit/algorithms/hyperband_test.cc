// Asynchronous Hyperband against specs/multifidelity.md §3.5 and §4: deterministic weighted-hash
// brackets, one stopping ASHA per bracket with first rung r·eta^b, brackets that never see each
// other's trials, and a last bracket that never stops anything.
#include "algorithms/schedulers/hyperband.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/registry.h"
#include "algorithms/schedulers/scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// R = 81, eta = 3: brackets 0..4, first rungs 1, 3, 9, 27, 81.
HyperbandScheduler Hyperband81(uint64_t bracket_seed = 42, int bootstrap_count = 0) {
  return HyperbandScheduler(HyperbandConfig{1, 81, 3, bootstrap_count, bracket_seed});
}

TEST(Hyperband, AssignsTheSpecBracketsForSeed42) {
  const HyperbandScheduler hyperband = Hyperband81(42);
  std::vector<int> brackets;
  for (int64_t trial = 0; trial < 12; ++trial) brackets.push_back(hyperband.AssignBracket(trial));
  EXPECT_THAT(brackets, ElementsAre(1, 1, 0, 0, 1, 0, 4, 4, 0, 0, 3, 0));
  EXPECT_EQ(hyperband.name(), "hyperband");
}

TEST(Hyperband, EachBracketsFirstRungIsMinResourceTimesEtaToTheBracket) {
  const HyperbandScheduler hyperband = Hyperband81();
  ASSERT_EQ(hyperband.table().num_brackets(), 5);
  EXPECT_EQ(hyperband.bracket(0).rung_step(0), 1);
  EXPECT_EQ(hyperband.bracket(1).rung_step(0), 3);
  EXPECT_EQ(hyperband.bracket(2).rung_step(0), 9);
  EXPECT_EQ(hyperband.bracket(3).rung_step(0), 27);
  EXPECT_EQ(hyperband.bracket(4).num_rungs(), 0);
}

TEST(Hyperband, ATrialIsRecordedOnlyFromItsBracketsFirstRung) {
  HyperbandScheduler hyperband = Hyperband81();
  const SchedulerDecision at_1 = hyperband.OnMeasurement(0, /*bracket=*/1, 1, 0.5);
  EXPECT_FALSE(at_1.stop);
  EXPECT_EQ(at_1.next_check_step, 3);
  EXPECT_TRUE(hyperband.bracket(1).rung_values(0).empty());
  EXPECT_TRUE(hyperband.bracket(0).rung_values(0).empty());
  const SchedulerDecision at_3 = hyperband.OnMeasurement(0, 1, 3, 0.4);
  EXPECT_FALSE(at_3.stop);
  EXPECT_EQ(at_3.next_check_step, 9);
  EXPECT_THAT(hyperband.bracket(1).rung_values(0), ElementsAre(0.4));
}

TEST(Hyperband, BracketsDecideWithTheirOwnTrialsOnly) {
  HyperbandScheduler hyperband = Hyperband81();
  // Bracket 0's rung at step 3 holds excellent values.
  for (int64_t trial = 0; trial < 6; ++trial) {
    hyperband.OnMeasurement(trial, 0, 3, 0.01 * static_cast<double>(trial));
  }
  // A poor trial of bracket 1 is the first at its bracket's rung 0 (step 3): it continues.
  EXPECT_FALSE(hyperband.OnMeasurement(100, 1, 3, 5.0).stop);
  // The same value in bracket 0 would be judged against the excellent field.
  EXPECT_TRUE(hyperband.OnMeasurement(101, 0, 3, 5.0).stop);
  EXPECT_THAT(hyperband.bracket(1).rung_values(0), ElementsAre(5.0));
}

TEST(Hyperband, StopReasonNamesTheBracket) {
  HyperbandScheduler hyperband = Hyperband81();
  hyperband.OnMeasurement(0, 2, 9, 1.0);
  const SchedulerDecision decision = hyperband.OnMeasurement(1, 2, 9, 2.0);
  ASSERT_TRUE(decision.stop);
  EXPECT_EQ(decision.reason,
            "value 2 is outside the top 1/3 at rung 0 (step 9) of bracket 2: cutoff 1 (the best 1 "
            "of 2 values)");
}

TEST(Hyperband, TheLastBracketNeverStopsATrial) {
  HyperbandScheduler hyperband = Hyperband81(42, /*bootstrap_count=*/5);
  for (int64_t trial = 0; trial < 50; ++trial) {
    for (int64_t step : {1, 9, 27, 80, 81}) {
      const double value = trial % 7 == 0 ? std::nan("") : 1000.0 - static_cast<double>(trial);
      const SchedulerDecision decision = hyperband.OnMeasurement(trial, 4, step, value);
      ASSERT_FALSE(decision.stop) << trial << " " << step;
      EXPECT_EQ(decision.next_check_step, 0);
    }
  }
  for (const RungSummary& rung : hyperband.Summary()) EXPECT_NE(rung.bracket, 4);
}

TEST(Hyperband, SummaryListsTheDecisionRungsOfEveryBracketInOrder) {
  HyperbandScheduler hyperband = Hyperband81();
  hyperband.OnMeasurement(0, 0, 1, 1.0);
  hyperband.OnMeasurement(1, 0, 1, 2.0);   // stops at rung 0 of bracket 0
  hyperband.OnMeasurement(2, 3, 81, 1.0);  // recorded at bracket 3's only decision rung (27)
  const std::vector<RungSummary> summary = hyperband.Summary();
  std::vector<std::string> rows;
  for (const RungSummary& r : summary) {
    rows.push_back(::testing::PrintToString(
        std::vector<int64_t>{r.bracket, r.rung, r.step, r.recorded, r.stopped}));
  }
  EXPECT_THAT(rows, ElementsAre("{ 0, 0, 1, 2, 1 }", "{ 0, 1, 3, 0, 0 }", "{ 0, 2, 9, 0, 0 }",
                                "{ 0, 3, 27, 0, 0 }", "{ 1, 0, 3, 0, 0 }", "{ 1, 1, 9, 0, 0 }",
                                "{ 1, 2, 27, 0, 0 }", "{ 2, 0, 9, 0, 0 }", "{ 2, 1, 27, 0, 0 }",
                                "{ 3, 0, 27, 1, 0 }"));
}

TEST(Hyperband, ABracketOutsideTheTableFallsBackToTheAssignedOne) {
  HyperbandScheduler hyperband = Hyperband81(42);
  // Trial 2 is assigned bracket 0.
  EXPECT_FALSE(hyperband.OnMeasurement(2, /*bracket=*/17, 1, 0.3).stop);
  EXPECT_THAT(hyperband.bracket(0).rung_values(0), ElementsAre(0.3));
}

TEST(Hyperband, OneBracketWhenMinResourceEqualsMaxResourceNeverStops) {
  HyperbandScheduler hyperband(HyperbandConfig{10, 10, 3, 0, 1});
  EXPECT_EQ(hyperband.AssignBracket(5), 0);
  EXPECT_FALSE(hyperband.OnMeasurement(0, 0, 10, 1.0).stop);
  EXPECT_FALSE(hyperband.OnMeasurement(1, 0, 10, 2.0).stop);
  EXPECT_THAT(hyperband.Summary(), IsEmpty());
}

TEST(Hyperband, NonFiniteValueInAPruningBracketStopsAndRanksLast) {
  HyperbandScheduler hyperband = Hyperband81();
  const SchedulerDecision decision = hyperband.OnMeasurement(0, 1, 3, std::nan(""));
  EXPECT_TRUE(decision.stop);
  EXPECT_THAT(decision.reason, HasSubstr("bracket 1"));
  EXPECT_FALSE(hyperband.OnMeasurement(1, 1, 3, 7.0).stop);
  EXPECT_EQ(hyperband.bracket(1).rung_values(0).front(), 7.0);
}

}  // namespace
}  // namespace hyperd::algorithms
