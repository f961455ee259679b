#include "algorithms/samplers/bandit/reward_statistics.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr int64_t kMaxRounds = std::numeric_limits<int64_t>::max() / 2;
constexpr double kHuge = 1e300;

// Rewards lie in [0, 1], so per arm Q_i <= S_i <= n_i up to rounding; anything else is corrupt
// (and would give Beta Thompson sampling a negative shape).
absl::Status CheckSumsWithinCounts(const std::vector<double>& counts,
                                   const std::vector<double>& sums,
                                   const std::vector<double>& sum_squares) {
  for (size_t i = 0; i < counts.size(); ++i) {
    const double slack = 1e-9 * (1 + counts[i]);
    if (sums[i] > counts[i] + slack || sum_squares[i] > sums[i] + slack) {
      return absl::InvalidArgumentError(
          "bandit state: sums: an arm's reward sum exceeds its count; the state is corrupt");
    }
  }
  return absl::OkStatus();
}

class PlainStatistics : public RewardStatistics {
 public:
  explicit PlainStatistics(int arm_count)
      : counts_(arm_count, 0.0), sums_(arm_count, 0.0), sum_squares_(arm_count, 0.0) {}

  void Add(int arm, double value) override {
    ++rounds_;
    counts_[arm] += 1;
    sums_[arm] += value;
    sum_squares_[arm] += value * value;
  }

  RewardStatisticsView View() const override {
    return {counts_, sums_, sum_squares_, 1.0, static_cast<double>(rounds_)};
  }

  void Serialize(StateWriter* writer) const override {
    writer->Field("rounds");
    writer->Int(rounds_);
    writer->Field("counts");
    writer->Doubles(counts_);
    writer->Field("sums");
    writer->Doubles(sums_);
    writer->Field("sum_squares");
    writer->Doubles(sum_squares_);
  }

  absl::Status Restore(StateReader* reader) override {
    RETURN_IF_ERROR(reader->Field("rounds"));
    ASSIGN_OR_RETURN(rounds_, reader->Int("rounds", 0, kMaxRounds));
    const size_t k = counts_.size();
    const double max_count = static_cast<double>(rounds_);
    RETURN_IF_ERROR(reader->Doubles("counts", k, 0, max_count, &counts_));
    RETURN_IF_ERROR(reader->Doubles("sums", k, 0, max_count, &sums_));
    RETURN_IF_ERROR(reader->Doubles("sum_squares", k, 0, max_count, &sum_squares_));
    double total = 0;
    for (double count : counts_) total += count;
    if (total != max_count) {
      return absl::InvalidArgumentError(
          "bandit state: counts: the arm counts do not add up to the rounds");
    }
    return CheckSumsWithinCounts(counts_, sums_, sum_squares_);
  }

 private:
  int64_t rounds_ = 0;
  std::vector<double> counts_;
  std::vector<double> sums_;
  std::vector<double> sum_squares_;
};

// Stored values are the true ones times growth_ = gamma^-(rounds since the last rescale).
class DiscountedStatistics : public RewardStatistics {
 public:
  DiscountedStatistics(int arm_count, double discount)
      : discount_(discount),
        counts_(arm_count, 0.0),
        sums_(arm_count, 0.0),
        sum_squares_(arm_count, 0.0) {}

  void Add(int arm, double value) override {
    ++rounds_;
    if (growth_ > kRescaleAbove) Rescale();
    growth_ /= discount_;  // the forgetting step for every arm at once
    counts_[arm] += growth_;
    sums_[arm] += growth_ * value;
    sum_squares_[arm] += growth_ * value * value;
    total_ += growth_;
  }

  RewardStatisticsView View() const override {
    const double scale = 1 / growth_;
    return {counts_, sums_, sum_squares_, scale, total_ * scale};
  }

  void Serialize(StateWriter* writer) const override {
    writer->Field("rounds");
    writer->Int(rounds_);
    writer->Field("growth");
    writer->Double(growth_);
    writer->Field("total");
    writer->Double(total_);
    writer->Field("counts");
    writer->Doubles(counts_);
    writer->Field("sums");
    writer->Doubles(sums_);
    writer->Field("sum_squares");
    writer->Doubles(sum_squares_);
  }

  absl::Status Restore(StateReader* reader) override {
    RETURN_IF_ERROR(reader->Field("rounds"));
    ASSIGN_OR_RETURN(rounds_, reader->Int("rounds", 0, kMaxRounds));
    RETURN_IF_ERROR(reader->Field("growth"));
    ASSIGN_OR_RETURN(growth_, reader->Double("growth", 1, kRescaleAbove / discount_));
    RETURN_IF_ERROR(reader->Field("total"));
    ASSIGN_OR_RETURN(total_, reader->Double("total", 0, kHuge));
    const size_t k = counts_.size();
    RETURN_IF_ERROR(reader->Doubles("counts", k, 0, kHuge, &counts_));
    RETURN_IF_ERROR(reader->Doubles("sums", k, 0, kHuge, &sums_));
    RETURN_IF_ERROR(reader->Doubles("sum_squares", k, 0, kHuge, &sum_squares_));
    return CheckSumsWithinCounts(counts_, sums_, sum_squares_);
  }

 private:
  static constexpr double kRescaleAbove = 1e200;

  void Rescale() {
    const double scale = 1 / growth_;
    for (size_t i = 0; i < counts_.size(); ++i) {
      counts_[i] *= scale;
      sums_[i] *= scale;
      sum_squares_[i] *= scale;
    }
    total_ *= scale;
    growth_ = 1;
  }

