#include "algorithms/schedules/refinement/median_filter.h"

#include <algorithm>
#include <cmath>

namespace hyperd::algorithms::schedules::refinement {

int64_t MedianFilterWidth(int64_t length, double filter_fraction) {
  const auto window = static_cast<int64_t>(std::floor(filter_fraction * static_cast<double>(length)));
  int64_t width = 2 * (window / 2) + 1;
  if (width > length) width = (length % 2 == 1) ? length : length - 1;
  return std::max<int64_t>(width, 1);
}

std::vector<double> ReflectPadRight(const std::vector<double>& values, int64_t pad) {
  std::vector<double> padded = values;
  const auto n = static_cast<int64_t>(values.size());
  if (n == 0) return padded;
  padded.reserve(values.size() + static_cast<size_t>(pad));
  const int64_t period = 2 * (n - 1);
  for (int64_t i = n; i < n + pad; ++i) {
    int64_t j = period == 0 ? 0 : i % period;
    if (j >= n) j = period - j;
    padded.push_back(values[static_cast<size_t>(j)]);
  }
  return padded;
}

std::vector<double> MedianFilterNearest(const std::vector<double>& values, int64_t width) {
  const auto n = static_cast<int64_t>(values.size());
  const int64_t half = width / 2;
  std::vector<double> filtered(values.size());
  std::vector<double> window(static_cast<size_t>(width));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = -half; k <= half; ++k) {
      const int64_t j = std::clamp<int64_t>(i + k, 0, n - 1);
      window[static_cast<size_t>(k + half)] = values[static_cast<size_t>(j)];
    }
    auto middle = window.begin() + half;
    std::nth_element(window.begin(), middle, window.end());
    filtered[static_cast<size_t>(i)] = *middle;
  }
  return filtered;
}

std::vector<double> SmoothGradientNorms(const std::vector<double>& norms, double filter_fraction) {
  if (norms.empty()) return {};
  const int64_t width = MedianFilterWidth(static_cast<int64_t>(norms.size()), filter_fraction);
  std::vector<double> filtered = MedianFilterNearest(ReflectPadRight(norms, 2 * width), width);
  filtered.resize(norms.size());
  return filtered;
}

}  // namespace hyperd::algorithms::schedules::refinement
