#include "algorithms/schedulers/median_stopping.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hyperd::algorithms {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace

MedianStoppingScheduler::MedianStoppingScheduler(const MedianStoppingConfig& config,
                                                 MedianStoppingCacheOptions options)
    : config_(config),
      options_(options),
      report_index_enabled_(options.large_scans_before_indexing == 0) {}

SchedulerDecision MedianStoppingScheduler::OnMeasurement(int64_t trial_number, int, int64_t step,
                                                         double value) {
  TrialRecord& record = trials_[trial_number];
  // Finished trials are immutable; steps only increase (the runtime enforces both).
  if (record.ended || step <= record.last_step) {
    return SchedulerDecision{false, "", NextCheckPoint(step)};
  }
  const double ranked = std::isfinite(value) ? value : kInf;
  const int64_t previous_step = record.last_step;
  record.best = previous_step < 0 ? ranked : std::min(record.best, ranked);
  if (step >= config_.warmup_steps) {
    record.window_sum += ranked;
    ++record.window_count;
  }
  double stat = record.best;
  if (config_.statistic == MedianStoppingConfig::Statistic::kRunningMean) {
    stat = record.window_count > 0 ? record.window_sum / static_cast<double>(record.window_count)
                                   : std::numeric_limits<double>::quiet_NaN();
  }
  record.history.push_back(Point{step, stat});

  // Decide before x joins the columns at `step`: the reference set excludes x itself.
  SchedulerDecision decision = Decide(previous_step, step, record.best);

  record.last_step = step;
  if (config_.reference == MedianStoppingConfig::Reference::kReached) {
    if (record.in_reference) {
      reference_by_last_step_.erase({previous_step, trial_number});
      reference_by_last_step_.insert({step, trial_number});
      if (report_index_enabled_) reports_by_step_.insert({step, trial_number});
      InsertIntoColumns(record, previous_step);
    } else {
      JoinReference(trial_number, record);
    }
  }
  EvictIfOverBudget();
  return decision;
}

SchedulerDecision MedianStoppingScheduler::Decide(int64_t previous_step, int64_t step,
                                                  double candidate) {
  SchedulerDecision decision;
  decision.next_check_step = NextCheckPoint(step);
  if (step < config_.warmup_steps) return decision;
  if (succeeded_ < config_.n_startup_trials) return decision;
  const int64_t first_check_after_previous =
      previous_step < config_.warmup_steps ? config_.warmup_steps : NextCheckPoint(previous_step);
  if (first_check_after_previous > step) return decision;  // no check point in (previous, step]
  if (candidate == kInf) {
    decision.stop = true;
    decision.next_check_step = 0;
    decision.reason = absl::StrCat("every value up to step ", step,
                                   " is non-finite (a diverged run ranks worst)");
    return decision;
  }
  const SortedMultiset& reference = ColumnAt(step).stats;
  if (reference.size() < static_cast<size_t>(config_.min_trials)) return decision;
  const double median = reference.Median();
  if (candidate > median) {
    decision.stop = true;
    decision.next_check_step = 0;
    decision.reason = absl::StrCat(
        "best value ", candidate, " by step ", step, " is worse than the median ", median, " of ",
        reference.size(),
        config_.reference == MedianStoppingConfig::Reference::kCompleted ? " succeeded" : " other",
        " trials' ", StatisticName(), " at step ", step);
  }
  return decision;
}

int64_t MedianStoppingScheduler::NextCheckPoint(int64_t step) const {
  if (step < config_.warmup_steps) return config_.warmup_steps;
  const int64_t intervals_done = (step - config_.warmup_steps) / config_.interval_steps;
  // warmup + (intervals_done + 1)·interval <= step + interval: saturate instead of overflowing.
  const int64_t last_check = config_.warmup_steps + intervals_done * config_.interval_steps;
  if (last_check > kInt64Max - config_.interval_steps) return kInt64Max;
  return last_check + config_.interval_steps;
}

std::optional<double> MedianStoppingScheduler::StatAt(const TrialRecord& record, int64_t step) {
  const std::vector<Point>& history = record.history;
  auto after = std::upper_bound(history.begin(), history.end(), step,
                                [](int64_t s, const Point& p) { return s < p.step; });
  if (after == history.begin()) return std::nullopt;  // no report at or before `step`
  const double stat = std::prev(after)->stat;
  if (std::isnan(stat)) return std::nullopt;
  return stat;
}

MedianStoppingScheduler::Column& MedianStoppingScheduler::ColumnAt(int64_t step) {
  auto it = columns_.find(step);
  if (it == columns_.end()) {
    Column column = BuildColumn(step);
    cached_values_ += static_cast<int64_t>(column.stats.size());
    it = columns_.emplace(step, std::move(column)).first;
  }
  it->second.last_used = ++use_clock_;
  return it->second;
}

