// Stopping-type ASHA (successive_halving) against specs/multifidelity.md §3.3-3.4: the hyperd /
// Optuna cutoff (the arriving trial counts, top floor(n/eta) continue, the best so far while
// n < eta, ties continue), bootstrap_count, skipped rungs, non-finite values, and a cross-check of
// the incremental rung tables against a direct transcription of the §3.3 pseudocode.
#include "algorithms/schedulers/successive_halving.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/registry.h"
#include "algorithms/schedulers/scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/scheduler_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::DecideAtStepOne;
using ::hyperd::algorithms::testing::MakePlans;
using ::hyperd::algorithms::testing::RunStream;
using ::hyperd::algorithms::testing::StreamOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Rungs at 1, 3, 9 (decision points); 27 is the top rung (R).
SuccessiveHalvingScheduler Asha(int bootstrap_count = 0, int64_t min_resource = 1,
                                int64_t max_resource = 27, int eta = 3) {
  return SuccessiveHalvingScheduler(
      SuccessiveHalvingConfig{min_resource, max_resource, eta, bootstrap_count});
}

TEST(SuccessiveHalving, FirstSpecArrivalSequenceGivesTheHyperdDecisions) {
  SuccessiveHalvingScheduler asha = Asha();
  EXPECT_EQ(DecideAtStepOne(asha, {8, 2, 9, 7, 4, 6, 3, 1}), "CCSSSSCC");
}

TEST(SuccessiveHalving, SecondSpecArrivalSequenceGivesTheSharedDecisions) {
  SuccessiveHalvingScheduler asha = Asha();
  EXPECT_EQ(DecideAtStepOne(asha, {5, 3, 4, 1, 6, 2, 7, 0.5, 8}), "CCSCSCSCS");
}

TEST(SuccessiveHalving, BootstrapTrialsStopUntilTheRungHoldsMoreThanBootstrapCount) {
  SuccessiveHalvingScheduler increasing = Asha(/*bootstrap_count=*/2);
  EXPECT_EQ(DecideAtStepOne(increasing, {1, 2, 3}), "SSS");  // 3rd: n 3, idx 0, 3 > 1
  SuccessiveHalvingScheduler decreasing = Asha(/*bootstrap_count=*/2);
  EXPECT_EQ(DecideAtStepOne(decreasing, {3, 2, 1}), "SSC");
}

TEST(SuccessiveHalving, BootstrapStopReasonNamesTheKnob) {
  SuccessiveHalvingScheduler asha = Asha(/*bootstrap_count=*/1);
  const SchedulerDecision decision = asha.OnMeasurement(0, 0, 1, 0.5);
  EXPECT_TRUE(decision.stop);
  EXPECT_THAT(decision.reason, HasSubstr("bootstrap_count 1"));
  EXPECT_THAT(decision.reason, HasSubstr("rung 0 (step 1)"));
}

TEST(SuccessiveHalving, TieAtTheCutoffContinues) {
  SuccessiveHalvingScheduler asha = Asha();
  DecideAtStepOne(asha, {1, 2, 3, 4, 5});
  // n = 6, idx 1, sorted [1, 2, 2, 3, 4, 5][1] = 2: not worse.
  EXPECT_FALSE(asha.OnMeasurement(10, 0, 1, 2).stop);
}

TEST(SuccessiveHalving, EqualToTheSecondBestStopsWhenOnlyTheBestContinues) {
  SuccessiveHalvingScheduler asha = Asha();
  DecideAtStepOne(asha, {1, 2});
  // n = 3, idx 0: 2 > 1.
  EXPECT_TRUE(asha.OnMeasurement(10, 0, 1, 2).stop);
}

TEST(SuccessiveHalving, TiedFirstArrivalsAllContinue) {
  SuccessiveHalvingScheduler asha = Asha();
  EXPECT_EQ(DecideAtStepOne(asha, {4, 4, 4, 4, 4, 4}), "CCCCCC");
}

TEST(SuccessiveHalving, StopReasonNamesRungStepAndCutoff) {
  SuccessiveHalvingScheduler asha = Asha();
  DecideAtStepOne(asha, {8, 2, 9});
  const SchedulerDecision decision = asha.OnMeasurement(3, 0, 1, 7);
  ASSERT_TRUE(decision.stop);
  EXPECT_EQ(decision.reason,
            "value 7 is outside the top 1/3 at rung 0 (step 1): cutoff 2 (the best 1 of 4 values)");
  EXPECT_EQ(decision.next_check_step, 0);
}

