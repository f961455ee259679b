#include "algorithms/samplers/bandit/thompson_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/bandit/bandit_random.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"
#include "algorithms/samplers/bandit/policy_support.h"
#include "algorithms/samplers/random_bits.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

// The stream of the Bernoulli-trick coin, apart from the decision's own draws.
constexpr uint64_t kCoinStream = 0xc0171;
constexpr double kMinSpread = 1e-9;
constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max() / 2;

absl::string_view PriorName(ThompsonPrior prior) {
  switch (prior) {
    case ThompsonPrior::kGaussian:
      return "gaussian";
    case ThompsonPrior::kNormalGamma:
      return "normal_gamma";
    case ThompsonPrior::kBeta:
      break;
  }
  return "beta";
}

ArmSummary PosteriorSummary(int64_t pulls, double effective_pulls, double mean, double sd) {
  ArmSummary summary;
  summary.pulls = pulls;
  summary.effective_pulls = effective_pulls;
  summary.mean_reward = mean;
  summary.lower_bound = ClampUnit(mean - 2 * sd);
  summary.upper_bound = ClampUnit(mean + 2 * sd);
  return summary;
}

}  // namespace

void ThompsonPolicy::Moments::Add(double x) {
  ++count;
  const double delta = x - mean;
  mean += delta / static_cast<double>(count);
  scatter += delta * (x - mean);
}

ThompsonPolicy::ThompsonPolicy(const ThompsonSettings& settings, int arm_count)
    : arm_count_(arm_count),
      settings_(settings),
      discount_(settings.drift.kind == DriftKind::kDiscounted ? ResolvedDiscount(settings.drift)
                                                              : 0),
      signature_(absl::StrCat("thompson arms=", arm_count, " prior=", PriorName(settings.prior),
                              " prior_alpha=", EncodeStateDouble(settings.prior_alpha),
                              " prior_beta=", EncodeStateDouble(settings.prior_beta),
                              " variance=", EncodeStateDouble(settings.variance),
                              " discount=", EncodeStateDouble(discount_))),
      statistics_(MakeRewardStatistics(arm_count, settings.drift.kind, discount_, 0)),
      arm_moments_(settings.prior == ThompsonPrior::kNormalGamma ? arm_count : 0),
      pulls_(arm_count, 0) {}

void ThompsonPolicy::Standardisation(double* center, double* spread) const {
  *center = pooled_moments_.mean;
  *spread = 1;
  if (pooled_moments_.count >= 2) {
    const double sd =
        std::sqrt(pooled_moments_.scatter / static_cast<double>(pooled_moments_.count));
    if (sd > kMinSpread) *spread = sd;
  }
}

ThompsonPolicy::NormalGammaPosterior ThompsonPolicy::PosteriorOf(const Moments& arm, double center,
                                                                 double spread) const {
  // Prior (mu0, kappa0, a0, b0) = (0, 1, 1, 1) on x' = (x - center) / spread (§2).
  const double n = static_cast<double>(arm.count);
  const double mean = (arm.mean - center) / spread;
  const double scatter = arm.scatter / (spread * spread);
  NormalGammaPosterior posterior;
  posterior.kappa = 1 + n;
  posterior.mu = n * mean / posterior.kappa;
  posterior.a = 1 + n / 2;
  posterior.b = 1 + scatter / 2 + n * mean * mean / (2 * posterior.kappa);
  return posterior;
}

absl::StatusOr<BanditDecision> ThompsonPolicy::Select(absl::Span<const int64_t> pending,
                                                      absl::Span<const double> /*context*/,
                                                      uint64_t decision_seed) const {
  int64_t total_pending = 0;
  RETURN_IF_ERROR(CheckPending(pending, arm_count_, &total_pending));
  BanditRandom random(decision_seed);
  int best = 0;
  double best_theta = -std::numeric_limits<double>::infinity();
  const RewardStatisticsView view = statistics_->View();
  double center = 0;
  double spread = 1;
  if (settings_.prior == ThompsonPrior::kNormalGamma) Standardisation(&center, &spread);
  for (int i = 0; i < arm_count_; ++i) {
    double theta = 0;
    switch (settings_.prior) {
      case ThompsonPrior::kBeta: {
        const double successes = view.sums[i] * view.scale;
        const double failures = std::max(0.0, (view.counts[i] - view.sums[i]) * view.scale);
        theta = random.Beta(settings_.prior_alpha + successes, settings_.prior_beta + failures);
        break;
      }
      case ThompsonPrior::kGaussian: {
        const double n_plus_one = view.counts[i] + 1;
        theta = view.sums[i] / n_plus_one +
                std::sqrt(settings_.variance / n_plus_one) * random.StandardNormal();
        break;
      }
      case ThompsonPrior::kNormalGamma: {
        const NormalGammaPosterior p = PosteriorOf(arm_moments_[i], center, spread);
        const double tau = random.Gamma(p.a) / p.b;
        theta = p.mu + random.StandardNormal() / std::sqrt(p.kappa * tau);
        break;
      }
    }
    if (theta > best_theta) {
      best_theta = theta;
      best = i;
    }
  }
  return BanditDecision{best, 1};
}

