#include "algorithms/samplers/tpe/tpe_ranking.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <tuple>
#include <vector>

namespace hyperd::algorithms {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kGammaCap = 25;
constexpr int kFlatWeights = 25;

// A value on the minimisation scale; non-finite values (diverged runs) rank worst.
double MinimisationValue(double value, Goal goal) {
  if (!std::isfinite(value)) return kInf;
  return goal == Goal::kMaximize ? -value : value;
}

}  // namespace

int TpeGamma(int n) {
  return std::min(static_cast<int>(std::ceil(0.1 * static_cast<double>(n))), kGammaCap);
}

std::vector<double> TpeWeights(int n) {
  if (n <= 0) return {};
  if (n < kFlatWeights) return std::vector<double>(n, 1.0);
  const int ramp = n - kFlatWeights;
  std::vector<double> weights(n, 1.0);
  const double start = 1.0 / n;
  if (ramp == 1) {
    weights[0] = start;
  } else if (ramp > 1) {
    const double step = (1.0 - start) / (ramp - 1);
    for (int i = 0; i < ramp - 1; ++i) weights[i] = i * step + start;
    weights[ramp - 1] = 1.0;
  }
  return weights;
}

bool operator<(const TpeRankKey& a, const TpeRankKey& b) {
  return std::tie(a.group, a.step, a.value) < std::tie(b.group, b.step, b.value);
}

std::optional<TpeRankKey> TpeRankKeyOf(const TrialObservation& trial, Goal goal,
                                       bool constant_liar) {
  using Outcome = TrialObservation::Outcome;
  switch (trial.outcome) {
    case Outcome::kSucceeded:
      return TpeRankKey{0, 0, MinimisationValue(trial.objective.value_or(kInf), goal)};
    case Outcome::kPruned:
      if (trial.measurements.empty()) return TpeRankKey{1, 1, 0};
      return TpeRankKey{1, -static_cast<double>(trial.measurements.back().first),
                        MinimisationValue(trial.measurements.back().second, goal)};
    case Outcome::kInfeasible:
      return TpeRankKey{2, 0, 0};
    case Outcome::kPending:
      if (!constant_liar) return std::nullopt;
      return TpeRankKey{3, 0, 0};
    case Outcome::kFailed:
      return std::nullopt;
  }
  return std::nullopt;
}

TpeSplit SplitTrials(const std::vector<TpeRankKey>& keys) {
  TpeSplit split;
  for (const TpeRankKey& key : keys) split.num_finished += key.group < 3 ? 1 : 0;
  std::vector<int> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&keys](int a, int b) { return keys[a] < keys[b]; });
  const auto n_below = static_cast<size_t>(TpeGamma(split.num_finished));
  split.below.assign(order.begin(), order.begin() + std::min(n_below, order.size()));
  split.above.assign(order.begin() + split.below.size(), order.end());
  std::sort(split.below.begin(), split.below.end());
  std::sort(split.above.begin(), split.above.end());
  return split;
}

}  // namespace hyperd::algorithms