TEST(SuccessiveHalving, BelowTheFirstRungContinuesWithTheFirstRungAsNextCheck) {
  SuccessiveHalvingScheduler asha = Asha(/*bootstrap_count=*/0, /*min_resource=*/2,
                                         /*max_resource=*/54);
  const SchedulerDecision decision = asha.OnMeasurement(0, 0, 1, 100);
  EXPECT_FALSE(decision.stop);
  EXPECT_EQ(decision.next_check_step, 2);
  EXPECT_EQ(asha.bracket().rung_values(0).size(), 0u);
}

TEST(SuccessiveHalving, RungsSitAtMinResourceTimesPowersOfEtaBelowTheTopRung) {
  SuccessiveHalvingScheduler asha = Asha(0, /*min_resource=*/2, /*max_resource=*/54);
  ASSERT_EQ(asha.bracket().num_rungs(), 3);
  EXPECT_EQ(asha.bracket().rung_step(0), 2);
  EXPECT_EQ(asha.bracket().rung_step(1), 6);
  EXPECT_EQ(asha.bracket().rung_step(2), 18);
}

TEST(SuccessiveHalving, ATrialIsJudgedAtEachRungAndHintedTheNextOne) {
  SuccessiveHalvingScheduler asha = Asha();
  // Trial 0 is the first everywhere, so it continues; the hint walks up the rungs.
  std::vector<int64_t> hints;
  for (int64_t step = 1; step <= 27; ++step) {
    const SchedulerDecision decision = asha.OnMeasurement(0, 0, step, 1.0 / step);
    ASSERT_FALSE(decision.stop) << step;
    hints.push_back(decision.next_check_step);
  }
  EXPECT_EQ(hints[0], 3);   // after step 1 (rung 0)
  EXPECT_EQ(hints[1], 3);   // step 2
  EXPECT_EQ(hints[2], 9);   // after step 3 (rung 1)
  EXPECT_EQ(hints[8], 0);   // after step 9 (rung 2, the last decision rung)
  EXPECT_EQ(hints[26], 0);  // step 27 = R
}

TEST(SuccessiveHalving, PromotionAtEachRungUsesThatRungsFieldAndTiesContinue) {
  SuccessiveHalvingScheduler asha = Asha();
  DecideAtStepOne(asha, {1, 2, 3, 4, 5});              // rung 0 (step 1) holds 1 .. 5
  ASSERT_FALSE(asha.OnMeasurement(0, 0, 3, 10).stop);  // rung 1 (step 3) holds 10

  // Trial 9: ties the cutoff at rung 0 (n 6, idx 1 -> 2), ties the best at rung 1 (n 2 < eta),
  // is alone at rung 2.
  EXPECT_FALSE(asha.OnMeasurement(9, 0, 1, 2).stop);
  EXPECT_FALSE(asha.OnMeasurement(9, 0, 3, 10).stop);
  EXPECT_FALSE(asha.OnMeasurement(9, 0, 9, 50).stop);

  // Trial 10: at the cutoff at rung 0 (n 7, idx 1 -> 1.5), worse than the best of three at rung 1.
  EXPECT_FALSE(asha.OnMeasurement(10, 0, 1, 1.5).stop);
  const SchedulerDecision decision = asha.OnMeasurement(10, 0, 3, 11);
  ASSERT_TRUE(decision.stop);
  EXPECT_EQ(decision.reason,
            "value 11 is outside the top 1/3 at rung 1 (step 3): cutoff 10 (the best 1 of 3 "
            "values)");
  EXPECT_THAT(asha.bracket().rung_values(1), ElementsAre(10, 10, 11));
  EXPECT_THAT(asha.bracket().rung_values(2), ElementsAre(50));
}

TEST(SuccessiveHalving, ReachingMaxResourceNeverStops) {
  SuccessiveHalvingScheduler asha = Asha();
  // Trial 0 sets a very good field at every rung and at R.
  for (int64_t step : {1, 3, 9, 27}) ASSERT_FALSE(asha.OnMeasurement(0, 0, step, 0.0).stop);
  // Trial 1 ties at every decision rung, then is far worse at R: still continues.
  for (int64_t step : {1, 3, 9}) ASSERT_FALSE(asha.OnMeasurement(1, 0, step, 0.0).stop);
  const SchedulerDecision at_r = asha.OnMeasurement(1, 0, 27, 1e9);
  EXPECT_FALSE(at_r.stop);
  EXPECT_EQ(at_r.next_check_step, 0);
  EXPECT_EQ(asha.Summary().size(), 3u);  // no rung at R
}

