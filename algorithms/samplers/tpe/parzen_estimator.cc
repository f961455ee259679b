#include "algorithms/samplers/tpe/parzen_estimator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "Eigen/Core"
#include "algorithms/samplers/tpe/tpe_ranking.h"
#include "algorithms/samplers/tpe/truncated_normal.h"

namespace hyperd::algorithms {
namespace {

constexpr double kHalfLogTwoPi = 0.91893853320467274178;
constexpr double kMagicClipCap = 100;
constexpr double kNegligibleLogRatio = 50;

using ArrayMap = Eigen::Map<Eigen::ArrayXd>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXd>;

// The component indices of `mus` (observations, then the prior last) in increasing order of
// centre, ties in index order (a stable sort). `observation_order`, when given, already sorts the
// observations; only the prior is merged in.
std::vector<int> SortedComponents(const std::vector<double>& mus,
                                  const std::vector<int>* observation_order) {
  const int prior = static_cast<int>(mus.size()) - 1;
  std::vector<int> order;
  order.reserve(mus.size());
  if (observation_order != nullptr) {
    const auto after_prior =
        std::upper_bound(observation_order->begin(), observation_order->end(), mus[prior],
                         [&mus](double value, int j) { return value < mus[j]; });
    order.insert(order.end(), observation_order->begin(), after_prior);
    order.push_back(prior);
    order.insert(order.end(), after_prior, observation_order->end());
    return order;
  }
  std::vector<std::pair<double, int>> pairs(mus.size());
  for (int i = 0; i <= prior; ++i) pairs[i] = {mus[i], i};
  std::sort(pairs.begin(), pairs.end());
  for (const auto& pair : pairs) order.push_back(pair.second);
  return order;
}

// Optuna's neighbour-gap bandwidths for the centres `mus` visited in `order` on [low, high],
// consider_endpoints = false, before the magic clip: each centre's larger gap to its sorted
// neighbours (the bounds outside), the outermost centres their inner gap only.
std::vector<double> NeighbourGapSigmas(const std::vector<double>& mus,
                                       const std::vector<int>& order, double low, double high) {
  const size_t k = mus.size();
  std::vector<double> sigmas(k);
  for (size_t i = 0; i < k; ++i) {
    const double centre = mus[order[i]];
    const double left = i == 0 ? low : mus[order[i - 1]];
    const double right = i + 1 == k ? high : mus[order[i + 1]];
    double sigma = std::max(centre - left, right - centre);
    if (k >= 2 && i == 0) sigma = right - centre;  // at least 4 points with the endpoints
    if (k >= 2 && i + 1 == k) sigma = centre - left;
    sigmas[order[i]] = sigma;
  }
  return sigmas;
}

}  // namespace

ParzenEstimator::ParzenEstimator(std::vector<ParzenDimension> dims,
                                 absl::Span<const double> observations,
                                 const ParzenOptions& options,
                                 const std::vector<std::vector<int>>* observation_orders)
    : options_(options), dims_(std::move(dims)), dims_data_(dims_.size()) {
  const size_t d = dims_.size();
  const int n = d == 0 ? 0 : static_cast<int>(observations.size() / d);

  std::vector<double> weights = TpeWeights(n);
  weights.push_back(options_.prior_weight);
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  log_weights_.resize(weights.size());
  cumulative_weights_.resize(weights.size());
  double running = 0;
  for (size_t k = 0; k < weights.size(); ++k) {
    log_weights_[k] = std::log(weights[k] / total);
    running += weights[k] / total;
    cumulative_weights_[k] = running;
  }
  cumulative_weights_.back() = 1;

  for (size_t i = 0; i < d; ++i) {
    if (dims_[i].numeric()) {
      FitNumeric(static_cast<int>(i), observations, n,
                 observation_orders == nullptr ? nullptr : &(*observation_orders)[i]);
    } else {
      FitCategorical(static_cast<int>(i), observations, n);
    }
  }
}

void ParzenEstimator::FitNumeric(int dim, absl::Span<const double> observations,
                                 int num_observations, const std::vector<int>* order) {
  const ParzenDimension& dimension = dims_[dim];
  DimensionData& data = dims_data_[dim];
  const size_t d = dims_.size();
  const double low = dimension.low;
  const double high = dimension.high;
  const double range = high - low;

  data.mus.resize(num_observations + 1);
  for (int j = 0; j < num_observations; ++j) data.mus[j] = observations[j * d + dim];
  data.mus[num_observations] = 0.5 * (low + high);

  data.sigmas = NeighbourGapSigmas(data.mus, SortedComponents(data.mus, order), low, high);
  const double components = static_cast<double>(data.mus.size());
  const double min_sigma = range / std::min(kMagicClipCap, 1 + components);
  for (double& sigma : data.sigmas) sigma = std::clamp(sigma, min_sigma, range);
  data.sigmas[num_observations] = range;  // the prior

  data.inv_sigmas.resize(data.mus.size());
  data.log_norms.resize(data.mus.size());
  for (size_t k = 0; k < data.mus.size(); ++k) {
    const double sigma = data.sigmas[k];
    data.inv_sigmas[k] = 1 / sigma;
    const double log_mass = LogGaussMass((low - data.mus[k]) / sigma, (high - data.mus[k]) / sigma);
    data.log_norms[k] =
        dimension.discrete()
            ? -log_mass
            : -log_mass - kHalfLogTwoPi - (options_.sigma_normalised ? std::log(sigma) : 0);
  }
}

void ParzenEstimator::FitCategorical(int dim, absl::Span<const double> observations,
                                     int num_observations) {
  DimensionData& data = dims_data_[dim];
  const size_t d = dims_.size();
  const double c = dims_[dim].num_categories;
  data.categories.resize(num_observations);
  for (int j = 0; j < num_observations; ++j) {
    data.categories[j] = static_cast<int>(observations[j * d + dim]);
  }
  // Row of an observation of category o: (v + [c == o]) / (v C + 1), v = prior_weight/(n + 1).
  const double v = options_.prior_weight / (num_observations + 1);
  const double row_total = v * c + 1;
  data.log_same = std::log((v + 1) / row_total);
  data.log_other = std::log(v / row_total);
  data.log_prior = -std::log(c);
  data.p_keep = 1 / row_total;
}

std::vector<double> ParzenEstimator::Weights() const {
  std::vector<double> weights(log_weights_.size());
  for (size_t k = 0; k < weights.size(); ++k) weights[k] = std::exp(log_weights_[k]);
  return weights;
}

void ParzenEstimator::Sample(SplitMix64& random, double* out) const {
  const double u = UnitDoubleFromBits(random.Next());
  const auto it = std::upper_bound(cumulative_weights_.begin(), cumulative_weights_.end(), u);
  const int components = num_components();
  const int k = std::min(static_cast<int>(it - cumulative_weights_.begin()), components - 1);
  const bool prior = k == components - 1;

  for (size_t i = 0; i < dims_.size(); ++i) {
    const ParzenDimension& dimension = dims_[i];
    const DimensionData& data = dims_data_[i];
    const double r = UnitDoubleFromBits(random.Next());
    if (dimension.numeric()) {
      const double mu = data.mus[k];
      const double sigma = data.sigmas[k];
      const double z =
          TruncatedNormalQuantile(r, (dimension.low - mu) / sigma, (dimension.high - mu) / sigma);
      out[i] = dimension.Snap(mu + sigma * z);
      continue;
    }
    // A row is a point mass p_keep on its category plus (1 - p_keep) spread uniformly; the prior
    // row is uniform. One uniform draw picks between them and then the category.
    const int c = dimension.num_categories;
    int category;
    if (!prior && r < data.p_keep) {
      category = data.categories[k];
    } else {
      const double spread = prior ? r : (r - data.p_keep) / (1 - data.p_keep);
      category = std::min(static_cast<int>(spread * c), c - 1);
    }
    out[i] = category;
  }
}

double ParzenEstimator::LogPdf(const double* x, std::vector<double>& scratch) const {
  const int components = num_components();
  const int observations = components - 1;
  scratch.assign(log_weights_.begin(), log_weights_.end());
  ArrayMap log_terms(scratch.data(), components);

  for (size_t i = 0; i < dims_.size(); ++i) {
    const ParzenDimension& dimension = dims_[i];
    const DimensionData& data = dims_data_[i];
    if (dimension.kind == ParzenDimension::Kind::kContinuous) {
      // The hot loop of TPE: vectorised by Eigen, no temporaries.
      const ConstArrayMap mus(data.mus.data(), components);
      const ConstArrayMap inv_sigmas(data.inv_sigmas.data(), components);
      const ConstArrayMap log_norms(data.log_norms.data(), components);
      log_terms += log_norms - 0.5 * ((x[i] - mus) * inv_sigmas).square();
    } else if (dimension.discrete()) {
      const auto [lo, hi] = dimension.Cell(x[i]);
      for (int k = 0; k < components; ++k) {
        const double mu = data.mus[k];
        const double inv = data.inv_sigmas[k];
        scratch[k] += LogGaussMass((lo - mu) * inv, (hi - mu) * inv) + data.log_norms[k];
      }
    } else {
      const int category = static_cast<int>(x[i]);
      for (int k = 0; k < observations; ++k) {
        scratch[k] += data.categories[k] == category ? data.log_same : data.log_other;
      }
      scratch[observations] += data.log_prior;
    }
  }
  const double max = log_terms.maxCoeff();
  if (!std::isfinite(max)) return max;
  // log-sum-exp over the components that matter: a term e^-50 below the largest adds less than
  // 2e-22 of it, so dropping those (most kernels, far from x) changes nothing in double precision
  // and saves their exp().
  const double cutoff = max - kNegligibleLogRatio;
  double sum = 0;
  for (const double term : scratch) {
    if (term > cutoff) sum += std::exp(term - max);
  }
  return max + std::log(sum);
}

}  // namespace hyperd::algorithms
