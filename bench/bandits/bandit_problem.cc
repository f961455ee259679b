#include "bench/bandits/bandit_problem.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "algorithms/samplers/random_bits.h"

namespace hyperd::bench {
namespace {

using algorithms::MixSeed;
using algorithms::UnitDoubleFromBits;

// Stream ids of the counter-based draws, so rewards and contexts never share a draw.
constexpr uint64_t kRewardStream = 0x100;
constexpr uint64_t kContextStream = 0x200;

// Stationary arms with fixed means and Bernoulli rewards (S1, S2).
class StationaryBernoulli : public BanditProblem {
 public:
  StationaryBernoulli(std::string name, std::string description, std::vector<double> means)
      : BanditProblem(std::move(name), std::move(description), ProblemKind::kStationary,
                      static_cast<int>(means.size()), RegretBaseline::kBestArmEachRound),
        means_(std::move(means)) {}

  void MakeRound(int64_t, uint64_t, BanditRound* round) const override {
    round->context.clear();
    round->means = means_;
  }

 private:
  std::vector<double> means_;
};

// Gaussian rewards N(location_i, sigma^2) clipped to [0, 1]; the regret uses the exact means of
// the clipped rewards.
class StationaryClippedGaussian : public BanditProblem {
 public:
  StationaryClippedGaussian(std::string name, std::string description,
                            std::vector<double> locations, double sigma)
      : BanditProblem(std::move(name), std::move(description), ProblemKind::kStationary,
                      static_cast<int>(locations.size()), RegretBaseline::kBestArmEachRound),
        locations_(std::move(locations)),
        sigma_(sigma) {
    for (double location : locations_) means_.push_back(ClippedNormalMean(location, sigma_));
  }

  void MakeRound(int64_t, uint64_t, BanditRound* round) const override {
    round->context.clear();
    round->means = means_;
  }

  // Box-Muller from two counter-based uniforms.
  double Reward(int64_t t, uint64_t seed, int arm, const BanditRound&) const override {
    const double u1 = 1.0 - Uniform(seed, t, kRewardStream + 2 * static_cast<uint64_t>(arm));
    const double u2 = Uniform(seed, t, kRewardStream + 2 * static_cast<uint64_t>(arm) + 1);
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    return std::clamp(locations_[arm] + sigma_ * z, 0.0, 1.0);
  }

  bool bernoulli_rewards() const override { return false; }

 private:
  std::vector<double> locations_;
  double sigma_;
  std::vector<double> means_;
};

// Piecewise-constant Bernoulli means: phase p holds from round starts[p] (0-based) on.
class PiecewiseBernoulli : public BanditProblem {
 public:
  PiecewiseBernoulli(std::string name, std::string description, std::vector<int64_t> starts,
                     std::vector<std::vector<double>> phase_means)
      : BanditProblem(std::move(name), std::move(description), ProblemKind::kSwitching,
                      static_cast<int>(phase_means.front().size()),
                      RegretBaseline::kBestArmEachRound),
        starts_(std::move(starts)),
        phase_means_(std::move(phase_means)) {}

  int64_t SegmentsWithin(int64_t horizon) const override {
    int64_t segments = 0;
    for (int64_t start : starts_) segments += start < horizon ? 1 : 0;
    return segments;
  }

  void MakeRound(int64_t t, uint64_t, BanditRound* round) const override {
    size_t phase = 0;
    while (phase + 1 < starts_.size() && starts_[phase + 1] <= t) ++phase;
    round->context.clear();
    round->means = phase_means_[phase];
  }

 private:
  std::vector<int64_t> starts_;
  std::vector<std::vector<double>> phase_means_;
};

// Smoothly drifting Bernoulli means: mu_i(t) = 0.5 + amplitude sin(2 pi (t / period + i / K)).
class SinusoidalDrift : public BanditProblem {
 public:
  SinusoidalDrift(std::string name, std::string description, int arm_count, double amplitude,
                  double period)
      : BanditProblem(std::move(name), std::move(description), ProblemKind::kDrifting, arm_count,
                      RegretBaseline::kBestArmEachRound),
        amplitude_(amplitude),
        period_(period) {}

