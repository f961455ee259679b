// The policies the bandit benchmarks run, by name, each a configuration of the hyperd_bandit
// library (MakeBanditPolicy) except the uniform-random baseline.
//
//   random        uniform over the arms (baseline)
//   ucb1          UCB1, c = 2 (§1)
//   ucb1_tuned    UCB1-Tuned (§1)
//   thompson      Beta(1, 1) Thompson sampling with the Bernoulli trick (§2)
//   thompson_ng   Normal-Gamma Thompson sampling, unknown variance (§2)
//   dts           discounted Beta Thompson sampling, gamma = 0.99 (§4)
//   exp3          EXP3, gamma tuned for the horizon T (g = T, §3.1)
//   exp3s         EXP3.S, alpha = 1/T, gamma from T and S = the best arm's switches (§3.1)
//   exp3_discounted  discounted EXP3, gamma_d = 0.99, gamma from the memory length
//                 1/(1 - gamma_d) = 100 (exp3_policy.h)
//   tsallis_inf   Tsallis-INF, eta_t = 2/sqrt(t) (§3.2)
//   d_ucb         D-UCB, gamma = 0.99, alpha = 2 (§4 default)
//   sw_ucb        SW-UCB, tau = 200, alpha = 2 (§4 default)
//   d_ucb_tuned   D-UCB, gamma = 1 - sqrt(U/T)/4 for U stationary segments in T (§4 tuning)
//   sw_ucb_tuned  SW-UCB, tau = 2 sqrt(T ln T / U) (§4 tuning)
//   linucb        disjoint LinUCB, alpha = 0.5, regressing on -loss (§5), contextual problems only
//   linucb_raw    the same regressing on the reward 1 - loss: the §5 pitfall, for comparison
//   linucb_paper  LinUCB with Li et al.'s alpha = 1 + sqrt(ln(2/delta)/2) = 2.36 (delta = 0.05)
#ifndef HYPERD_BENCH_BANDITS_POLICY_CATALOG_H_
#define HYPERD_BENCH_BANDITS_POLICY_CATALOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/bandits/simulated_policy.h"

namespace hyperd::bench {

// What a policy may be configured from: the problem's shape and what its user could know.
struct PolicyEnvironment {
  int arm_count = 0;
  int context_dimension = 0;      // 0 for non-contextual problems
  int64_t horizon = 0;            // T of the run
  int64_t segments = 0;           // stationary segments within T; 0 = smooth drift (unknown)
  int64_t best_arm_switches = 0;  // switches of the best arm within T (EXP3.S's S)
};

struct PolicyInfo {
  std::string name;
  std::string description;
  // Configured from T (EXP3's gamma, the tuned drift settings): one run per reported horizon
  // rather than one run read at checkpoints.
  bool horizon_dependent = false;
  bool needs_context = false;   // runs only where context_dimension > 0
  bool needs_segments = false;  // runs only where segments > 0 (a tuning needs them)
};

// Every policy above, in presentation order.
const std::vector<PolicyInfo>& PolicyCatalog();

// The names run when --policies is not given: the catalog without thompson_ng, linucb_raw and
// linucb_paper.
std::vector<std::string> DefaultPolicyNames();

// INVALID_ARGUMENT naming the known policies for an unknown name.
absl::StatusOr<const PolicyInfo*> FindPolicy(absl::string_view name);

// Whether `policy` applies to a problem with this environment (context, segments).
bool PolicyApplies(const PolicyInfo& policy, const PolicyEnvironment& environment);

// A fresh policy; errors are MakeBanditPolicy's.
absl::StatusOr<std::unique_ptr<SimulatedPolicy>> MakeSimulatedPolicy(
    const PolicyInfo& policy, const PolicyEnvironment& environment);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_POLICY_CATALOG_H_
