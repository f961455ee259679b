#include "server/dashboard/curve_downsampling.h"

#include <algorithm>

namespace hyperd::server::dashboard {

std::vector<size_t> DownsampleCurve(const std::vector<int64_t>& steps,
                                    const std::vector<int64_t>& rung_steps, size_t max_points) {
  const size_t n = steps.size();
  std::vector<size_t> kept;
  if (n <= max_points) {
    kept.resize(n);
    for (size_t i = 0; i < n; ++i) kept[i] = i;
    return kept;
  }
  if (max_points < 2) return max_points == 1 ? std::vector<size_t>{n - 1} : kept;
  std::vector<bool> keep(n, false);
  keep[0] = keep[n - 1] = true;
  size_t count = 2;
  for (size_t i = 1; i + 1 < n && count < max_points; ++i) {
    if (std::binary_search(rung_steps.begin(), rung_steps.end(), steps[i])) {
      keep[i] = true;
      ++count;
    }
  }
  // The rest of the budget: evenly spaced interior indices, skipping ones already kept.
  const size_t budget = max_points - count;
  for (size_t k = 1; k <= budget; ++k) {
    const size_t i = k * (n - 1) / (budget + 1);
    if (!keep[i]) {
      keep[i] = true;
      ++count;
    }
  }
  kept.reserve(count);
  for (size_t i = 0; i < n; ++i) {
    if (keep[i]) kept.push_back(i);
  }
  return kept;
}

size_t CurvePointsPerTrial(size_t curves) {
  if (curves == 0) return kMaxCurvePoints;
  return std::clamp(kMaxStudyCurvePoints / curves, kMinCurvePoints, kMaxCurvePoints);
}

}  // namespace hyperd::server::dashboard
