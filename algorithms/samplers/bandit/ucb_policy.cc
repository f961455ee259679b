#include "algorithms/samplers/bandit/ucb_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"
#include "algorithms/samplers/bandit/policy_support.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

absl::string_view DriftName(DriftKind kind) {
  switch (kind) {
    case DriftKind::kDiscounted:
      return "discounted";
    case DriftKind::kSlidingWindow:
      return "sliding_window";
    case DriftKind::kNone:
      break;
  }
  return "none";
}

}  // namespace

UcbPolicy::UcbPolicy(const Ucb1Settings& settings, int arm_count)
    : arm_count_(arm_count),
      settings_(settings),
      discount_(settings.drift.kind == DriftKind::kDiscounted ? ResolvedDiscount(settings.drift)
                                                              : 0),
      window_(settings.drift.kind == DriftKind::kSlidingWindow ? ResolvedWindow(settings.drift)
                                                               : 0),
      signature_(absl::StrCat("ucb1 arms=", arm_count, " tuned=", settings.tuned ? 1 : 0,
                              " alpha=", EncodeStateDouble(settings.alpha),
                              " drift=", DriftName(settings.drift.kind),
                              " discount=", EncodeStateDouble(discount_), " window=", window_)),
      statistics_(MakeRewardStatistics(arm_count, settings.drift.kind, discount_, window_)),
      pulls_(arm_count, 0) {}

double UcbPolicy::Bonus(double count, double variance, double log_t) const {
  if (!settings_.tuned) return std::sqrt(settings_.alpha * log_t / count);
  const double v = variance + std::sqrt(2 * log_t / count);
  return std::sqrt(log_t / count * std::min(0.25, v));
}

double UcbPolicy::Index(const RewardStatisticsView& view, int arm, double count,
                        double log_t) const {
  double mean = 1;  // only pending pulls: optimistic
  double variance = 0.25;
  if (view.counts[arm] > 0) {
    // Ratios of stored values: the discount scale cancels.
    mean = view.sums[arm] / view.counts[arm];
    variance = std::max(0.0, view.sum_squares[arm] / view.counts[arm] - mean * mean);
  }
  return mean + Bonus(count, variance, log_t);
}

int UcbPolicy::BestArm(const RewardStatisticsView& view, absl::Span<const int64_t> pending,
                       double log_t) const {
  int best = 0;
  double best_index = -std::numeric_limits<double>::infinity();
  for (int i = 0; i < arm_count_; ++i) {
    const double count = view.counts[i] * view.scale + static_cast<double>(PendingOf(pending, i));
    const double index = Index(view, i, count, log_t);
    if (index > best_index) {  // strict: ties keep the lowest index
      best_index = index;
      best = i;
    }
  }
  return best;
}

absl::StatusOr<BanditDecision> UcbPolicy::Select(absl::Span<const int64_t> pending,
                                                 absl::Span<const double> /*context*/,
                                                 uint64_t /*decision_seed*/) const {
  int64_t total_pending = 0;
  RETURN_IF_ERROR(CheckPending(pending, arm_count_, &total_pending));
  const RewardStatisticsView view = statistics_->View();
  for (int i = 0; i < arm_count_; ++i) {
    if (view.counts[i] == 0 && PendingOf(pending, i) == 0) return BanditDecision{i, 1};
  }
  const double t = view.total_count + static_cast<double>(total_pending);
  return BanditDecision{BestArm(view, pending, std::log(std::max(1.0, t))), 1};
}

absl::Status UcbPolicy::Update(int arm, double reward, double probability,
                               absl::Span<const double> /*context*/, uint64_t /*decision_seed*/) {
  RETURN_IF_ERROR(CheckFeedback(arm, reward, probability, arm_count_));
  statistics_->Add(arm, reward);
  ++pulls_[arm];
  ++rewards_applied_;
  return absl::OkStatus();
}

std::vector<ArmSummary> UcbPolicy::Summary() const {
  const RewardStatisticsView view = statistics_->View();
  const double log_t = std::log(std::max(1.0, view.total_count));
  std::vector<ArmSummary> summaries(arm_count_);
  bool all_seen = true;
  for (int i = 0; i < arm_count_; ++i) {
    ArmSummary& summary = summaries[i];
    summary.pulls = pulls_[i];
    summary.effective_pulls = view.counts[i] * view.scale;
    if (view.counts[i] == 0) {
      all_seen = false;
      continue;
    }
    const double mean = view.sums[i] / view.counts[i];
    const double variance = std::max(0.0, view.sum_squares[i] / view.counts[i] - mean * mean);
    const double bonus = Bonus(summary.effective_pulls, variance, log_t);
    summary.mean_reward = mean;
    summary.lower_bound = ClampUnit(mean - bonus);
    summary.upper_bound = ClampUnit(mean + bonus);
  }
  int next = 0;
  if (all_seen) {
    next = BestArm(view, {}, log_t);
  } else {
    while (view.counts[next] != 0) ++next;
  }
  summaries[next].selection_probability = 1;
  return summaries;
}

std::string UcbPolicy::SerializeState() const {
  StateWriter writer;
  WriteStateHeader(signature_, &writer);
  writer.Field("pulls");
  writer.Ints(pulls_);
  statistics_->Serialize(&writer);
  return std::move(writer).Finish();
}

absl::Status UcbPolicy::RestoreState(absl::string_view state) {
  StateReader reader(state);
  RETURN_IF_ERROR(ReadStateHeader(signature_, &reader));
  std::vector<int64_t> pulls;
  RETURN_IF_ERROR(
      reader.Ints("pulls", arm_count_, 0, std::numeric_limits<int64_t>::max() / 2, &pulls));
  std::unique_ptr<RewardStatistics> statistics =
      MakeRewardStatistics(arm_count_, settings_.drift.kind, discount_, window_);
  RETURN_IF_ERROR(statistics->Restore(&reader));
  RETURN_IF_ERROR(reader.Finish());
  int64_t rewards = 0;
  for (int64_t p : pulls) rewards += p;
  pulls_ = std::move(pulls);
  statistics_ = std::move(statistics);
  rewards_applied_ = rewards;
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
