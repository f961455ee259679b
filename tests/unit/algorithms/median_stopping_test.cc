// The median stopping rule against specs/multifidelity.md §5 (test vectors M1-M5) and a brute-force
// transcription of the §5.1 pseudocode on random asynchronous streams with different report
// grids, failures, both statistics, both reference sets and a tiny column cache.
#include "algorithms/schedulers/median_stopping.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/registry.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/schedulers/scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/scheduler_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::MakePlans;
using ::hyperd::algorithms::testing::RunStream;
using ::hyperd::algorithms::testing::StreamOptions;
using ::hyperd::algorithms::testing::TrialPlan;
using ::testing::HasSubstr;
using Statistic = MedianStoppingConfig::Statistic;
using Reference = MedianStoppingConfig::Reference;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kX = 10;  // the candidate's trial number

MedianStoppingConfig Config(int min_trials = 3, Statistic statistic = Statistic::kBestSoFar,
                            int64_t warmup_steps = 0) {
  MedianStoppingConfig config;
  config.n_startup_trials = 0;
  config.min_trials = min_trials;
  config.statistic = statistic;
  config.warmup_steps = warmup_steps;
  return config;
}

void Report(MedianStoppingScheduler& median, int64_t trial, const std::vector<int64_t>& steps,
            const std::vector<double>& values) {
  for (size_t i = 0; i < steps.size(); ++i) median.OnMeasurement(trial, 0, steps[i], values[i]);
}

// The §5.2 reference curves A, B, C, D (trials 0-3) at steps 1..5, and optionally E (trial 4).
void ReportReferenceCurves(MedianStoppingScheduler& median, bool with_e = false) {
  const std::vector<int64_t> steps = {1, 2, 3, 4, 5};
  Report(median, 0, steps, {1.0, 0.8, 0.7, 0.6, 0.5});
  Report(median, 1, steps, {1.2, 1.0, 0.9, 0.85, 0.8});
  Report(median, 2, steps, {0.9, 0.7, 0.6, 0.5, 0.45});
  Report(median, 3, steps, {2.0, 1.9, 1.8, 1.7, 1.6});
  if (with_e) Report(median, 4, {2, 4}, {1.0, 0.4});
}

// X reports [1.1, 0.95, 0.9] at steps 1..3; the decision at t = 3.
SchedulerDecision DecideXAtStep3(MedianStoppingScheduler& median, int64_t x = kX) {
  median.OnMeasurement(x, 0, 1, 1.1);
  median.OnMeasurement(x, 0, 2, 0.95);
  return median.OnMeasurement(x, 0, 3, 0.9);
}

TEST(MedianStopping, M1StopsBelowARealMedianWhereAMeanWouldContinue) {
  MedianStoppingScheduler median(Config(/*min_trials=*/3));
  ReportReferenceCurves(median);
  const SchedulerDecision decision = DecideXAtStep3(median);
  EXPECT_TRUE(decision.stop);
  EXPECT_EQ(decision.reason,
            "best value 0.9 by step 3 is worse than the median 0.8 of 4 other trials' best values "
            "at step 3");
  EXPECT_EQ(decision.next_check_step, 0);
}

TEST(MedianStopping, M2RunningMeanContinues) {
  MedianStoppingScheduler median(Config(3, Statistic::kRunningMean, /*warmup_steps=*/0));
  ReportReferenceCurves(median);
  const SchedulerDecision decision = DecideXAtStep3(median);
  EXPECT_FALSE(decision.stop);
  EXPECT_EQ(decision.next_check_step, 4);
}

TEST(MedianStopping, M2RunningMeanThresholdIsTheMedianOfMeans) {
  // Candidate best 0.94 at step 3 is above 0.9333 (the M2 median): stop, and the reason shows it.
  MedianStoppingScheduler median(Config(3, Statistic::kRunningMean));
  ReportReferenceCurves(median);
  median.OnMeasurement(kX, 0, 1, 1.1);
  median.OnMeasurement(kX, 0, 2, 0.95);
  const SchedulerDecision decision = median.OnMeasurement(kX, 0, 3, 0.94);
  EXPECT_TRUE(decision.stop);
  EXPECT_THAT(decision.reason, HasSubstr("median 0.933333 of 4 other trials' running means"));
}

TEST(MedianStopping, M3ContinuesWithFewerReferenceTrialsThanMinTrials) {
  MedianStoppingScheduler median(Config(/*min_trials=*/5));
  ReportReferenceCurves(median);
  EXPECT_FALSE(DecideXAtStep3(median).stop);
}

