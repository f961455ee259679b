#include "algorithms/samplers/gp/output_transform.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hyperd::algorithms::gp {

StandardizedTargets StandardizeTargets(const std::vector<double>& objective_values, Goal goal) {
  const Eigen::Index n = static_cast<Eigen::Index>(objective_values.size());
  StandardizedTargets result;
  result.values.resize(n);
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -lowest;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double y = goal == Goal::kMinimize ? -objective_values[i] : objective_values[i];
    result.values[i] = y;
    if (std::isfinite(y)) {
      lowest = std::min(lowest, y);
      highest = std::max(highest, y);
    }
  }
  if (!std::isfinite(lowest)) {  // nothing finite: no information in the values
    result.values.setZero();
    return result;
  }
  const double worst = lowest - (0.5 * (highest - lowest) + 1);
  for (double& y : result.values) {
    if (!std::isfinite(y)) y = worst;
  }
  if (n == 0) return result;
  result.mean = result.values.mean();
  const double variance = (result.values.array() - result.mean).square().mean();
  result.scale = std::max(std::sqrt(variance), 1e-10);
  result.values = (result.values.array() - result.mean) / result.scale;
  return result;
}

}  // namespace hyperd::algorithms::gp