  int64_t SegmentsWithin(int64_t) const override { return 0; }

  void MakeRound(int64_t t, uint64_t, BanditRound* round) const override {
    round->context.clear();
    round->means.resize(arm_count());
    for (int i = 0; i < arm_count(); ++i) {
      const double phase = static_cast<double>(t) / period_ + static_cast<double>(i) / arm_count();
      round->means[i] = 0.5 + amplitude_ * std::sin(2.0 * M_PI * phase);
    }
  }

 private:
  double amplitude_;
  double period_;
};

// An oblivious adversary against deterministic index policies: the rewards alternate so that a
// policy which starts with arm 0, then arm 1, and breaks ties toward the lower index is always
// half a period out of phase (it sees only zeros and keeps alternating), while the best fixed
// arm earns 1/2 per round. Rewards are deterministic, so means == rewards.
class AlternatingAdversary : public BanditProblem {
 public:
  AlternatingAdversary(std::string name, std::string description)
      : BanditProblem(std::move(name), std::move(description), ProblemKind::kAdversarial, 2,
                      RegretBaseline::kBestFixedArm) {}

  void MakeRound(int64_t t, uint64_t, BanditRound* round) const override {
    const bool odd_round = t % 2 == 0;  // round t + 1, counted from 1
    round->context.clear();
    round->means = {odd_round ? 0.0 : 0.9, odd_round ? 1.0 : 0.0};
  }

  double Reward(int64_t, uint64_t, int arm, const BanditRound& round) const override {
    return round.means[arm];
  }

  bool bernoulli_rewards() const override { return false; }
};

// Disjoint linear contextual problem: context x = [1, z], z uniform in [-1, 1]^m, arm a's mean
// theta_a^T x, Bernoulli rewards.
class LinearContextual : public BanditProblem {
 public:
  LinearContextual(std::string name, std::string description,
                   std::vector<std::vector<double>> thetas)
      : BanditProblem(std::move(name), std::move(description), ProblemKind::kContextual,
                      static_cast<int>(thetas.size()), RegretBaseline::kBestArmEachRound),
        thetas_(std::move(thetas)) {}

  int context_dimension() const override { return static_cast<int>(thetas_.front().size()); }

  void MakeRound(int64_t t, uint64_t seed, BanditRound* round) const override {
    const int d = context_dimension();
    round->context.resize(d);
    round->context[0] = 1.0;
    for (int j = 1; j < d; ++j) {
      round->context[j] = 2.0 * Uniform(seed, t, kContextStream + static_cast<uint64_t>(j)) - 1.0;
    }
    round->means.resize(arm_count());
    for (int a = 0; a < arm_count(); ++a) {
      double mean = 0;
      for (int j = 0; j < d; ++j) mean += thetas_[a][j] * round->context[j];
      round->means[a] = mean;
    }
  }