TEST(MedianStopping, M4ContinuesBeforeWarmup) {
  MedianStoppingScheduler median(Config(3, Statistic::kBestSoFar, /*warmup_steps=*/4));
  ReportReferenceCurves(median);
  const SchedulerDecision decision = DecideXAtStep3(median);
  EXPECT_FALSE(decision.stop);
  EXPECT_EQ(decision.next_check_step, 4);
  // Pruning is allowed from t == warmup_steps: 0.9 vs the step-4 median (0.6+0.85)/2 = 0.725.
  EXPECT_TRUE(median.OnMeasurement(kX, 0, 4, 0.9).stop);
}

TEST(MedianStopping, M5ATrialOnAnotherGridCountsWithItsBestSoFarAndATieContinues) {
  MedianStoppingScheduler median(Config(3));
  ReportReferenceCurves(median, /*with_e=*/true);
  EXPECT_FALSE(DecideXAtStep3(median).stop);  // median of 0.6 0.7 0.9 1.0 1.8 is 0.9
}

TEST(MedianStopping, M1WithTheCompletedReferenceUsesOnlySucceededTrials) {
  MedianStoppingScheduler median([] {
    MedianStoppingConfig config = Config(3);
    config.reference = Reference::kCompleted;
    return config;
  }());
  ReportReferenceCurves(median);
  EXPECT_FALSE(DecideXAtStep3(median, 20).stop);  // none succeeded: no reference set yet
  for (int64_t trial = 0; trial < 4; ++trial) median.OnTrialEnd(trial, TrialEnd::kSucceeded);
  const SchedulerDecision decision = DecideXAtStep3(median, 21);
  EXPECT_TRUE(decision.stop);
  EXPECT_THAT(decision.reason, HasSubstr("median 0.8 of 4 succeeded trials'"));
}

TEST(MedianStopping, StartupTrialsAreCountedAsSucceededTrials) {
  MedianStoppingConfig config = Config(3);
  config.n_startup_trials = 5;
  MedianStoppingScheduler median(config);
  ReportReferenceCurves(median);
  for (int64_t trial = 0; trial < 4; ++trial) median.OnTrialEnd(trial, TrialEnd::kSucceeded);
  median.OnTrialEnd(50, TrialEnd::kPruned);
  median.OnTrialEnd(51, TrialEnd::kFailed);
  median.OnTrialEnd(0, TrialEnd::kSucceeded);  // a repeated end counts once
  EXPECT_FALSE(DecideXAtStep3(median, 20).stop);
  median.OnTrialEnd(20, TrialEnd::kFailed);  // keep the reference set at A-D (M1)
  median.OnTrialEnd(52, TrialEnd::kSucceeded);
  EXPECT_TRUE(DecideXAtStep3(median, 21).stop);
}

TEST(MedianStopping, FailedAndInfeasibleTrialsLeaveTheReferenceSetPrunedOnesStay) {
  MedianStoppingScheduler pruned(Config(3));
  ReportReferenceCurves(pruned, /*with_e=*/true);
  pruned.OnTrialEnd(4, TrialEnd::kPruned);
  EXPECT_FALSE(DecideXAtStep3(pruned).stop);  // still M5

  for (TrialEnd end : {TrialEnd::kFailed, TrialEnd::kInfeasible}) {
    MedianStoppingScheduler median(Config(3));
    ReportReferenceCurves(median, /*with_e=*/true);
    median.OnTrialEnd(4, end);
    const SchedulerDecision decision = DecideXAtStep3(median);  // back to M1
    EXPECT_TRUE(decision.stop);
    EXPECT_THAT(decision.reason, HasSubstr("median 0.8 of 4"));
  }
}

TEST(MedianStopping, ChecksOnlyTheFirstMeasurementAtOrAfterEachCheckPoint) {
  MedianStoppingConfig config = Config(1);
  config.warmup_steps = 2;
  config.interval_steps = 3;  // check points 2, 5, 8, 11
  MedianStoppingScheduler median(config);
  Report(median, 0, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
         std::vector<double>(12, 0.0));  // a reference that is always better
  std::string dense;
  for (int64_t step = 1; step <= 12; ++step) {
    dense += median.OnMeasurement(1, 0, step, 1.0).stop ? 'S' : '.';
  }
  EXPECT_EQ(dense, ".S..S..S..S.");
  std::string sparse;
  for (int64_t step : {1, 4, 6, 7, 12}) {
    sparse += median.OnMeasurement(2, 0, step, 1.0).stop ? 'S' : '.';
  }
  EXPECT_EQ(sparse, ".SS.S");  // 1 < warmup; 4 (>= 2); 6 (>= 5); 7 (none in (6, 7]); 12 (>= 8)
}

