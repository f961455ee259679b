#include "algorithms/samplers/bohb/bohb_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms {
namespace {

// Row-major coordinates of observations [begin, end), inactive ones imputed within the set.
std::vector<double> ImputedRows(const std::vector<int>& num_categories,
                                const std::vector<BohbObservation>& observations, size_t begin,
                                size_t end, uint64_t seed) {
  const size_t d = num_categories.size();
  std::vector<std::vector<size_t>> donors(d);  // per dimension, the rows where it is active
  for (size_t r = begin; r < end; ++r) {
    for (size_t i = 0; i < d; ++i) {
      if (!std::isnan(observations[r].x[i])) donors[i].push_back(r);
    }
  }
  std::vector<double> rows;
  rows.reserve((end - begin) * d);
  for (size_t r = begin; r < end; ++r) {
    for (size_t i = 0; i < d; ++i) {
      double v = observations[r].x[i];
      if (std::isnan(v)) {
        const uint64_t draw = MixSeed(MixSeed(seed, observations[r].trial_number), i);
        if (!donors[i].empty()) {
          v = observations[donors[i][draw % donors[i].size()]].x[i];
        } else {
          const double u = UnitDoubleFromBits(draw);
          const int c = num_categories[i];
          v = c == 0 ? u : std::min(std::floor(u * c), c - 1.0);
        }
      }
      rows.push_back(v);
    }
  }
  return rows;
}

}  // namespace

std::optional<BohbModel> FitBohbModel(const std::vector<int>& num_categories,
                                      std::vector<BohbObservation> observations,
                                      const BohbModelSettings& settings, uint64_t seed) {
  const int d = static_cast<int>(num_categories.size());
  const int n = static_cast<int>(observations.size());
  const int min_points = std::max(settings.min_points_in_model, d + 1);
  if (n < min_points) return std::nullopt;
  const int n_good = std::max(min_points, settings.top_n_percent * n / 100);
  const int n_bad = std::max(min_points, (100 - settings.top_n_percent) * n / 100);
  const int good_end = std::min(n_good, n);
  const int bad_end = std::min(n_good + n_bad, n);
  if (good_end <= d || bad_end - good_end <= d) return std::nullopt;

  std::stable_sort(
      observations.begin(), observations.end(),
      [](const BohbObservation& a, const BohbObservation& b) { return a.loss < b.loss; });
  BohbKde good(num_categories, ImputedRows(num_categories, observations, 0, good_end, seed),
               settings.min_bandwidth);
  BohbKde bad(num_categories, ImputedRows(num_categories, observations, good_end, bad_end, seed),
              settings.min_bandwidth);
  return BohbModel{n, std::move(good), std::move(bad)};
}

}  // namespace hyperd::algorithms