MedianStoppingScheduler::Column MedianStoppingScheduler::BuildColumn(int64_t step) {
  // Derive the column from the cached neighbour (below or above) with fewer changed trials.
  const Column* anchor = nullptr;
  int64_t anchor_step = 0;
  std::vector<int64_t> changed;
  auto above = columns_.upper_bound(step);
  if (!report_index_enabled_) {
    // No index: derivation is impossible, go straight to the scan.
  } else if (above != columns_.begin()) {
    const auto& [below_step, below] = *std::prev(above);
    // Copying is a memcpy; worth it while fewer than about half the trials changed.
    if (CollectChanged(below_step, step, below.stats.size() / 2 + 16, changed)) {
      anchor = &below;
      anchor_step = below_step;
    }
  }
  if (report_index_enabled_ && above != columns_.end()) {
    std::vector<int64_t> changed_above;
    const size_t limit = anchor != nullptr ? changed.size() : above->second.stats.size() / 2 + 16;
    if (CollectChanged(step, above->first, limit, changed_above)) {
      anchor = &above->second;
      anchor_step = above->first;
      changed = std::move(changed_above);
    }
  }
  if (anchor != nullptr) {
    Column column{anchor->stats, 0};
    for (int64_t trial : changed) {
      const TrialRecord& record = trials_.at(trial);
      if (record.last_step >= anchor_step) {
        if (std::optional<double> old_stat = StatAt(record, anchor_step)) {
          column.stats.EraseOne(*old_stat);
        }
      }
      if (record.last_step >= step) {
        if (std::optional<double> new_stat = StatAt(record, step)) column.stats.Insert(*new_stat);
      }
    }
    return column;
  }
  std::vector<double> stats;
  for (auto member =
           reference_by_last_step_.lower_bound({step, std::numeric_limits<int64_t>::min()});
       member != reference_by_last_step_.end(); ++member) {
    if (std::optional<double> stat = StatAt(trials_.at(member->second), step)) {
      stats.push_back(*stat);
    }
  }
  std::sort(stats.begin(), stats.end());
  if (!report_index_enabled_ && stats.size() > options_.large_scan &&
      ++large_scans_ >= options_.large_scans_before_indexing) {
    EnableReportIndex();
  }
  return Column{SortedMultiset::FromSorted(stats), 0};
}

void MedianStoppingScheduler::EnableReportIndex() {
  report_index_enabled_ = true;
  for (const auto& [last_step, trial] : reference_by_last_step_) {
    for (const Point& point : trials_.at(trial).history) {
      reports_by_step_.insert({point.step, trial});
    }
  }
}

bool MedianStoppingScheduler::CollectChanged(int64_t from_step, int64_t to_step, size_t max_changed,
                                             std::vector<int64_t>& changed) const {
  // Between two steps a < b, statistics change only with a report in (a, b]; membership only
  // for trials whose last step is in [a, b).
  changed.clear();
  for (auto it = reports_by_step_.upper_bound({from_step, std::numeric_limits<int64_t>::max()});
       it != reports_by_step_.end() && it->first <= to_step; ++it) {
    if (changed.size() >= max_changed) return false;
    changed.push_back(it->second);
  }
  for (auto it =
           reference_by_last_step_.lower_bound({from_step, std::numeric_limits<int64_t>::min()});
       it != reference_by_last_step_.end() && it->first < to_step; ++it) {
    if (changed.size() >= max_changed) return false;
    changed.push_back(it->second);
  }
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  return true;
}

void MedianStoppingScheduler::InsertIntoColumns(const TrialRecord& record, int64_t after) {
  for (auto it = columns_.upper_bound(after); it != columns_.end() && it->first <= record.last_step;
       ++it) {
    if (std::optional<double> stat = StatAt(record, it->first)) {
      it->second.stats.Insert(*stat);
      ++cached_values_;
    }
  }
}

void MedianStoppingScheduler::RemoveFromColumns(const TrialRecord& record) {
  for (auto it = columns_.begin(); it != columns_.end() && it->first <= record.last_step; ++it) {
    std::optional<double> stat = StatAt(record, it->first);
    // The same double was inserted, so it is always found.
    if (stat.has_value() && it->second.stats.EraseOne(*stat)) --cached_values_;
  }
}

void MedianStoppingScheduler::JoinReference(int64_t trial_number, TrialRecord& record) {
  record.in_reference = true;
  reference_by_last_step_.insert({record.last_step, trial_number});
  if (report_index_enabled_) {
    for (const Point& point : record.history) reports_by_step_.insert({point.step, trial_number});
  }
  InsertIntoColumns(record, std::numeric_limits<int64_t>::min());
}

void MedianStoppingScheduler::OnTrialEnd(int64_t trial_number, TrialEnd end) {
  TrialRecord& record = trials_[trial_number];
  if (record.ended) return;
  record.ended = true;
  if (end == TrialEnd::kSucceeded) ++succeeded_;
  const bool has_reports = record.last_step >= 0;
  if (config_.reference == MedianStoppingConfig::Reference::kCompleted) {
    if (end == TrialEnd::kSucceeded && has_reports) JoinReference(trial_number, record);
  } else if ((end == TrialEnd::kFailed || end == TrialEnd::kInfeasible) && record.in_reference) {
    RemoveFromColumns(record);
    reference_by_last_step_.erase({record.last_step, trial_number});
    if (report_index_enabled_) {
      for (const Point& point : record.history) reports_by_step_.erase({point.step, trial_number});
    }
    record.in_reference = false;
  }
  EvictIfOverBudget();
}

void MedianStoppingScheduler::EvictIfOverBudget() {
  if (cached_values_ <= options_.max_cached_values || columns_.size() <= 1) return;
  // Drop least recently used columns down to 3/4 of the budget in one batch (amortised
  // O(log) per cached value), keeping the most recently used one.
  std::vector<std::pair<uint64_t, int64_t>> by_use;
  by_use.reserve(columns_.size());
  for (const auto& [step, column] : columns_) by_use.push_back({column.last_used, step});
  std::sort(by_use.begin(), by_use.end());
  by_use.pop_back();
  const int64_t target = options_.max_cached_values - options_.max_cached_values / 4;
  for (const auto& [last_used, step] : by_use) {
    if (cached_values_ <= target) break;
    auto it = columns_.find(step);
    cached_values_ -= static_cast<int64_t>(it->second.stats.size());
    columns_.erase(it);
  }
}

std::string MedianStoppingScheduler::StatisticName() const {
  return config_.statistic == MedianStoppingConfig::Statistic::kRunningMean ? "running means"
                                                                            : "best values";
}

}  // namespace hyperd::algorithms