TEST(MedianStopping, NextCheckStepIsTheNextCheckPoint) {
  MedianStoppingConfig config = Config(3);
  config.warmup_steps = 10;
  config.interval_steps = 5;
  MedianStoppingScheduler median(config);
  EXPECT_EQ(median.OnMeasurement(0, 0, 3, 1.0).next_check_step, 10);
  EXPECT_EQ(median.OnMeasurement(0, 0, 10, 1.0).next_check_step, 15);
  EXPECT_EQ(median.OnMeasurement(0, 0, 17, 1.0).next_check_step, 20);
}

TEST(MedianStopping, NextCheckStepSaturatesInsteadOfOverflowing) {
  MedianStoppingConfig config = Config(3);
  config.interval_steps = std::numeric_limits<int64_t>::max();
  MedianStoppingScheduler median(config);
  EXPECT_EQ(median.OnMeasurement(0, 0, 5, 1.0).next_check_step,
            std::numeric_limits<int64_t>::max());
}

TEST(MedianStopping, NonFiniteValuesRankWorstAndAllNonFiniteStops) {
  MedianStoppingScheduler median(Config(1));
  Report(median, 0, {1, 2, 3}, {0.5, std::nan(""), 0.4});
  // Reference best-so-far at step 2 is 0.5 (the NaN is +inf, not a better value): 0.6 is worse,
  // 0.5 continues (median 0.55 with trial 1).
  EXPECT_TRUE(median.OnMeasurement(1, 0, 2, 0.6).stop);
  EXPECT_FALSE(median.OnMeasurement(2, 0, 2, 0.5).stop);
  // A candidate whose values are all non-finite stops even against a diverged field.
  MedianStoppingScheduler diverged(Config(1));
  Report(diverged, 0, {1}, {kInf});
  const SchedulerDecision decision = diverged.OnMeasurement(1, 0, 1, std::nan(""));
  EXPECT_TRUE(decision.stop);
  EXPECT_THAT(decision.reason, HasSubstr("non-finite"));
  // A NaN after a finite value keeps the finite best.
  EXPECT_FALSE(diverged.OnMeasurement(2, 0, 1, 0.1).stop);
  EXPECT_FALSE(diverged.OnMeasurement(2, 0, 2, std::nan("")).stop);
}

TEST(MedianStopping, RunningMeanWithANonFiniteValueIsInfiniteAndRanksLast) {
  MedianStoppingScheduler median(Config(3, Statistic::kRunningMean));
  Report(median, 0, {1, 2}, {0.1, 0.1});
  Report(median, 1, {1, 2}, {0.2, 0.2});
  Report(median, 2, {1, 2}, {0.3, std::nan("")});  // mean +inf at step 2
  // Reference at step 2: 0.1, 0.2, +inf: median 0.2.
  EXPECT_FALSE(median.OnMeasurement(3, 0, 2, 0.2).stop);
  EXPECT_TRUE(median.OnMeasurement(4, 0, 2, 0.25).stop);
}

TEST(MedianStopping, ATrialWithoutAReportUpToTheStepHasNoStatisticThere) {
  MedianStoppingScheduler median(Config(1));
  Report(median, 0, {5}, {0.0});  // reached step 3 but reported nothing at or before it
  EXPECT_FALSE(median.OnMeasurement(1, 0, 3, 9.0).stop);  // no reference at step 3
  EXPECT_TRUE(median.OnMeasurement(1, 0, 5, 9.0).stop);
}

TEST(MedianStopping, RepeatedOrEarlierStepsAreIgnored) {
  MedianStoppingScheduler median(Config(1));
  Report(median, 0, {1, 2}, {0.0, 0.0});
  ASSERT_TRUE(median.OnMeasurement(1, 0, 2, 5.0).stop);
  EXPECT_FALSE(median.OnMeasurement(1, 0, 2, 5.0).stop);
  EXPECT_FALSE(median.OnMeasurement(1, 0, 1, 5.0).stop);
  EXPECT_EQ(median.name(), "median");
  EXPECT_EQ(median.AssignBracket(3), 0);
  EXPECT_TRUE(median.Summary().empty());
}

