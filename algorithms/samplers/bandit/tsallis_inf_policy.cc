#include "algorithms/samplers/bandit/tsallis_inf_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/bandit/bandit_random.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"
#include "algorithms/samplers/bandit/policy_support.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr int kMaxNewtonSteps = 50;
constexpr double kNewtonTolerance = 1e-12;
constexpr double kMaxLoss = 1e300;

}  // namespace

TsallisInfPolicy::TsallisInfPolicy(const TsallisInfSettings& settings, int arm_count)
    : arm_count_(arm_count),
      settings_(settings),
      signature_(absl::StrCat("tsallis_inf arms=", arm_count,
                              " learning_rate=", EncodeStateDouble(settings.learning_rate))),
      cumulative_losses_(arm_count, 0.0),
      tally_(arm_count) {}

std::vector<double> TsallisInfPolicy::Probabilities() const {
  const double round = static_cast<double>(tally_.rewards() + 1);
  const double eta = settings_.learning_rate / std::sqrt(round);
  const double min_loss = *std::min_element(cumulative_losses_.begin(), cumulative_losses_.end());
  // With gaps g_i = L_i - min L and y = min L - x: f(y) = sum 4/(eta (g_i + y))^2 - 1 is convex and
  // decreasing, f(2/eta) >= 0, so Newton steps y += f / (sum 2 p_i / (g_i + y)) rise to the root.
  const double four_over_eta_squared = 4 / (eta * eta);
  double y = 2 / eta;
  std::vector<double> p(arm_count_);
  for (int step = 0; step < kMaxNewtonSteps; ++step) {
    double f = -1;
    double slope = 0;
    for (int i = 0; i < arm_count_; ++i) {
      const double distance = cumulative_losses_[i] - min_loss + y;
      const double weight = four_over_eta_squared / (distance * distance);
      f += weight;
      slope += 2 * weight / distance;
    }
    const double dy = f / slope;
    y += dy;
    if (std::abs(dy) < kNewtonTolerance * std::max(1.0, y)) break;
  }
  double total = 0;
  for (int i = 0; i < arm_count_; ++i) {
    const double distance = cumulative_losses_[i] - min_loss + y;
    p[i] = four_over_eta_squared / (distance * distance);
    total += p[i];
  }
  for (double& pi : p) pi /= total;
  return p;
}

absl::StatusOr<BanditDecision> TsallisInfPolicy::Select(absl::Span<const int64_t> pending,
                                                        absl::Span<const double> /*context*/,
                                                        uint64_t decision_seed) const {
  int64_t total_pending = 0;
  RETURN_IF_ERROR(CheckPending(pending, arm_count_, &total_pending));
  const std::vector<double> p = Probabilities();
  BanditRandom random(decision_seed);
  const int arm = SampleIndex(p, random.Uniform());
  return BanditDecision{arm, p[arm]};
}

absl::Status TsallisInfPolicy::Update(int arm, double reward, double probability,
                                      absl::Span<const double> /*context*/,
                                      uint64_t /*decision_seed*/) {
  RETURN_IF_ERROR(CheckFeedback(arm, reward, probability, arm_count_));
  const double loss = (1 - reward) / probability;
  if (!(cumulative_losses_[arm] + loss <= kMaxLoss)) {
    return absl::InvalidArgumentError(
        absl::StrCat("probability: ", probability, " makes the importance-weighted loss of arm ",
                     arm, " overflow; pass the BanditDecision's probability"));
  }
  cumulative_losses_[arm] += loss;
  tally_.Record(arm, reward);
  return absl::OkStatus();
}

std::vector<ArmSummary> TsallisInfPolicy::Summary() const {
  const std::vector<double> probabilities = Probabilities();
  return tally_.Summaries(&probabilities);
}

std::string TsallisInfPolicy::SerializeState() const {
  StateWriter writer;
  WriteStateHeader(signature_, &writer);
  tally_.Write(&writer);
  writer.Field("cumulative_losses");
  writer.Doubles(cumulative_losses_);
  return std::move(writer).Finish();
}

absl::Status TsallisInfPolicy::RestoreState(absl::string_view state) {
  StateReader reader(state);
  RETURN_IF_ERROR(ReadStateHeader(signature_, &reader));
  ASSIGN_OR_RETURN(ArmTally tally, ArmTally::Read(&reader, arm_count_));
  std::vector<double> losses;
  RETURN_IF_ERROR(reader.Doubles("cumulative_losses", arm_count_, 0, kMaxLoss, &losses));
  RETURN_IF_ERROR(reader.Finish());
  tally_ = std::move(tally);
  cumulative_losses_ = std::move(losses);
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
