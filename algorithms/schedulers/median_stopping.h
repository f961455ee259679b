// `median`: the median stopping rule (Golovin et al., "Google Vizier", KDD 2017), as defined for
// hyperd in specs/multifidelity.md §5.1. For a measurement of trial x at step t:
//
//   t < warmup_steps                                  -> continue
//   fewer than n_startup_trials trials SUCCEEDED      -> continue
//   not the first measurement of x at or after a check point warmup_steps + i·interval_steps
//                                                     -> continue
//   cand = x's best value over steps <= t; every value of x non-finite -> stop
//   ref  = stat(j, t) for the other trials j of the reference set at t
//   |ref| < min_trials                                -> continue
//   stop iff cand > median(ref)   (a real median: the mean of the two middle values when |ref| is
//                                  even; strictly worse stops, a tie continues)
//
// * Reference set at t: trials other than x whose last reported step is >= t; with
//   Reference::kReached all of them except FAILED and INFEASIBLE ones (OnTrialEnd), with
//   Reference::kCompleted only SUCCEEDED ones. A trial without a report at a step <= t has no
//   statistic at t and is left out.
// * stat(j, t) uses j's reports at steps <= t only, so trials with different report grids
//   compare fine: kBestSoFar is their minimum; kRunningMean the unweighted mean of the reports at
//   warmup_steps <= u <= t (left out when there are none).
// * Non-finite values (diverged runs) count as +inf: they rank worst and are never "missing".
// * The rule is stateless per measurement (the runtime stops asking once a trial is stopped);
//   next_check_step is the next check point after t.
//
// Data structures. For each step t at which a decision was evaluated, a "column" holds the
// statistics of the current reference set at t in a SortedMultiset, so the median is read with
// at most n/512 additions. A report of trial j at step t (previous report p) inserts stat(j, g)
// into the cached columns g in (p, t] by binary search and a move of at most 8 KB.
// * Shared report grid (epochs, the common case): a column is made once per step, when the first
//   trials reach it, from the few reference trials that already did (an ordered index by last
//   step); afterwards every decision is O(log n) plus a move of at most 8 KB.
// * Unrelated grids (e.g. samples seen at per-trial batch sizes): most decisions are at a step
//   no one decided at, and a scan of the reference trials that reached it would be O(n). Once
//   such scans grow large (MedianStoppingCacheOptions) the scheduler also indexes reports by
//   step and makes a new column by copying the nearest cached column (a memcpy of n doubles)
//   and correcting it for the trials that reported or left in between; it scans only when no
//   column is near enough. Decisions stay exact either way, but this case costs O(n) per
//   decision (the copy, or a scan when the cache cannot keep a column near every step): keeping
//   "the reference statistic at exactly t" for every distinct t is inherent to the rule.
// Columns are a cache: when they hold more than options.max_cached_values statistics the least
// recently used are dropped (rebuilt on demand), which bounds memory. Removing a FAILED or
// INFEASIBLE trial (rare) erases its values from every column.
// Not thread-safe (the runtime holds the study lock).
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_MEDIAN_STOPPING_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_MEDIAN_STOPPING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/strings/string_view.h"
#include "algorithms/registry.h"
#include "algorithms/schedulers/scheduler.h"
#include "algorithms/schedulers/sorted_multiset.h"

namespace hyperd::algorithms {

// Performance knobs of MedianStoppingScheduler (decisions do not depend on them).
struct MedianStoppingCacheOptions {
  // Statistics kept in cached columns; 4M (32 MB) keeps 10,000 trials x 400 steps. >= 1.
  int64_t max_cached_values = int64_t{1} << 22;
  // The report index starts after `large_scans_before_indexing` column scans of more than
  // `large_scan` reference trials; 0 starts it at once.
  size_t large_scan = 256;
  int64_t large_scans_before_indexing = 64;
};

class MedianStoppingScheduler : public Scheduler {
 public:
  // Requires a config MakeScheduler accepts (warmup_steps >= 0, n_startup_trials >= 0,
  // min_trials >= 1, interval_steps >= 1).
  explicit MedianStoppingScheduler(const MedianStoppingConfig& config,
                                   MedianStoppingCacheOptions options = {});