TEST(SuccessiveHalving, SparseReportIsRecordedAtEveryCrossedRungInOrder) {
  SuccessiveHalvingScheduler asha = Asha();
  const SchedulerDecision decision = asha.OnMeasurement(0, 0, 10, 0.7);
  EXPECT_FALSE(decision.stop);
  EXPECT_EQ(decision.next_check_step, 0);
  EXPECT_THAT(asha.bracket().rung_values(0), ElementsAre(0.7));
  EXPECT_THAT(asha.bracket().rung_values(1), ElementsAre(0.7));
  EXPECT_THAT(asha.bracket().rung_values(2), ElementsAre(0.7));
}

TEST(SuccessiveHalving, SparseReportStopsAtTheFirstRungWhereItFails) {
  SuccessiveHalvingScheduler asha = Asha();
  // Rung 0 holds 9, 9 (trials 0, 1); rung 1 holds 0.1 (trial 0).
  ASSERT_FALSE(asha.OnMeasurement(0, 0, 1, 9).stop);
  ASSERT_FALSE(asha.OnMeasurement(0, 0, 3, 0.1).stop);
  ASSERT_FALSE(asha.OnMeasurement(1, 0, 1, 9).stop);
  // Trial 2 jumps to step 10 with 0.5: best at rung 0, worse than 0.1 at rung 1 (n 2 < eta).
  const SchedulerDecision decision = asha.OnMeasurement(2, 0, 10, 0.5);
  ASSERT_TRUE(decision.stop);
  EXPECT_THAT(decision.reason, HasSubstr("rung 1 (step 3)"));
  EXPECT_THAT(decision.reason, HasSubstr("cutoff 0.1"));
  EXPECT_THAT(asha.bracket().rung_values(0), ElementsAre(0.5, 9, 9));
  EXPECT_THAT(asha.bracket().rung_values(1), ElementsAre(0.1, 0.5));
  EXPECT_TRUE(asha.bracket().rung_values(2).empty());  // never recorded above the failure
}

TEST(SuccessiveHalving, NaNIsRecordedAsInfinityLastAtTheRungAndStops) {
  SuccessiveHalvingScheduler asha = Asha();
  const SchedulerDecision first = asha.OnMeasurement(0, 0, 1, std::nan(""));
  EXPECT_TRUE(first.stop);  // even as the first arrival: a diverged run never continues
  EXPECT_THAT(first.reason, HasSubstr("non-finite"));
  EXPECT_THAT(first.reason, HasSubstr("rung 0 (step 1)"));
  EXPECT_TRUE(asha.OnMeasurement(1, 0, 1, -kInf).stop);  // -inf diverged too: ranks last
  EXPECT_THAT(asha.bracket().rung_values(0), ElementsAre(kInf, kInf));
  // A finite value is ranked ahead of the diverged ones: n 3, idx 0, sorted[0] = 100.
  EXPECT_FALSE(asha.OnMeasurement(2, 0, 1, 100).stop);
  EXPECT_THAT(asha.bracket().rung_values(0), ElementsAre(100, kInf, kInf));
  EXPECT_EQ(asha.Summary()[0].recorded, 3);
  EXPECT_EQ(asha.Summary()[0].stopped, 2);
}

TEST(SuccessiveHalving, NaNBelowTheFirstRungIsNotRecorded) {
  SuccessiveHalvingScheduler asha = Asha(0, /*min_resource=*/3, /*max_resource=*/81);
  const SchedulerDecision decision = asha.OnMeasurement(0, 0, 1, std::nan(""));
  EXPECT_FALSE(decision.stop);  // the runtime stops diverged runs; no rung reached yet
  EXPECT_TRUE(asha.bracket().rung_values(0).empty());
}

TEST(SuccessiveHalving, AStopIsFinalAndLaterReportsAreNotRecorded) {
  SuccessiveHalvingScheduler asha = Asha();
  DecideAtStepOne(asha, {1, 2});
  const SchedulerDecision stop = asha.OnMeasurement(5, 0, 1, 3);
  ASSERT_TRUE(stop.stop);
  const SchedulerDecision again = asha.OnMeasurement(5, 0, 3, 0.0);
  EXPECT_TRUE(again.stop);
  EXPECT_EQ(again.reason, stop.reason);
  EXPECT_TRUE(asha.bracket().rung_values(1).empty());
}

