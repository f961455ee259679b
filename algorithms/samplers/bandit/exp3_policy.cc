#include "algorithms/samplers/bandit/exp3_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/bandit/bandit_random.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"
#include "algorithms/samplers/bandit/policy_support.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr double kE = 2.718281828459045;
constexpr double kRenormaliseAbove = 1e250;
// Discounted EXP3 rescales its log weights when the growth factor passes this (as D-UCB's
// statistics do), so neither it nor the stored log weights can overflow.
constexpr double kRescaleGrowthAbove = 1e200;
constexpr double kMaxLogWeight = 1e300;

bool IsDiscounted(const Exp3Settings& settings) {
  return settings.drift.kind == DriftKind::kDiscounted;
}

// The configuration line of the state. Plain EXP3 and EXP3.S keep the line they had before
// discounting existed, so their stored states stay readable.
std::string Signature(const Exp3Settings& settings, int arm_count, double share, double discount) {
  std::string signature =
      absl::StrCat("exp3 arms=", arm_count, " gamma=", EncodeStateDouble(settings.gamma),
                   " horizon=", settings.horizon, " share=", EncodeStateDouble(share),
                   " switches=", settings.switches);
  if (IsDiscounted(settings)) {
    absl::StrAppend(&signature, " drift=discounted discount=", EncodeStateDouble(discount));
  }
  return signature;
}

}  // namespace

Exp3Policy::Exp3Policy(const Exp3Settings& settings, int arm_count)
    : arm_count_(arm_count),
      settings_(settings),
      share_(settings.share > 0      ? settings.share
             : settings.switches > 0 ? 1.0 / static_cast<double>(settings.horizon)
                                     : 0.0),
      doubling_(settings.gamma == 0 && settings.horizon == 0 && !IsDiscounted(settings)),
      discount_(IsDiscounted(settings) ? ResolvedDiscount(settings.drift) : 0),
      signature_(Signature(settings, arm_count, share_, discount_)),
      tally_(arm_count) {
  if (discount_ > 0) {
    discounted_ = MakeRewardStatistics(arm_count, DriftKind::kDiscounted, discount_, 0);
  }
  ResetWeights();
}

int Exp3Policy::EpochOf(int64_t rewards_applied) {
  int epoch = 0;
  while ((int64_t{1} << epoch) < rewards_applied + 1) ++epoch;
  return epoch;
}

void Exp3Policy::ResetWeights() {
  if (share_ > 0) {
    share_weights_.assign(arm_count_, 1.0);
    share_offset_ = 0;
    share_total_ = arm_count_;
  } else {
    log_weights_.assign(arm_count_, 0.0);
    weight_growth_ = 1;
  }
}

double Exp3Policy::gamma() const {
  if (settings_.gamma > 0) return settings_.gamma;
  const double k = arm_count_;
  if (settings_.switches > 0) {
    // EXP3.S: gamma = min(1, sqrt(K (S ln(K T) + e) / ((e - 1) T))).
    const double t = static_cast<double>(settings_.horizon);
    const double s = static_cast<double>(settings_.switches);
    return std::min(1.0, std::sqrt(k * (s * std::log(k * t) + kE) / ((kE - 1) * t)));
  }
  // gamma = min(1, sqrt(K ln K / ((e - 1) g))), g = T or 2^epoch, or for discounted EXP3 the
  // memory length 1/(1 - gamma_d), at most T.
  double g = doubling_ ? std::ldexp(1.0, epoch_) : static_cast<double>(settings_.horizon);
  if (discount_ > 0) {
    const int64_t horizon =
        settings_.horizon > 0 ? settings_.horizon : settings_.drift.horizon;  // 0 = unknown
    g = 1 / (1 - discount_);
    if (horizon > 0) g = std::min(g, static_cast<double>(horizon));
  }
  return std::min(1.0, std::sqrt(k * std::log(k) / ((kE - 1) * g)));
}

std::vector<double> Exp3Policy::Probabilities() const {
  std::vector<double> p(arm_count_);
  double total = 0;
  if (share_ > 0) {
    for (int i = 0; i < arm_count_; ++i) {
      p[i] = share_weights_[i] + share_offset_;
      total += p[i];
    }
  } else if (discount_ > 0) {
    const double max_log = *std::max_element(log_weights_.begin(), log_weights_.end());
    for (int i = 0; i < arm_count_; ++i) {
      p[i] = std::exp((log_weights_[i] - max_log) / weight_growth_);
      total += p[i];
    }
  } else {
    const double max_log = *std::max_element(log_weights_.begin(), log_weights_.end());
    for (int i = 0; i < arm_count_; ++i) {
      p[i] = std::exp(log_weights_[i] - max_log);
      total += p[i];
    }
  }
  const double g = gamma();
  const double uniform = g / arm_count_;
  const double scale = (1 - g) / total;
  for (double& pi : p) pi = pi * scale + uniform;
  return p;
}

absl::StatusOr<BanditDecision> Exp3Policy::Select(absl::Span<const int64_t> pending,
                                                  absl::Span<const double> /*context*/,
                                                  uint64_t decision_seed) const {
  int64_t total_pending = 0;
  RETURN_IF_ERROR(CheckPending(pending, arm_count_, &total_pending));
  const std::vector<double> p = Probabilities();
  BanditRandom random(decision_seed);
  const int arm = SampleIndex(p, random.Uniform());
  return BanditDecision{arm, p[arm]};
}

