#include "bench/bandits/policy_catalog.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "algorithms/samplers/bandit/bandit_config.h"
#include "common/status_macros.h"

namespace hyperd::bench {
namespace {

using algorithms::BanditAlgorithm;
using algorithms::BanditConfig;
using algorithms::DriftKind;

// The library configuration of a catalog policy (not "random").
BanditConfig ConfigFor(absl::string_view name, const PolicyEnvironment& env) {
  BanditConfig config;
  if (name == "ucb1" || name == "ucb1_tuned" || name == "d_ucb" || name == "sw_ucb" ||
      name == "d_ucb_tuned" || name == "sw_ucb_tuned") {
    config.algorithm = BanditAlgorithm::kUcb1;
    config.ucb1.tuned = name == "ucb1_tuned";
    if (name == "d_ucb" || name == "d_ucb_tuned") {
      config.ucb1.drift.kind = DriftKind::kDiscounted;
    }
    if (name == "sw_ucb" || name == "sw_ucb_tuned") {
      config.ucb1.drift.kind = DriftKind::kSlidingWindow;
    }
    if (name == "d_ucb_tuned" || name == "sw_ucb_tuned") {
      // The library derives gamma / tau from (expected_changes, horizon) as in §4; like the spec's
      // S3/S4 tunings, expected_changes counts the stationary segments.
      config.ucb1.drift.expected_changes = env.segments;
      config.ucb1.drift.horizon = env.horizon;
    }
  } else if (name == "thompson" || name == "thompson_ng" || name == "dts") {
    config.algorithm = BanditAlgorithm::kThompson;
    if (name == "thompson_ng") config.thompson.prior = algorithms::ThompsonPrior::kNormalGamma;
    if (name == "dts") config.thompson.drift.kind = DriftKind::kDiscounted;
  } else if (name == "exp3" || name == "exp3s") {
    config.algorithm = BanditAlgorithm::kExp3;
    config.exp3.horizon = env.horizon;
    if (name == "exp3s") config.exp3.switches = std::max<int64_t>(1, env.best_arm_switches);
  } else if (name == "exp3_discounted") {
    // No horizon: gamma comes from the memory length 1/(1 - 0.99) = 100 alone (it would be
    // min(T, 100) with one, the same at every reported horizon), so one run serves every T.
    config.algorithm = BanditAlgorithm::kExp3;
    config.exp3.drift.kind = DriftKind::kDiscounted;
  } else if (name == "tsallis_inf") {
    config.algorithm = BanditAlgorithm::kTsallisInf;
  } else if (name == "linucb" || name == "linucb_raw" || name == "linucb_paper") {
    config.algorithm = BanditAlgorithm::kLinUcb;
    config.linucb.context_dimension = env.context_dimension;
    if (name == "linucb_raw") config.linucb.target = algorithms::LinUcbTarget::kReward;
    // Li et al. 2010's alpha = 1 + sqrt(ln(2/delta)/2) for delta = 0.05 (§5).
    if (name == "linucb_paper") config.linucb.alpha = 1 + std::sqrt(std::log(2 / 0.05) / 2);
  }
  return config;
}

}  // namespace

const std::vector<PolicyInfo>& PolicyCatalog() {
  static const auto* const kCatalog = new std::vector<PolicyInfo>{
      {"random", "uniform over the arms (baseline)", false, false, false},
      {"ucb1", "UCB1, c = 2", false, false, false},
      {"ucb1_tuned", "UCB1-Tuned", false, false, false},
      {"thompson", "Beta(1,1) Thompson sampling, Bernoulli trick", false, false, false},
      {"thompson_ng", "Normal-Gamma Thompson sampling", false, false, false},
      {"dts", "discounted Beta TS, gamma = 0.99", false, false, false},
      {"exp3", "EXP3, gamma tuned for T (g = T)", true, false, false},
      {"exp3s", "EXP3.S, alpha = 1/T, gamma from T and S", true, false, false},
      {"exp3_discounted", "discounted EXP3, gamma_d = 0.99, gamma for memory 100", false, false,
       false},
      {"tsallis_inf", "Tsallis-INF, eta_t = 2/sqrt(t)", false, false, false},
      {"d_ucb", "D-UCB, gamma = 0.99", false, false, false},
      {"sw_ucb", "SW-UCB, tau = 200", false, false, false},
      {"d_ucb_tuned", "D-UCB, gamma = 1 - sqrt(U/T)/4", true, false, true},
      {"sw_ucb_tuned", "SW-UCB, tau = 2 sqrt(T ln T / U)", true, false, true},
      {"linucb", "LinUCB, alpha = 0.5, regresses -loss", false, true, false},
      {"linucb_raw", "LinUCB, alpha = 0.5, regresses the reward", false, true, false},
      {"linucb_paper", "LinUCB, alpha = 2.36 (delta = 0.05), regresses -loss", false, true, false},
  };
  return *kCatalog;
}

std::vector<std::string> DefaultPolicyNames() {
  std::vector<std::string> names;
  for (const PolicyInfo& policy : PolicyCatalog()) {
    if (policy.name != "thompson_ng" && policy.name != "linucb_raw" &&
        policy.name != "linucb_paper") {
      names.push_back(policy.name);
    }
  }
  return names;
}

absl::StatusOr<const PolicyInfo*> FindPolicy(absl::string_view name) {
  std::vector<std::string> known;
  for (const PolicyInfo& policy : PolicyCatalog()) {
    if (policy.name == name) return &policy;
    known.push_back(policy.name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--policies: unknown policy '", name, "'; known: ", absl::StrJoin(known, ", ")));
}

bool PolicyApplies(const PolicyInfo& policy, const PolicyEnvironment& environment) {
  if (policy.needs_context && environment.context_dimension == 0) return false;
  if (policy.needs_segments && environment.segments == 0) return false;
  return true;
}

absl::StatusOr<std::unique_ptr<SimulatedPolicy>> MakeSimulatedPolicy(
    const PolicyInfo& policy, const PolicyEnvironment& environment) {
  if (policy.name == "random") return MakeUniformRandomPolicy(environment.arm_count);
  ASSIGN_OR_RETURN(
      std::unique_ptr<algorithms::BanditPolicy> bandit,
      algorithms::MakeBanditPolicy(ConfigFor(policy.name, environment), environment.arm_count));
  return WrapBanditPolicy(std::move(bandit));
}

}  // namespace hyperd::bench
