// gamma, weights and the good/bad split against Optuna 3.1 (samplers/_tpe/sampler.py:
// default_gamma, default_weights and _split_observation_pairs, evaluated with /usr/bin/python3).
#include "algorithms/samplers/tpe/tpe_ranking.h"

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Outcome = TrialObservation::Outcome;

TEST(TpeGamma, MatchesOptunaDefaultGamma) {
  // [(n, default_gamma(n)) for n in ...]
  const int expected[][2] = {{0, 0},    {1, 1},    {9, 1},    {10, 1},   {11, 2},
                             {20, 2},   {29, 3},   {30, 3},   {31, 4},   {100, 10},
                             {249, 25}, {250, 25}, {251, 25}, {1000, 25}};
  for (const auto& [n, gamma] : expected) EXPECT_EQ(TpeGamma(n), gamma) << "n = " << n;
}

TEST(TpeWeights, MatchOptunaDefaultWeights) {
  EXPECT_THAT(TpeWeights(0), IsEmpty());
  EXPECT_THAT(TpeWeights(1), ElementsAre(1.0));
  EXPECT_EQ(TpeWeights(24), std::vector<double>(24, 1.0));
  EXPECT_EQ(TpeWeights(25), std::vector<double>(25, 1.0));
  std::vector<double> w26(26, 1.0);
  w26[0] = 0.038461538461538464;
  EXPECT_EQ(TpeWeights(26), w26);
  std::vector<double> w30(30, 1.0);
  w30[0] = 0.03333333333333333;
  w30[1] = 0.275;
  w30[2] = 0.5166666666666667;
  w30[3] = 0.7583333333333333;
  EXPECT_EQ(TpeWeights(30), w30);
}

TrialObservation Trial(Outcome outcome, std::optional<double> objective,
                       std::vector<std::pair<int64_t, double>> measurements = {}) {
  TrialObservation trial;
  trial.outcome = outcome;
  trial.objective = objective;
  trial.measurements = std::move(measurements);
  return trial;
}

TEST(TpeRankKey, FailedTrialsAreIgnoredAndPendingOnlyWithConstantLiar) {
  EXPECT_FALSE(TpeRankKeyOf(Trial(Outcome::kFailed, 1.0), Goal::kMinimize, true).has_value());
  EXPECT_FALSE(TpeRankKeyOf(Trial(Outcome::kPending, {}), Goal::kMinimize, false).has_value());
  EXPECT_TRUE(TpeRankKeyOf(Trial(Outcome::kPending, {}), Goal::kMinimize, true).has_value());
}

std::vector<TpeRankKey> Keys(const std::vector<TrialObservation>& trials, Goal goal) {
  std::vector<TpeRankKey> keys;
  for (const TrialObservation& t : trials) keys.push_back(*TpeRankKeyOf(t, goal, true));
  return keys;
}

TEST(TpeSplit, CompletedRankByValueThenPrunedByDepthThenInfeasibleThenPending) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<TrialObservation> trials = {
      Trial(Outcome::kPruned, 5.0, {{1, 0.1}, {3, 0.2}}),  // 0: pruned at 3
      Trial(Outcome::kSucceeded, 2.0),                     // 1
      Trial(Outcome::kInfeasible, -100.0),                 // 2
      Trial(Outcome::kSucceeded, nan),                     // 3: diverged: worst completed
      Trial(Outcome::kPending, {}),                        // 4
      Trial(Outcome::kPruned, 0.0, {{1, 0.05}}),           // 5: pruned at 1
      Trial(Outcome::kSucceeded, -inf),                    // 6: diverged too
      Trial(Outcome::kSucceeded, 1.0),                     // 7
      Trial(Outcome::kPruned, 0.0, {{3, nan}}),            // 8: pruned at 3, NaN value
      Trial(Outcome::kPruned, 0.0, {}),                    // 9: no measurement
      Trial(Outcome::kSucceeded, 3.0),                     // 10
  };
  std::vector<TpeRankKey> keys = Keys(trials, Goal::kMinimize);
  std::vector<int> order(keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keys[a] < keys[b]; });
  EXPECT_THAT(order, ElementsAre(7, 1, 10, 3, 6, 0, 8, 5, 9, 2, 4));

  const TpeSplit split = SplitTrials(keys);
  EXPECT_EQ(split.num_finished, 10);
  EXPECT_THAT(split.below, ElementsAre(7));  // gamma(10) = 1
  EXPECT_THAT(split.above, ElementsAre(0, 1, 2, 3, 4, 5, 6, 8, 9, 10));
}

TEST(TpeSplit, MaximisationNegatesValues) {
  const std::vector<TrialObservation> trials = {
      Trial(Outcome::kSucceeded, 1.0), Trial(Outcome::kSucceeded, 3.0),
      Trial(Outcome::kSucceeded, 2.0), Trial(Outcome::kSucceeded, std::nan(""))};
  std::vector<TrialObservation> many;
  for (int i = 0; i < 5; ++i) many.insert(many.end(), trials.begin(), trials.end());
  const TpeSplit split = SplitTrials(Keys(many, Goal::kMaximize));
  // gamma(20) = 2: the first two trials with value 3.
  EXPECT_THAT(split.below, ElementsAre(1, 5));
}

}  // namespace
}  // namespace hyperd::algorithms