TEST(MedianStopping, EvictedColumnsAreRebuiltWithTheSameDecisions) {
  MedianStoppingScheduler cached(Config(3));
  MedianStoppingCacheOptions tiny_cache;
  tiny_cache.max_cached_values = 4;
  MedianStoppingScheduler tiny(Config(3), tiny_cache);
  for (MedianStoppingScheduler* median : {&cached, &tiny}) ReportReferenceCurves(*median, true);
  EXPECT_LE(tiny.cached_values(), 8);  // bounded: at most the budget plus one column
  EXPECT_GT(cached.cached_values(), tiny.cached_values());
  for (int64_t step = 1; step <= 5; ++step) {
    const SchedulerDecision a = cached.OnMeasurement(kX, 0, step, 0.75);
    const SchedulerDecision b = tiny.OnMeasurement(kX, 0, step, 0.75);
    EXPECT_EQ(a.stop, b.stop) << step;
    EXPECT_EQ(a.reason, b.reason) << step;
  }
}

// A direct transcription of the §5.1 pseudocode: every decision scans every trial.
class PseudocodeMedian {
 public:
  explicit PseudocodeMedian(const MedianStoppingConfig& config) : config_(config) {}

  bool OnMeasurement(int64_t x, int64_t t, double y) {
    Trial& trial = trials_[x];
    const int64_t previous = trial.reports.empty() ? -1 : trial.reports.back().first;
    trial.reports.push_back({t, y});
    if (t < config_.warmup_steps) return false;
    if (succeeded_ < config_.n_startup_trials) return false;
    bool crosses_check_point = false;
    for (int64_t c = config_.warmup_steps; c <= t; c += config_.interval_steps) {
      crosses_check_point |= c > previous;
    }
    if (!crosses_check_point) return false;
    double candidate = kInf;
    for (const auto& [u, v] : trial.reports) candidate = std::min(candidate, Ranked(v));
    if (candidate == kInf) return true;
    std::vector<double> reference;
    for (const auto& [j, other] : trials_) {
      if (j == x || other.excluded || other.reports.empty()) continue;
      if (config_.reference == Reference::kCompleted && !other.succeeded) continue;
      if (other.reports.back().first < t) continue;
      double best = kInf;
      double sum = 0;
      int64_t count = 0;
      bool any = false;
      for (const auto& [u, v] : other.reports) {
        if (u > t) break;
        any = true;
        best = std::min(best, Ranked(v));
        if (u >= config_.warmup_steps) {
          sum += Ranked(v);
          ++count;
        }
      }
      if (config_.statistic == Statistic::kBestSoFar && any) reference.push_back(best);
      if (config_.statistic == Statistic::kRunningMean && count > 0) {
        reference.push_back(sum / static_cast<double>(count));
      }
    }
    if (reference.size() < static_cast<size_t>(config_.min_trials)) return false;
    std::sort(reference.begin(), reference.end());
    const size_t n = reference.size();
    const double m = n % 2 ? reference[n / 2] : (reference[n / 2 - 1] + reference[n / 2]) / 2;
    return candidate > m;
  }

  void OnTrialEnd(int64_t trial, TrialEnd end) {
    if (end == TrialEnd::kSucceeded) {
      ++succeeded_;
      trials_[trial].succeeded = true;
    }
    if (end == TrialEnd::kFailed || end == TrialEnd::kInfeasible) trials_[trial].excluded = true;
  }

 private:
  struct Trial {
    std::vector<std::pair<int64_t, double>> reports;
    bool succeeded = false;
    bool excluded = false;
  };
  static double Ranked(double v) { return std::isfinite(v) ? v : kInf; }

  MedianStoppingConfig config_;
  std::map<int64_t, Trial> trials_;
  int succeeded_ = 0;
};

// How the cross-check exercises the column cache.
enum class Index { kNever, kFromStart, kMidway };

struct CrossCheckCase {
  Statistic statistic;
  Reference reference;
  int64_t warmup_steps;
  int64_t interval_steps;
  int n_startup_trials;
  int min_trials;
  int64_t max_cached_values;
  Index index;
  bool sparse;
  int64_t max_step;
};

