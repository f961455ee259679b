#include "algorithms/schedules/refinement/hypergradient_lr.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hyperd::algorithms::schedules::refinement {

absl::StatusOr<HypergradientLr> HypergradientLr::Create(double initial_lr, double beta,
                                                        double min_lr, double max_lr) {
  if (!(std::isfinite(beta) && beta > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "beta: ", beta, " must be finite and > 0 (the hypergradient step size; SGD-HD uses 1e-6)"));
  }
  if (!(std::isfinite(min_lr) && min_lr >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_lr: ", min_lr, " must be finite and >= 0 (use 0 for no lower bound)"));
  }
  if (!(std::isfinite(max_lr) && max_lr >= min_lr)) {
    return absl::InvalidArgumentError(absl::StrCat("max_lr: ", max_lr,
                                                   " must be finite and >= min_lr (", min_lr,
                                                   "); e.g. 10 times the initial LR"));
  }
  if (!(std::isfinite(initial_lr) && initial_lr >= min_lr && initial_lr <= max_lr)) {
    return absl::InvalidArgumentError(absl::StrCat("initial_lr: ", initial_lr,
                                                   " must be finite and in [min_lr, max_lr] = [",
                                                   min_lr, ", ", max_lr, "]"));
  }
  return HypergradientLr(initial_lr, beta, min_lr, max_lr);
}

double HypergradientLr::Update(double hd_dot) {
  if (!std::isfinite(hd_dot)) {
    ++skipped_updates_;
    return lr_;
  }
  // β·h can overflow to ±inf for a huge finite h (never NaN: α is finite); the clamp then
  // returns the bound.
  lr_ = std::clamp(lr_ + beta_ * hd_dot, min_lr_, max_lr_);
  return lr_;
}

}  // namespace hyperd::algorithms::schedules::refinement