absl::Status Exp3Policy::Update(int arm, double reward, double probability,
                                absl::Span<const double> /*context*/, uint64_t /*decision_seed*/) {
  RETURN_IF_ERROR(CheckFeedback(arm, reward, probability, arm_count_));
  const int next_epoch = doubling_ ? EpochOf(tally_.rewards() + 1) : 0;
  // gamma only shrinks, so every probability Select gave is >= gamma / K of the weights updated.
  const int saved_epoch = epoch_;
  epoch_ = next_epoch;
  const double g = gamma();
  if (probability < g / arm_count_ * (1 - 1e-12)) {
    epoch_ = saved_epoch;
    return absl::InvalidArgumentError(absl::StrCat(
        "probability: ", probability, " is below gamma/K = ", g / arm_count_,
        ", the smallest probability EXP3 assigns; pass the BanditDecision's probability"));
  }
  if (next_epoch != saved_epoch) ResetWeights();
  const double step = g * (reward / probability) / arm_count_;  // <= 1
  if (share_ > 0) {
    const double share = kE * share_ / arm_count_ * share_total_;
    const double weight = share_weights_[arm] + share_offset_;
    const double grown = weight * std::exp(step);
    share_weights_[arm] = grown - share_offset_;
    share_offset_ += share;
    share_total_ += grown - weight + arm_count_ * share;
    if (share_total_ > kRenormaliseAbove) {
      const double scale = 1 / share_total_;
      share_offset_ *= scale;
      share_total_ = 0;
      for (double& v : share_weights_) {
        v *= scale;
        share_total_ += v + share_offset_;
      }
    }
  } else if (discount_ > 0) {
    if (weight_growth_ > kRescaleGrowthAbove) {
      const double scale = 1 / weight_growth_;
      for (double& v : log_weights_) v *= scale;
      weight_growth_ = 1;
    }
    weight_growth_ /= discount_;  // log w_i <- gamma_d log w_i for every arm at once
    log_weights_[arm] += weight_growth_ * step;
    discounted_->Add(arm, reward);
  } else {
    log_weights_[arm] += step;
  }
  tally_.Record(arm, reward);
  return absl::OkStatus();
}

std::vector<ArmSummary> Exp3Policy::Summary() const {
  const std::vector<double> probabilities = Probabilities();
  std::vector<ArmSummary> summaries = tally_.Summaries(&probabilities);
  if (discounted_ == nullptr) return summaries;
  // Discounted EXP3 reports what it remembers, as D-UCB does: the discounted counts and means.
  const RewardStatisticsView view = discounted_->View();
  for (int i = 0; i < arm_count_; ++i) {
    summaries[i] = HoeffdingSummary(summaries[i].pulls, view.counts[i] * view.scale,
                                    view.sums[i] * view.scale);
    summaries[i].selection_probability = probabilities[i];
  }
  return summaries;
}

std::string Exp3Policy::SerializeState() const {
  StateWriter writer;
  WriteStateHeader(signature_, &writer);
  tally_.Write(&writer);
  writer.Field("epoch");
  writer.Int(epoch_);
  if (share_ > 0) {
    writer.Field("share_offset");
    writer.Double(share_offset_);
    writer.Field("share_total");
    writer.Double(share_total_);
    writer.Field("share_weights");
    writer.Doubles(share_weights_);
  } else {
    if (discount_ > 0) {
      writer.Field("weight_growth");
      writer.Double(weight_growth_);
    }
    writer.Field("log_weights");
    writer.Doubles(log_weights_);
  }
  if (discounted_ != nullptr) discounted_->Serialize(&writer);
  return std::move(writer).Finish();
}

absl::Status Exp3Policy::RestoreState(absl::string_view state) {
  StateReader reader(state);
  RETURN_IF_ERROR(ReadStateHeader(signature_, &reader));
  ASSIGN_OR_RETURN(ArmTally tally, ArmTally::Read(&reader, arm_count_));
  RETURN_IF_ERROR(reader.Field("epoch"));
  const int expected_epoch = doubling_ ? EpochOf(tally.rewards()) : 0;
  ASSIGN_OR_RETURN(const int64_t epoch, reader.Int("epoch", expected_epoch, expected_epoch));
  double offset = 0;
  double total = 0;
  double growth = 1;
  std::vector<double> weights;
  std::unique_ptr<RewardStatistics> discounted;
  if (share_ > 0) {
    RETURN_IF_ERROR(reader.Field("share_offset"));
    ASSIGN_OR_RETURN(offset, reader.Double("share_offset", 0, kRenormaliseAbove));
    RETURN_IF_ERROR(reader.Field("share_total"));
    ASSIGN_OR_RETURN(total, reader.Double("share_total", 1e-300, kRenormaliseAbove));
    RETURN_IF_ERROR(reader.Doubles("share_weights", arm_count_, 0, kRenormaliseAbove, &weights));
  } else if (discount_ > 0) {
    RETURN_IF_ERROR(reader.Field("weight_growth"));
    ASSIGN_OR_RETURN(growth, reader.Double("weight_growth", 1, kRescaleGrowthAbove / discount_));
    // Rewards are >= 0, so the discounted gains are too.
    RETURN_IF_ERROR(reader.Doubles("log_weights", arm_count_, 0, kMaxLogWeight, &weights));
    discounted = MakeRewardStatistics(arm_count_, DriftKind::kDiscounted, discount_, 0);
    RETURN_IF_ERROR(discounted->Restore(&reader));
  } else {
    RETURN_IF_ERROR(
        reader.Doubles("log_weights", arm_count_, -kMaxLogWeight, kMaxLogWeight, &weights));
  }
  RETURN_IF_ERROR(reader.Finish());
  tally_ = std::move(tally);
  epoch_ = static_cast<int>(epoch);
  if (share_ > 0) {
    share_offset_ = offset;
    share_total_ = total;
    share_weights_ = std::move(weights);
  } else {
    log_weights_ = std::move(weights);
    weight_growth_ = growth;
    if (discounted != nullptr) discounted_ = std::move(discounted);
  }
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