MedianStoppingCacheOptions CacheOptions(const CrossCheckCase& test_case) {
  MedianStoppingCacheOptions cache;
  cache.max_cached_values = test_case.max_cached_values;
  switch (test_case.index) {
    case Index::kNever:
      cache.large_scan = 1 << 30;
      break;
    case Index::kFromStart:
      cache.large_scans_before_indexing = 0;
      break;
    case Index::kMidway:
      cache.large_scan = 5;
      cache.large_scans_before_indexing = 20;
      break;
  }
  return cache;
}

TEST(MedianStopping, AgreesWithThePseudocodeOnRandomAsynchronousStreams) {
  constexpr int64_t kBig = 1 << 20;
  const std::vector<CrossCheckCase> cases = {
      {Statistic::kBestSoFar, Reference::kReached, 0, 1, 0, 3, kBig, Index::kNever, false, 25},
      {Statistic::kBestSoFar, Reference::kReached, 3, 2, 5, 3, kBig, Index::kNever, true, 25},
      {Statistic::kRunningMean, Reference::kReached, 4, 1, 2, 2, kBig, Index::kNever, true, 25},
      {Statistic::kBestSoFar, Reference::kCompleted, 2, 3, 3, 3, kBig, Index::kNever, true, 25},
      {Statistic::kRunningMean, Reference::kCompleted, 0, 1, 0, 1, kBig, Index::kNever, false, 25},
      {Statistic::kBestSoFar, Reference::kReached, 1, 1, 0, 3, 30, Index::kNever, true, 25},
      {Statistic::kRunningMean, Reference::kCompleted, 1, 2, 1, 2, 30, Index::kNever, true, 25},
      // Long unrelated grids: most decisions derive a new column from a cached neighbour.
      {Statistic::kBestSoFar, Reference::kReached, 0, 1, 0, 3, kBig, Index::kFromStart, true, 300},
      {Statistic::kRunningMean, Reference::kReached, 5, 1, 3, 2, kBig, Index::kMidway, true, 300},
      {Statistic::kBestSoFar, Reference::kCompleted, 0, 1, 2, 3, kBig, Index::kMidway, true, 300},
      {Statistic::kRunningMean, Reference::kCompleted, 7, 3, 0, 1, kBig, Index::kFromStart, true,
       300},
      {Statistic::kBestSoFar, Reference::kReached, 0, 1, 0, 3, 500, Index::kFromStart, true, 300},
      {Statistic::kBestSoFar, Reference::kReached, 0, 1, 0, 3, 500, Index::kNever, true, 300},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    const CrossCheckCase& test_case = cases[c];
    MedianStoppingConfig config;
    config.statistic = test_case.statistic;
    config.reference = test_case.reference;
    config.warmup_steps = test_case.warmup_steps;
    config.interval_steps = test_case.interval_steps;
    config.n_startup_trials = test_case.n_startup_trials;
    config.min_trials = test_case.min_trials;
    MedianStoppingScheduler median(config, CacheOptions(test_case));
    PseudocodeMedian reference(config);

    StreamOptions options;
    options.num_trials = 120;
    options.max_step = test_case.max_step;
    options.sparse = test_case.sparse;
    options.nan_probability = 0.02;
    const std::vector<TrialPlan> plans = MakePlans(100 + c, options);
    SplitMix64 ends(c);
    int mismatches = 0;
    int stops = 0;
    RunStream(200 + c, plans, options.concurrency, [&](const testing::Arrival& a) {
      const bool stop = median.OnMeasurement(a.trial, 0, a.step, a.value).stop;
      mismatches += stop != reference.OnMeasurement(a.trial, a.step, a.value);
      stops += stop;
      if (stop || a.step == plans[a.trial].steps.back()) {
        const uint64_t draw = ends.Next() % 10;
        const TrialEnd end = stop        ? TrialEnd::kPruned
                             : draw == 0 ? TrialEnd::kFailed
                             : draw == 1 ? TrialEnd::kInfeasible
                                         : TrialEnd::kSucceeded;
        median.OnTrialEnd(a.trial, end);
        reference.OnTrialEnd(a.trial, end);
      }
      return stop;
    });
    EXPECT_EQ(mismatches, 0) << "case " << c;
    EXPECT_GT(stops, 10) << "case " << c;
    EXPECT_EQ(median.report_index_enabled(), test_case.index != Index::kNever) << "case " << c;
    EXPECT_LE(median.cached_values(), test_case.max_cached_values + options.num_trials)
        << "case " << c;
  }
}

}  // namespace
}  // namespace hyperd::algorithms