TEST(SuccessiveHalving, StoppedAndFinishedTrialsStayInTheRungTables) {
  SuccessiveHalvingScheduler asha = Asha();
  EXPECT_EQ(DecideAtStepOne(asha, {8, 2, 9, 7}), "CCSS");
  asha.OnTrialEnd(0, TrialEnd::kSucceeded);
  asha.OnTrialEnd(2, TrialEnd::kPruned);
  asha.OnTrialEnd(3, TrialEnd::kFailed);
  EXPECT_THAT(asha.bracket().rung_values(0), ElementsAre(2, 7, 8, 9));
  const std::vector<RungSummary> summary = asha.Summary();
  ASSERT_EQ(summary.size(), 3u);
  EXPECT_EQ(summary[0].bracket, 0);
  EXPECT_EQ(summary[0].rung, 0);
  EXPECT_EQ(summary[0].step, 1);
  EXPECT_EQ(summary[0].recorded, 4);
  EXPECT_EQ(summary[0].stopped, 2);
  EXPECT_EQ(summary[1].step, 3);
  EXPECT_EQ(summary[1].recorded, 0);
  EXPECT_EQ(summary[2].step, 9);
}

TEST(SuccessiveHalving, SingleBracketIgnoresTheBracketArgument) {
  SuccessiveHalvingScheduler asha = Asha();
  EXPECT_EQ(asha.AssignBracket(12345), 0);
  EXPECT_FALSE(asha.OnMeasurement(0, /*bracket=*/3, 1, 1.0).stop);
  EXPECT_THAT(asha.bracket().rung_values(0), ElementsAre(1.0));
  EXPECT_EQ(asha.name(), "successive_halving");
}

// A direct transcription of the §3.3 pseudocode (non-finite recorded as +inf, then stop), sorting
// a copy of the rung at every decision.
class PseudocodeAsha {
 public:
  PseudocodeAsha(std::vector<int64_t> rung_steps, int eta, int bootstrap_count)
      : rung_steps_(std::move(rung_steps)),
        eta_(eta),
        bootstrap_count_(bootstrap_count),
        records_(rung_steps_.size()) {}

  bool OnMeasurement(int64_t trial, int64_t step, double value) {
    if (stopped_.count(trial)) return true;
    for (size_t k = 0; k < rung_steps_.size(); ++k) {
      if (rung_steps_[k] > step || recorded_.count({trial, k})) continue;
      const bool finite = std::isfinite(value);
      records_[k].push_back(finite ? value : kInf);
      recorded_.insert({trial, k});
      std::vector<double> vals = records_[k];
      std::sort(vals.begin(), vals.end());
      const int64_t n = static_cast<int64_t>(vals.size());
      const int64_t idx = std::max<int64_t>(n / eta_ - 1, 0);
      if (!finite || n <= bootstrap_count_ || value > vals[idx]) {
        stopped_.insert(trial);
        return true;
      }
    }
    return false;
  }

  std::vector<double> Sorted(size_t k) const {
    std::vector<double> vals = records_[k];
    std::sort(vals.begin(), vals.end());
    return vals;
  }

 private:
  std::vector<int64_t> rung_steps_;
  int eta_;
  int bootstrap_count_;
  std::vector<std::vector<double>> records_;
  std::set<std::pair<int64_t, size_t>> recorded_;
  std::set<int64_t> stopped_;
};

TEST(SuccessiveHalving, AgreesWithThePseudocodeOnRandomAsynchronousStreams) {
  for (uint64_t seed : {1u, 2u, 3u, 4u}) {
    for (int bootstrap : {0, 3}) {
      for (int eta : {2, 3, 4}) {
        SuccessiveHalvingScheduler asha = Asha(bootstrap, /*min_resource=*/1,
                                               /*max_resource=*/40, eta);
        std::vector<int64_t> rung_steps;
        for (int k = 0; k < asha.bracket().num_rungs(); ++k) {
          rung_steps.push_back(asha.bracket().rung_step(k));
        }
        PseudocodeAsha reference(rung_steps, eta, bootstrap);
        StreamOptions options;
        options.num_trials = 150;
        options.nan_probability = 0.02;
        int mismatches = 0;
        int stops = 0;
        RunStream(seed, MakePlans(seed, options), options.concurrency,
                  [&](const testing::Arrival& a) {
                    const bool stop = asha.OnMeasurement(a.trial, 0, a.step, a.value).stop;
                    mismatches += stop != reference.OnMeasurement(a.trial, a.step, a.value);
                    stops += stop;
                    return stop;
                  });
        EXPECT_EQ(mismatches, 0) << "seed " << seed << " eta " << eta;
        EXPECT_GT(stops, 0);
        for (int k = 0; k < asha.bracket().num_rungs(); ++k) {
          EXPECT_EQ(asha.bracket().rung_values(k), reference.Sorted(k)) << "rung " << k;
        }
      }
    }
  }
}

}  // namespace
}  // namespace hyperd::algorithms
