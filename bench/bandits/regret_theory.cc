#include "bench/bandits/regret_theory.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace hyperd::bench {
namespace {

bool IsForgetting(absl::string_view policy) {
  return policy == "dts" || policy == "d_ucb" || policy == "sw_ucb" || policy == "exp3_discounted";
}
bool IsTunedForgetting(absl::string_view policy) {
  return policy == "d_ucb_tuned" || policy == "sw_ucb_tuned";
}
bool IsStationaryIndex(absl::string_view policy) {
  return policy == "ucb1" || policy == "ucb1_tuned" || policy == "thompson" ||
         policy == "thompson_ng" || policy == "tsallis_inf";
}

double BernoulliKl(double p, double q) {
  const auto term = [](double a, double b) { return a > 0 ? a * std::log(a / b) : 0.0; };
  return term(p, q) + term(1 - p, 1 - q);
}

}  // namespace

RateExpectation ExpectedRate(absl::string_view policy, const BanditProblem& problem) {
  if (policy == "random") return {RateClass::kLinear, "uniform play"};
  switch (problem.kind()) {
    case ProblemKind::kStationary:
      if (IsStationaryIndex(policy)) return {RateClass::kLogarithmic, "stationary"};
      if (policy == "exp3" || policy == "exp3s") return {RateClass::kSquareRoot, "EXP3 bound"};
      if (IsTunedForgetting(policy)) return {RateClass::kSquareRoot, "sqrt(T U) log T, tuned"};
      if (IsForgetting(policy)) return {RateClass::kLinear, "fixed forgetting rate"};
      break;
    case ProblemKind::kSwitching:
      if (IsTunedForgetting(policy)) return {RateClass::kSquareRoot, "sqrt(T U) log T, tuned"};
      if (policy == "exp3s") return {RateClass::kSquareRoot, "sqrt(T S log KT), tuned"};
      if (IsForgetting(policy)) return {RateClass::kLinear, "fixed forgetting rate"};
      return {RateClass::kLinear, "stationary policy after a change"};
    case ProblemKind::kDrifting:
      // Periodic drift: the best arm's switches S grow with T, so even EXP3.S's
      // sqrt(T S log KT) is linear in T.
      if (policy == "exp3s") return {RateClass::kLinear, "S grows with T"};
      if (IsForgetting(policy)) return {RateClass::kLinear, "fixed forgetting rate"};
      return {RateClass::kLinear, "stationary policy under drift"};
    case ProblemKind::kAdversarial:
      if (policy == "exp3" || policy == "exp3s" || policy == "tsallis_inf") {
        return {RateClass::kSquareRoot, "adversarial bound"};
      }
      return {RateClass::kNoGuarantee, "no adversarial guarantee"};
    case ProblemKind::kContextual:
      if (policy == "linucb" || policy == "linucb_paper") {
        return {RateClass::kSquareRoot, "d sqrt(T) log T"};
      }
      if (policy == "linucb_raw") return {RateClass::kNoGuarantee, "uncentred reward"};
      return {RateClass::kLinear, "ignores the context"};
  }
  return {RateClass::kNoGuarantee, "no guarantee"};
}

bool IsSubLinear(RateClass rate) {
  return rate == RateClass::kLogarithmic || rate == RateClass::kSquareRoot;
}

absl::string_view RateClassName(RateClass rate) {
  switch (rate) {
    case RateClass::kLogarithmic:
      return "log T";
    case RateClass::kSquareRoot:
      return "sqrt T";
    case RateClass::kLinear:
      return "linear";
    case RateClass::kNoGuarantee:
      return "none";
  }
  return "none";
}

double Ucb1UpperBound(absl::Span<const double> means, int64_t horizon) {
  const double best = *std::max_element(means.begin(), means.end());
  double log_terms = 0;
  double gaps = 0;
  for (double mean : means) {
    const double gap = best - mean;
    if (gap <= 0) continue;
    log_terms += 8.0 * std::log(static_cast<double>(horizon)) / gap;
    gaps += gap;
  }
  return log_terms + (1.0 + M_PI * M_PI / 3.0) * gaps;
}

double LaiRobbinsConstant(absl::Span<const double> means) {
  const double best = *std::max_element(means.begin(), means.end());
  double constant = 0;
  for (double mean : means) {
    if (best - mean > 0) constant += (best - mean) / BernoulliKl(mean, best);
  }
  return constant;
}

double Exp3UpperBound(int arm_count, int64_t horizon) {
  const double k = arm_count;
  return 2.0 * std::sqrt(M_E - 1.0) * std::sqrt(static_cast<double>(horizon) * k * std::log(k));
}

std::optional<double> RegretUpperBound(absl::string_view policy, const BanditProblem& problem,
                                       int64_t horizon) {
  if (policy == "ucb1" && problem.kind() == ProblemKind::kStationary) {
    BanditRound round;
    problem.MakeRound(0, 0, &round);
    return Ucb1UpperBound(round.means, horizon);
  }
  // EXP3's bound is on regret against the best fixed arm; on stationary and adversarial problems
  // that is the regret measured here.
  if (policy == "exp3" &&
      (problem.kind() == ProblemKind::kStationary || problem.kind() == ProblemKind::kAdversarial)) {
    return Exp3UpperBound(problem.arm_count(), horizon);
  }
  return std::nullopt;
}

std::optional<double> LogLogSlope(absl::Span<const int64_t> horizons,
                                  absl::Span<const double> regrets) {
  std::vector<std::pair<double, double>> points;
  for (size_t i = 0; i < horizons.size() && i < regrets.size(); ++i) {
    if (regrets[i] > 0) {
      points.emplace_back(std::log(static_cast<double>(horizons[i])), std::log(regrets[i]));
    }
  }
  if (points.size() < 2) return std::nullopt;
  double mean_x = 0, mean_y = 0;
  for (const auto& [x, y] : points) {
    mean_x += x;
    mean_y += y;
  }
  mean_x /= points.size();
  mean_y /= points.size();
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : points) {
    sxy += (x - mean_x) * (y - mean_y);
    sxx += (x - mean_x) * (x - mean_x);
  }
  if (sxx <= 0) return std::nullopt;
  return sxy / sxx;
}

}  // namespace hyperd::bench