  double discount_;
  int64_t rounds_ = 0;
  double growth_ = 1;
  double total_ = 0;
  std::vector<double> counts_;
  std::vector<double> sums_;
  std::vector<double> sum_squares_;
};

class SlidingWindowStatistics : public RewardStatistics {
 public:
  SlidingWindowStatistics(int arm_count, int64_t window)
      : window_(window),
        refresh_every_(std::max<int64_t>(window, 1024)),
        counts_(arm_count, 0.0),
        sums_(arm_count, 0.0),
        sum_squares_(arm_count, 0.0) {}

  void Add(int arm, double value) override {
    ++rounds_;
    if (static_cast<int64_t>(arms_.size()) < window_) {
      arms_.push_back(arm);
      values_.push_back(value);
      AddToSums(arm, value, 1);
      return;
    }
    const int old_arm = arms_[head_];
    AddToSums(old_arm, values_[head_], -1);
    if (counts_[old_arm] == 0) {  // exact: no rounding residue on an empty arm
      sums_[old_arm] = 0;
      sum_squares_[old_arm] = 0;
    }
    arms_[head_] = arm;
    values_[head_] = value;
    head_ = (head_ + 1) % window_;
    if (++evictions_since_refresh_ >= refresh_every_) {
      RecomputeSums();
    } else {
      AddToSums(arm, value, 1);
    }
  }

  RewardStatisticsView View() const override {
    return {counts_, sums_, sum_squares_, 1.0, static_cast<double>(arms_.size())};
  }

  void Serialize(StateWriter* writer) const override {
    writer->Field("rounds");
    writer->Int(rounds_);
    writer->Field("head");
    writer->Int(head_);
    writer->Field("evictions_since_refresh");
    writer->Int(evictions_since_refresh_);
    writer->Field("window_arms");
    for (int arm : arms_) writer->Int(arm);
    writer->Field("window_rewards");
    writer->Doubles(values_);
    writer->Field("sums");
    writer->Doubles(sums_);
    writer->Field("sum_squares");
    writer->Doubles(sum_squares_);
  }

  absl::Status Restore(StateReader* reader) override {
    RETURN_IF_ERROR(reader->Field("rounds"));
    ASSIGN_OR_RETURN(rounds_, reader->Int("rounds", 0, kMaxRounds));
    const int64_t size = std::min(rounds_, window_);
    RETURN_IF_ERROR(reader->Field("head"));
    ASSIGN_OR_RETURN(head_, reader->Int("head", 0, size < window_ ? 0 : window_ - 1));
    RETURN_IF_ERROR(reader->Field("evictions_since_refresh"));
    ASSIGN_OR_RETURN(evictions_since_refresh_,
                     reader->Int("evictions_since_refresh", 0, refresh_every_ - 1));
    const int arm_count = static_cast<int>(counts_.size());
    std::vector<int64_t> arms;
    RETURN_IF_ERROR(reader->Ints("window_arms", size, 0, arm_count - 1, &arms));
    arms_.assign(arms.begin(), arms.end());
    RETURN_IF_ERROR(reader->Doubles("window_rewards", size, 0, 1, &values_));
    // Counts are integers: recount them; the sums carry rounding, so they are restored as written.
    std::fill(counts_.begin(), counts_.end(), 0.0);
    for (int arm : arms_) counts_[arm] += 1;
    const double bound = static_cast<double>(window_);
    RETURN_IF_ERROR(reader->Doubles("sums", arm_count, -1, bound, &sums_));
    RETURN_IF_ERROR(reader->Doubles("sum_squares", arm_count, -1, bound, &sum_squares_));
    return CheckSumsWithinCounts(counts_, sums_, sum_squares_);
  }

 private:
  void AddToSums(int arm, double value, double sign) {
    counts_[arm] += sign;
    sums_[arm] += sign * value;
    sum_squares_[arm] += sign * value * value;
  }

  void RecomputeSums() {
    std::fill(counts_.begin(), counts_.end(), 0.0);
    std::fill(sums_.begin(), sums_.end(), 0.0);
    std::fill(sum_squares_.begin(), sum_squares_.end(), 0.0);
    for (size_t j = 0; j < arms_.size(); ++j) AddToSums(arms_[j], values_[j], 1);
    evictions_since_refresh_ = 0;
  }

  int64_t window_;
  int64_t refresh_every_;
  int64_t rounds_ = 0;
  // Ring buffer of the last min(rounds, window) rounds; once full, head_ is the oldest entry.
  std::vector<int> arms_;
  std::vector<double> values_;
  int64_t head_ = 0;
  int64_t evictions_since_refresh_ = 0;
  std::vector<double> counts_;
  std::vector<double> sums_;
  std::vector<double> sum_squares_;
};

}  // namespace

std::unique_ptr<RewardStatistics> MakeRewardStatistics(int arm_count, DriftKind kind,
                                                       double discount, int64_t window) {
  switch (kind) {
    case DriftKind::kDiscounted:
      return std::make_unique<DiscountedStatistics>(arm_count, discount);
    case DriftKind::kSlidingWindow:
      return std::make_unique<SlidingWindowStatistics>(arm_count, window);
    case DriftKind::kNone:
      break;
  }
  return std::make_unique<PlainStatistics>(arm_count);
}

}  // namespace hyperd::algorithms
