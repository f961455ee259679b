#include "algorithms/schedules/refinement/refined_shape.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/schedules/refinement/median_filter.h"

namespace hyperd::algorithms::schedules::refinement {

std::vector<double> RefinementWeights(const std::vector<double>& norms, NormKind kind) {
  std::vector<double> weights(norms.size());
  for (size_t t = 0; t < norms.size(); ++t) {
    weights[t] = kind == NormKind::kL2Sgd ? 1.0 / (norms[t] * norms[t]) : 1.0 / norms[t];
  }
  return weights;
}

std::vector<double> ShapeFromWeights(const std::vector<double>& weights) {
  const size_t n = weights.size();
  std::vector<double> eta(n, 0.0);
  // Accumulate the tail of *future* weights backwards; the last step gets η = 0.
  double future = 0.0;
  for (size_t t = n; t-- > 0;) {
    eta[t] = weights[t] * future;
    future += weights[t];
  }
  const double peak = n == 0 ? 0.0 : *std::max_element(eta.begin(), eta.end());
  if (peak > 0.0) {
    for (double& value : eta) value /= peak;
  }
  return eta;
}

absl::StatusOr<std::vector<double>> RefineShape(const std::vector<double>& norms,
                                                const RefineShapeOptions& options) {
  if (norms.empty()) {
    return absl::InvalidArgumentError("norms: is empty; refinement needs at least one norm");
  }
  if (!(options.filter_fraction >= 0.0 && options.filter_fraction <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat("filter_fraction: ", options.filter_fraction,
                                                   " is outside [0, 1]; the default is 0.1"));
  }
  for (size_t t = 0; t < norms.size(); ++t) {
    if (!std::isfinite(norms[t]) || norms[t] <= 0.0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "norms[", t, "]: ", norms[t],
          " is not a finite positive norm; clean and clamp the series first "
          "(RefineScheduleFromNorms does this)"));
    }
  }
  const std::vector<double> smooth = SmoothGradientNorms(norms, options.filter_fraction);
  return ShapeFromWeights(RefinementWeights(smooth, options.kind));
}

}  // namespace hyperd::algorithms::schedules::refinement
