#include "algorithms/samplers/gp/training_set.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms::gp {
namespace {

uint64_t Bits(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

}  // namespace

TrainingSet CollectTrainingSet(const GpSpaceEncoding& encoding,
                               const std::vector<TrialObservation>& trials) {
  using Outcome = TrialObservation::Outcome;
  TrainingSet set;
  std::vector<Eigen::VectorXd> points;
  for (const TrialObservation& trial : trials) {
    if (trial.outcome == Outcome::kFailed || trial.outcome == Outcome::kPruned) continue;
    std::optional<Eigen::VectorXd> x = encoding.Encode(trial.parameters);
    if (!x) continue;
    switch (trial.outcome) {
      case Outcome::kPending:
        set.pending.push_back(*std::move(x));
        break;
      case Outcome::kSucceeded:
        points.push_back(*std::move(x));
        set.values.push_back(trial.objective.value_or(std::numeric_limits<double>::quiet_NaN()));
        break;
      case Outcome::kInfeasible:
        points.push_back(*std::move(x));
        set.values.push_back(std::numeric_limits<double>::quiet_NaN());
        break;
      default:
        break;
    }
  }
  set.points.resize(encoding.dimensions(), static_cast<Eigen::Index>(points.size()));
  for (size_t j = 0; j < points.size(); ++j)
    set.points.col(static_cast<Eigen::Index>(j)) = points[j];
  return set;
}

std::vector<uint64_t> PrefixFingerprints(const TrainingSet& set) {
  std::vector<uint64_t> fingerprints(set.size() + 1);
  uint64_t h = Mix64(0x67703166696e6765);  // "gp1finge"
  fingerprints[0] = h;
  for (int j = 0; j < set.size(); ++j) {
    for (Eigen::Index i = 0; i < set.points.rows(); ++i) h = Mix64(h ^ Bits(set.points(i, j)));
    // All NaNs hash alike: INFEASIBLE and a missing value are the same observation.
    const double value =
        std::isnan(set.values[j]) ? std::numeric_limits<double>::quiet_NaN() : set.values[j];
    h = Mix64(h ^ Bits(value) ^ 0x9e3779b97f4a7c15);
    fingerprints[j + 1] = h;
  }
  return fingerprints;
}

std::vector<int> SelectSubset(const std::vector<double>& oriented, int max_size, int best,
                              uint64_t seed) {
  const int n = static_cast<int>(oriented.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (n <= max_size) return order;
  best = std::clamp(best, 0, max_size);
  auto key = [&](int i) {
    return std::isfinite(oriented[i]) ? oriented[i] : -std::numeric_limits<double>::infinity();
  };
  // Best first; ties by index, so the order is total and deterministic.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) > key(b); });
  std::vector<int> chosen(order.begin(), order.begin() + best);
  std::vector<int> rest(order.begin() + best, order.end());
  std::sort(rest.begin(), rest.end());
  SplitMix64 stream(seed);
  const int wanted = max_size - best;
  for (int k = 0; k < wanted; ++k) {  // partial Fisher-Yates
    const uint64_t span = rest.size() - k;
    const size_t pick = k + static_cast<size_t>(stream.Next() % span);
    std::swap(rest[k], rest[pick]);
    chosen.push_back(rest[k]);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace hyperd::algorithms::gp
