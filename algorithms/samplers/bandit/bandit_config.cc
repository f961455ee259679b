#include "algorithms/samplers/bandit/bandit_config.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr double kDefaultDiscount = 0.99;  // §4: memory of about 100 rounds

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::Status CheckPositive(absl::string_view path, double value) {
  if (std::isfinite(value) && value > 0) return absl::OkStatus();
  return Invalid(path, absl::StrCat("must be a finite number > 0, got ", value));
}

// The tuned window 2 sqrt(T ln T / Upsilon) (§4, B = 1), as a double so huge values stay visible.
double TunedWindow(const DriftSettings& drift) {
  const double horizon = static_cast<double>(drift.horizon);
  return 2 * std::sqrt(horizon * std::log(horizon) / static_cast<double>(drift.expected_changes));
}

absl::Status ValidateDrift(const DriftSettings& drift, const std::string& path, bool allow_window) {
  if (drift.kind != DriftKind::kNone && drift.kind != DriftKind::kDiscounted &&
      drift.kind != DriftKind::kSlidingWindow) {
    return Invalid(path + ".kind", "unknown drift kind; use NONE, DISCOUNTED or SLIDING_WINDOW");
  }
  if (drift.kind == DriftKind::kSlidingWindow && !allow_window) {
    return Invalid(path + ".kind",
                   "a sliding window is defined for the UCB family only (spec §4); use DISCOUNTED");
  }
  const bool has_changes = drift.expected_changes != 0;
  const bool has_horizon = drift.horizon != 0;
  if (drift.expected_changes < 0) {
    return Invalid(path + ".expected_changes",
                   absl::StrCat("must be >= 0, got ", drift.expected_changes));
  }
  if (drift.horizon < 0 || drift.horizon == 1) {
    return Invalid(path + ".horizon",
                   absl::StrCat("must be >= 2 (or 0 if unknown), got ", drift.horizon));
  }
  if (has_changes != has_horizon) {
    return Invalid(path + (has_changes ? ".horizon" : ".expected_changes"),
                   "expected_changes and horizon are used together by the tuning formulas; set "
                   "both or neither");
  }
  if (has_changes && drift.expected_changes > drift.horizon) {
    return Invalid(path + ".expected_changes",
                   absl::StrCat("must be at most the horizon (", drift.horizon, "), got ",
                                drift.expected_changes));
  }
  if (drift.discount != 0) {
    if (drift.kind != DriftKind::kDiscounted) {
      return Invalid(path + ".discount", "is set but drift.kind is not DISCOUNTED");
    }
    // Below 1e-3 the lazy forms' 1/discount per round overflows too fast to be worth it: such a
    // policy forgets everything but the last reward anyway.
    if (!(drift.discount >= 1e-3 && drift.discount < 1)) {
      return Invalid(
          path + ".discount",
          absl::StrCat("must be in [0.001, 1) or 0 for the default, got ", drift.discount));
    }
  }
  if (drift.window != 0) {
    if (drift.kind != DriftKind::kSlidingWindow) {
      return Invalid(path + ".window", "is set but drift.kind is not SLIDING_WINDOW");
    }
    if (drift.window < 1 || drift.window > kMaxBanditWindow) {
      return Invalid(path + ".window", absl::StrCat("must be in [1, ", kMaxBanditWindow,
                                                    "] or 0 for the default, got ", drift.window));
    }
  }
  if (drift.kind == DriftKind::kSlidingWindow && drift.window == 0 && has_changes &&
      !(TunedWindow(drift) <= static_cast<double>(kMaxBanditWindow))) {
    return Invalid(path + ".window",
                   absl::StrCat("the window tuned for horizon ", drift.horizon, " and ",
                                drift.expected_changes, " changes would be ", TunedWindow(drift),
                                ", above the maximum ", kMaxBanditWindow, "; set it explicitly"));
  }
  return absl::OkStatus();
}

absl::Status ValidateUcb1(const Ucb1Settings& settings) {
  RETURN_IF_ERROR(CheckPositive("sampler.ucb1.alpha", settings.alpha));
  return ValidateDrift(settings.drift, "sampler.ucb1.drift", /*allow_window=*/true);
}

absl::Status ValidateThompson(const ThompsonSettings& settings) {
  switch (settings.prior) {
    case ThompsonPrior::kBeta:
      RETURN_IF_ERROR(CheckPositive("sampler.thompson.prior_alpha", settings.prior_alpha));
      RETURN_IF_ERROR(CheckPositive("sampler.thompson.prior_beta", settings.prior_beta));
      break;
    case ThompsonPrior::kGaussian:
      RETURN_IF_ERROR(CheckPositive("sampler.thompson.variance", settings.variance));
      break;
    case ThompsonPrior::kNormalGamma:
      break;
    default:
      return Invalid("sampler.thompson.prior", "unknown prior; use BETA, GAUSSIAN or NORMAL_GAMMA");
  }
  RETURN_IF_ERROR(ValidateDrift(settings.drift, "sampler.thompson.drift", /*allow_window=*/false));
  if (settings.drift.kind == DriftKind::kDiscounted && settings.prior != ThompsonPrior::kBeta) {
    return Invalid("sampler.thompson.drift.kind",
                   "discounted Thompson sampling is defined for the BETA prior only (spec §4); "
                   "use prior BETA or drift NONE");
  }
  return absl::OkStatus();
}

