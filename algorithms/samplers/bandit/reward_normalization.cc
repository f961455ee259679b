#include "algorithms/samplers/bandit/reward_normalization.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace hyperd::algorithms {
namespace {

double Clamp01(double x) { return std::min(1.0, std::max(0.0, x)); }

}  // namespace

absl::Status ValidateRewardNormalization(const RewardNormalization& normalization,
                                         const char* field_path) {
  switch (normalization.scale) {
    case RewardScale::kUnit:
      return absl::OkStatus();
    case RewardScale::kCappedCost:
      if (std::isfinite(normalization.cap) && normalization.cap > 0) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat(field_path,
                       ".cap: must be a finite number > 0 (e.g. the solver's maximum "
                       "iteration count), got ",
                       normalization.cap));
    case RewardScale::kCappedLogCost:
      if (!(std::isfinite(normalization.floor) && normalization.floor > 0)) {
        return absl::InvalidArgumentError(absl::StrCat(
            field_path, ".floor: must be a finite number > 0, got ", normalization.floor));
      }
      if (!(std::isfinite(normalization.cap) && normalization.cap > normalization.floor)) {
        return absl::InvalidArgumentError(
            absl::StrCat(field_path, ".cap: must be a finite number above the floor (",
                         normalization.floor, "), got ", normalization.cap));
      }
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field_path, ".scale: unknown scale; use UNIT, CAPPED_COST or CAPPED_LOG_COST"));
}

double NormalizeReward(const RewardNormalization& normalization, bool maximize, double objective) {
  if (!std::isfinite(objective)) return 0;  // a diverged run gets the minimum reward
  double level = 0;                         // in [0, 1], higher = larger objective
  switch (normalization.scale) {
    case RewardScale::kUnit:
      level = Clamp01(objective);
      break;
    case RewardScale::kCappedCost:
      level = std::min(std::max(objective, 0.0), normalization.cap) / normalization.cap;
      break;
    case RewardScale::kCappedLogCost: {
      const double log_floor = std::log(normalization.floor);
      const double value = std::log(std::max(objective, normalization.floor));
      level = Clamp01((value - log_floor) / (std::log(normalization.cap) - log_floor));
      break;
    }
  }
  return maximize ? level : 1 - level;
}

}  // namespace hyperd::algorithms