absl::Status ThompsonPolicy::Update(int arm, double reward, double probability,
                                    absl::Span<const double> /*context*/, uint64_t decision_seed) {
  RETURN_IF_ERROR(CheckFeedback(arm, reward, probability, arm_count_));
  switch (settings_.prior) {
    case ThompsonPrior::kBeta: {
      BanditRandom coin(MixSeed(decision_seed, kCoinStream));
      statistics_->Add(arm, coin.Bernoulli(reward));
      break;
    }
    case ThompsonPrior::kGaussian:
      statistics_->Add(arm, reward);
      break;
    case ThompsonPrior::kNormalGamma:
      arm_moments_[arm].Add(reward);
      pooled_moments_.Add(reward);
      break;
  }
  ++pulls_[arm];
  ++rewards_applied_;
  return absl::OkStatus();
}

std::vector<ArmSummary> ThompsonPolicy::Summary() const {
  std::vector<ArmSummary> summaries;
  summaries.reserve(arm_count_);
  const RewardStatisticsView view = statistics_->View();
  double center = 0;
  double spread = 1;
  Standardisation(&center, &spread);
  for (int i = 0; i < arm_count_; ++i) {
    switch (settings_.prior) {
      case ThompsonPrior::kBeta: {
        const double a = settings_.prior_alpha + view.sums[i] * view.scale;
        const double b =
            settings_.prior_beta + std::max(0.0, (view.counts[i] - view.sums[i]) * view.scale);
        const double sd = std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
        summaries.push_back(
            PosteriorSummary(pulls_[i], view.counts[i] * view.scale, a / (a + b), sd));
        break;
      }
      case ThompsonPrior::kGaussian: {
        const double n_plus_one = view.counts[i] + 1;
        summaries.push_back(PosteriorSummary(pulls_[i], view.counts[i], view.sums[i] / n_plus_one,
                                             std::sqrt(settings_.variance / n_plus_one)));
        break;
      }
      case ThompsonPrior::kNormalGamma: {
        const NormalGammaPosterior p = PosteriorOf(arm_moments_[i], center, spread);
        // The marginal of theta is Student-t with scale sqrt(b / (a kappa)).
        summaries.push_back(PosteriorSummary(pulls_[i], static_cast<double>(arm_moments_[i].count),
                                             center + spread * p.mu,
                                             spread * std::sqrt(p.b / (p.a * p.kappa))));
        break;
      }
    }
  }
  return summaries;
}

std::string ThompsonPolicy::SerializeState() const {
  StateWriter writer;
  WriteStateHeader(signature_, &writer);
  writer.Field("pulls");
  writer.Ints(pulls_);
  if (settings_.prior != ThompsonPrior::kNormalGamma) {
    statistics_->Serialize(&writer);
    return std::move(writer).Finish();
  }
  std::vector<int64_t> counts;
  std::vector<double> means;
  std::vector<double> scatters;
  for (const Moments& m : arm_moments_) {
    counts.push_back(m.count);
    means.push_back(m.mean);
    scatters.push_back(m.scatter);
  }
  writer.Field("arm_counts");
  writer.Ints(counts);
  writer.Field("arm_means");
  writer.Doubles(means);
  writer.Field("arm_scatters");
  writer.Doubles(scatters);
  writer.Field("pooled");
  writer.Int(pooled_moments_.count);
  writer.Double(pooled_moments_.mean);
  writer.Double(pooled_moments_.scatter);
  return std::move(writer).Finish();
}

absl::Status ThompsonPolicy::RestoreState(absl::string_view state) {
  StateReader reader(state);
  RETURN_IF_ERROR(ReadStateHeader(signature_, &reader));
  std::vector<int64_t> pulls;
  RETURN_IF_ERROR(reader.Ints("pulls", arm_count_, 0, kMaxCount, &pulls));
  int64_t rewards = 0;
  for (int64_t p : pulls) rewards += p;
  std::unique_ptr<RewardStatistics> statistics =
      MakeRewardStatistics(arm_count_, settings_.drift.kind, discount_, 0);
  std::vector<Moments> arm_moments(arm_moments_.size());
  Moments pooled;
  if (settings_.prior != ThompsonPrior::kNormalGamma) {
    RETURN_IF_ERROR(statistics->Restore(&reader));
  } else {
    std::vector<int64_t> counts;
    std::vector<double> means;
    std::vector<double> scatters;
    RETURN_IF_ERROR(reader.Ints("arm_counts", arm_count_, 0, kMaxCount, &counts));
    RETURN_IF_ERROR(reader.Doubles("arm_means", arm_count_, -1, 2, &means));
    RETURN_IF_ERROR(reader.Doubles("arm_scatters", arm_count_, 0, 1e300, &scatters));
    for (int i = 0; i < arm_count_; ++i) {
      if (counts[i] != pulls[i]) {
        return absl::InvalidArgumentError(
            "bandit state: arm_counts: differ from the pulls; the state is corrupt");
      }
      arm_moments[i] = {counts[i], means[i], scatters[i]};
    }
    RETURN_IF_ERROR(reader.Field("pooled"));
    ASSIGN_OR_RETURN(pooled.count, reader.Int("pooled", rewards, rewards));
    ASSIGN_OR_RETURN(pooled.mean, reader.Double("pooled", -1, 2));
    ASSIGN_OR_RETURN(pooled.scatter, reader.Double("pooled", 0, 1e300));
  }
  RETURN_IF_ERROR(reader.Finish());
  pulls_ = std::move(pulls);
  rewards_applied_ = rewards;
  statistics_ = std::move(statistics);
  arm_moments_ = std::move(arm_moments);
  pooled_moments_ = pooled;
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