absl::Status ValidateExp3(const Exp3Settings& settings) {
  if (settings.gamma != 0 && !(settings.gamma > 0 && settings.gamma <= 1)) {
    return Invalid(
        "sampler.exp3.gamma",
        absl::StrCat("must be in (0, 1] or 0 for the derived value, got ", settings.gamma));
  }
  if (settings.horizon < 0) {
    return Invalid("sampler.exp3.horizon",
                   absl::StrCat("must be >= 0 (0: unknown), got ", settings.horizon));
  }
  if (settings.share != 0 && !(settings.share > 0 && settings.share < 1)) {
    return Invalid("sampler.exp3.share",
                   absl::StrCat("must be in (0, 1) or 0, got ", settings.share));
  }
  if (settings.switches < 0) {
    return Invalid("sampler.exp3.switches", absl::StrCat("must be >= 0, got ", settings.switches));
  }
  if (settings.switches > 0 && settings.horizon == 0) {
    return Invalid("sampler.exp3.horizon",
                   "EXP3.S (switches > 0) derives gamma and share from the horizon; set it");
  }
  RETURN_IF_ERROR(ValidateDrift(settings.drift, "sampler.exp3.drift", /*allow_window=*/false));
  if (settings.drift.kind != DriftKind::kNone && (settings.share != 0 || settings.switches != 0)) {
    return Invalid("sampler.exp3.drift",
                   "choose either fixed share (share/switches) or discounting, not both");
  }
  return absl::OkStatus();
}

absl::Status ValidateLinUcb(const LinUcbSettings& settings, int arm_count) {
  if (!(std::isfinite(settings.alpha) && settings.alpha >= 0)) {
    return Invalid("sampler.linucb.alpha",
                   absl::StrCat("must be a finite number >= 0, got ", settings.alpha));
  }
  RETURN_IF_ERROR(CheckPositive("sampler.linucb.ridge", settings.ridge));
  const int d = settings.context_dimension;
  if (d < 1 || d > kMaxLinUcbContextDimension) {
    return Invalid("sampler.linucb.context_dimension",
                   absl::StrCat("must be in [1, ", kMaxLinUcbContextDimension,
                                "] (LinUCB needs a context; include the constant 1), got ", d));
  }
  const int64_t entries = int64_t{arm_count} * d * d;
  if (entries > kMaxLinUcbMatrixEntries) {
    return Invalid("sampler.linucb.context_dimension",
                   absl::StrCat(arm_count, " arms with ", d, " context features need ", entries,
                                " matrix entries, more than ", kMaxLinUcbMatrixEntries,
                                "; use fewer arms or features"));
  }
  if (settings.target != LinUcbTarget::kNegativeLoss && settings.target != LinUcbTarget::kReward) {
    return Invalid("sampler.linucb.target", "unknown target; use NEGATIVE_LOSS or REWARD");
  }
  if (settings.refresh_interval < 1) {
    return Invalid("sampler.linucb.refresh_interval",
                   absl::StrCat("must be >= 1, got ", settings.refresh_interval));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view BanditAlgorithmName(BanditAlgorithm algorithm) {
  switch (algorithm) {
    case BanditAlgorithm::kUcb1:
      return "ucb1";
    case BanditAlgorithm::kThompson:
      return "thompson";
    case BanditAlgorithm::kExp3:
      return "exp3";
    case BanditAlgorithm::kTsallisInf:
      return "tsallis_inf";
    case BanditAlgorithm::kLinUcb:
      return "linucb";
  }
  return "unknown";
}

absl::Status ValidateBanditConfig(const BanditConfig& config, int arm_count) {
  if (arm_count < 1) {
    return Invalid("arms", absl::StrCat("a bandit needs at least 1 arm, got ", arm_count));
  }
  switch (config.algorithm) {
    case BanditAlgorithm::kUcb1:
      return ValidateUcb1(config.ucb1);
    case BanditAlgorithm::kThompson:
      return ValidateThompson(config.thompson);
    case BanditAlgorithm::kExp3:
      return ValidateExp3(config.exp3);
    case BanditAlgorithm::kTsallisInf:
      return CheckPositive("sampler.tsallis_inf.learning_rate", config.tsallis_inf.learning_rate);
    case BanditAlgorithm::kLinUcb:
      return ValidateLinUcb(config.linucb, arm_count);
  }
  return Invalid("sampler",
                 "unknown bandit algorithm; use ucb1, thompson, exp3, tsallis_inf or "
                 "linucb");
}

double ResolvedDiscount(const DriftSettings& drift) {
  if (drift.discount != 0) return drift.discount;
  if (drift.expected_changes == 0) return kDefaultDiscount;
  // gamma = 1 - (1/(4B)) sqrt(Upsilon/T) with B = 1 (§4).
  return 1 - 0.25 * std::sqrt(static_cast<double>(drift.expected_changes) /
                              static_cast<double>(drift.horizon));
}

int64_t ResolvedWindow(const DriftSettings& drift) {
  if (drift.window != 0) return drift.window;
  if (drift.expected_changes == 0) {
    return static_cast<int64_t>(std::llround(2 / (1 - kDefaultDiscount)));  // 200
  }
  return std::max<int64_t>(1, std::llround(TunedWindow(drift)));
}

}  // namespace hyperd::algorithms