  absl::string_view name() const override { return "median"; }
  int AssignBracket(int64_t) const override { return 0; }
  // Steps of a trial must increase; a step not above the trial's last one, or a measurement of a
  // trial that already ended, is ignored (continue).
  SchedulerDecision OnMeasurement(int64_t trial_number, int bracket, int64_t step,
                                  double value) override;
  // kSucceeded counts towards n_startup_trials (and joins the reference set with kCompleted);
  // kFailed and kInfeasible leave the reference set; kPruned changes nothing.
  void OnTrialEnd(int64_t trial_number, TrialEnd end) override;
  std::vector<RungSummary> Summary() const override { return {}; }

  // Cache introspection for tests.
  int64_t cached_values() const { return cached_values_; }
  int64_t cached_steps() const { return static_cast<int64_t>(columns_.size()); }
  bool report_index_enabled() const { return report_index_enabled_; }

 private:
  struct Point {
    int64_t step;
    double stat;  // the reference statistic over reports <= step; NaN: none (empty mean window)
  };
  struct TrialRecord {
    int64_t last_step = -1;  // -1: no measurement yet
    double best = 0;         // over every report (valid once last_step >= 0)
    double window_sum = 0;   // reports at steps >= warmup_steps, for kRunningMean
    int64_t window_count = 0;
    bool in_reference = false;
    bool ended = false;
    std::vector<Point> history;
  };
  struct Column {
    SortedMultiset stats;
    uint64_t last_used = 0;
  };

  SchedulerDecision Decide(int64_t previous_step, int64_t step, double candidate);
  // The smallest check point > step (saturating at INT64_MAX).
  int64_t NextCheckPoint(int64_t step) const;
  static std::optional<double> StatAt(const TrialRecord& record, int64_t step);
  Column& ColumnAt(int64_t step);
  // The reference statistics at `step`: the nearest cached column (below or above), copied and
  // corrected for the trials that changed in between, or, when none is near enough, a scan of
  // the reference trials that reached `step`.
  Column BuildColumn(int64_t step);
  // Starts indexing the reference trials' reports by step (from their histories).
  void EnableReportIndex();
  // The reference trials whose statistic or membership may differ between `from_step` and
  // `to_step` (> from_step), deduplicated; false if there are more than `max_changed`.
  bool CollectChanged(int64_t from_step, int64_t to_step, size_t max_changed,
                      std::vector<int64_t>& changed) const;
  // Adds `record`'s statistic to every cached column g with after < g <= record.last_step.
  void InsertIntoColumns(const TrialRecord& record, int64_t after);
  void RemoveFromColumns(const TrialRecord& record);
  void JoinReference(int64_t trial_number, TrialRecord& record);
  void EvictIfOverBudget();
  std::string StatisticName() const;

  MedianStoppingConfig config_;
  MedianStoppingCacheOptions options_;
  // B-trees, not hash maps: growing them never rehashes (moves) every trial in one decision.
  absl::btree_map<int64_t, TrialRecord> trials_;
  // (last_step, trial) of every reference-set member: the trials a new column must contain.
  absl::btree_set<std::pair<int64_t, int64_t>> reference_by_last_step_;
  // (step, trial) of every report of a reference-set member: what changed between two steps.
  // Kept only once scans turned out large and frequent (unrelated report grids): with a shared
  // grid columns are never derived and the index would only cost memory and time per report.
  bool report_index_enabled_;
  int64_t large_scans_ = 0;
  absl::btree_set<std::pair<int64_t, int64_t>> reports_by_step_;
  std::map<int64_t, Column> columns_;  // by step
  int64_t cached_values_ = 0;
  uint64_t use_clock_ = 0;
  int64_t succeeded_ = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_MEDIAN_STOPPING_H_
