// BOHB's budgets (the Hyperband rungs, then R) and the per-budget observations (the rung-value
// rule: the first measurement at or beyond the budget).
#include "algorithms/samplers/bohb/bohb_budgets.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Outcome = TrialObservation::Outcome;

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(BohbBudgets, AreTheRungsBelowMaxResourceThenMaxResource) {
  EXPECT_THAT(BohbBudgets(1, 81, 3), ElementsAre(1, 3, 9, 27, 81));
  EXPECT_THAT(BohbBudgets(1, 100, 3), ElementsAre(1, 3, 9, 27, 81, 100));
  EXPECT_THAT(BohbBudgets(5, 81, 3), ElementsAre(5, 15, 45, 81));
  EXPECT_THAT(BohbBudgets(1, 243, 3), ElementsAre(1, 3, 9, 27, 81, 243));  // pitfall P1
  EXPECT_THAT(BohbBudgets(7, 7, 2), ElementsAre(7));
  const std::vector<int64_t> huge = BohbBudgets(1, std::numeric_limits<int64_t>::max(), 2);
  EXPECT_EQ(huge.size(), 64u);  // 2^0 .. 2^62, then R: no overflow
  EXPECT_EQ(huge[62], int64_t{1} << 62);
}

MATCHER_P2(IsObservation, trial, loss, "") { return arg.trial == trial && arg.loss == loss; }

TrialObservation Trial(Outcome outcome, std::optional<double> objective,
                       std::vector<std::pair<int64_t, double>> measurements) {
  TrialObservation t;
  t.outcome = outcome;
  t.objective = objective;
  t.measurements = std::move(measurements);
  return t;
}

TEST(BohbObservations, TakeTheFirstMeasurementAtOrBeyondEachBudget) {
  const std::vector<int64_t> budgets = {1, 3, 9, 27};
  const std::vector<TrialObservation> trials = {
      Trial(Outcome::kPruned, 0.5, {{1, 0.9}, {4, 0.7}, {10, 0.5}}),
      Trial(Outcome::kSucceeded, 0.2, {{2, 0.8}, {27, 0.25}}),
      Trial(Outcome::kPending, std::nullopt, {{30, 0.4}}),  // one report crossing every rung
      Trial(Outcome::kPending, std::nullopt, {}),
  };
  const auto observations = CollectBudgetObservations(trials, Goal::kMinimize, budgets);
  ASSERT_EQ(observations.size(), 4u);
  EXPECT_THAT(observations[0],
              ElementsAre(IsObservation(0, 0.9), IsObservation(1, 0.8), IsObservation(2, 0.4)));
  EXPECT_THAT(observations[1],
              ElementsAre(IsObservation(0, 0.7), IsObservation(1, 0.25), IsObservation(2, 0.4)));
  EXPECT_THAT(observations[2],
              ElementsAre(IsObservation(0, 0.5), IsObservation(1, 0.25), IsObservation(2, 0.4)));
  // At R: the succeeded trial's objective (not its measurement), the pending one's report.
  EXPECT_THAT(observations[3], ElementsAre(IsObservation(1, 0.2), IsObservation(2, 0.4)));
}

TEST(BohbObservations, NonFiniteFailedAndInfeasibleResultsAreWorstNotDropped) {
  const std::vector<int64_t> budgets = {1, 3};
  const double nan = std::nan("");
  const std::vector<TrialObservation> trials = {
      Trial(Outcome::kFailed, nan, {{1, nan}}),  // diverged
      Trial(Outcome::kInfeasible, 1.0, {{1, 0.3}}),
      Trial(Outcome::kSucceeded, -kInf, {{1, 0.2}}),
      Trial(Outcome::kFailed, std::nullopt, {{1, 0.1}}),  // crashed: its rung value stays
      Trial(Outcome::kSucceeded, std::nullopt, {}),
  };
  const auto observations = CollectBudgetObservations(trials, Goal::kMinimize, budgets);
  EXPECT_THAT(observations[0], ElementsAre(IsObservation(0, kInf), IsObservation(1, 0.3),
                                           IsObservation(2, 0.2), IsObservation(3, 0.1)));
  EXPECT_THAT(observations[1], ElementsAre(IsObservation(0, kInf), IsObservation(1, kInf),
                                           IsObservation(2, kInf), IsObservation(4, kInf)));
}

TEST(BohbObservations, MaximisedObjectivesAreNegated) {
  const std::vector<TrialObservation> trials = {Trial(Outcome::kSucceeded, 0.8, {{1, 0.6}})};
  const auto observations = CollectBudgetObservations(trials, Goal::kMaximize, {1, 2});
  EXPECT_THAT(observations[0], ElementsAre(IsObservation(0, -0.6)));
  EXPECT_THAT(observations[1], ElementsAre(IsObservation(0, -0.8)));
  EXPECT_THAT(CollectBudgetObservations({}, Goal::kMinimize, {1, 2})[0], IsEmpty());
}

}  // namespace
}  // namespace hyperd::algorithms