 private:
  std::vector<std::vector<double>> thetas_;
};

}  // namespace

int64_t BanditProblem::SegmentsWithin(int64_t horizon) const { return horizon > 0 ? 1 : 0; }

double BanditProblem::Reward(int64_t t, uint64_t seed, int arm, const BanditRound& round) const {
  return Uniform(seed, t, kRewardStream + static_cast<uint64_t>(arm)) < round.means[arm] ? 1.0
                                                                                         : 0.0;
}

double BanditProblem::Uniform(uint64_t seed, int64_t t, uint64_t stream) {
  return UnitDoubleFromBits(MixSeed(MixSeed(seed, static_cast<uint64_t>(t)), stream));
}

double ClippedNormalMean(double location, double sigma) {
  // E[clip(X, 0, 1)] = E[max(X, 0)] - E[max(X - 1, 0)], E[max(X - a, 0)] = m Phi(m/s) + s phi(m/s)
  // with m = location - a.
  const auto excess = [sigma](double m) {
    const double z = m / sigma;
    const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
    return m * cdf + sigma * pdf;
  };
  return excess(location) - excess(location - 1.0);
}

std::vector<std::string> BanditProblemNames() {
  return {"bernoulli2", "bernoulli10", "gaussian5",    "switch2",
          "rotate3",    "drift3",      "adversarial2", "linear5"};
}

absl::StatusOr<std::unique_ptr<BanditProblem>> MakeBanditProblem(absl::string_view name) {
  if (name == "bernoulli2") {
    return std::make_unique<StationaryBernoulli>("bernoulli2",
                                                 "S1 (spec 7.1): K = 2 Bernoulli, mu = (0.9, 0.8)",
                                                 std::vector<double>{0.9, 0.8});
  }
  if (name == "bernoulli10") {
    std::vector<double> means(10, 0.5);
    means.back() = 0.6;
    return std::make_unique<StationaryBernoulli>(
        "bernoulli10", "S2 (spec 7.1): K = 10 Bernoulli, nine arms at 0.5, the last at 0.6",
        std::move(means));
  }
  if (name == "gaussian5") {
    return std::make_unique<StationaryClippedGaussian>(
        "gaussian5",
        "K = 5 Gaussian N(0.40, 0.45, 0.50, 0.55, 0.60; sd 0.2) clipped to [0, 1], best last",
        std::vector<double>{0.40, 0.45, 0.50, 0.55, 0.60}, 0.2);
  }
  if (name == "switch2") {
    return std::make_unique<PiecewiseBernoulli>(
        "switch2", "S4 (spec 7.2): K = 2, mu = (0.7, 0.5) for rounds 1-5000, then (0.3, 0.5)",
        std::vector<int64_t>{0, 5000}, std::vector<std::vector<double>>{{0.7, 0.5}, {0.3, 0.5}});
  }
  if (name == "rotate3") {
    return std::make_unique<PiecewiseBernoulli>(
        "rotate3", "S3 (spec 7.2): K = 3, means (0.9, 0.5, 0.1) rotate every 2500 rounds, 4 phases",
        std::vector<int64_t>{0, 2500, 5000, 7500},
        std::vector<std::vector<double>>{
            {0.9, 0.5, 0.1}, {0.1, 0.9, 0.5}, {0.5, 0.1, 0.9}, {0.9, 0.5, 0.1}});
  }
  if (name == "drift3") {
    return std::make_unique<SinusoidalDrift>(
        "drift3", "K = 3 Bernoulli, mu_i(t) = 0.5 + 0.3 sin(2 pi (t/5000 + i/3)): smooth drift", 3,
        0.3, 5000.0);
  }
  if (name == "adversarial2") {
    return std::make_unique<AlternatingAdversary>(
        "adversarial2",
        "K = 2 oblivious adversary: arm 0 pays 0.9 in even rounds, arm 1 pays 1 in odd rounds, "
        "else 0; regret vs the best fixed arm");
  }
  if (name == "linear5") {
    return std::make_unique<LinearContextual>(
        "linear5",
        "K = 5 linear contextual, x = [1, z1, z2], z ~ U[-1, 1]^2, means 0.5 +/- 0.3 z1, "
        "0.5 +/- 0.3 z2, 0.6; regret vs the best arm for each context",
        std::vector<std::vector<double>>{
            {0.5, 0.3, 0.0}, {0.5, -0.3, 0.0}, {0.5, 0.0, 0.3}, {0.5, 0.0, -0.3}, {0.6, 0.0, 0.0}});
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--problems: unknown problem '", name,
                   "'; known: ", absl::StrJoin(BanditProblemNames(), ", ")));
}

}  // namespace hyperd::bench
