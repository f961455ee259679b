// One simulated run of a policy on a bandit problem, recording cumulative regret at checkpoints.
//
// Round t (0-based) is trial number t: its decision seed is MixSeed(study_seed, t), as the study
// runtime seeds decisions (specs/bandits.md §0). With batch = k the policy chooses k arms (rounds
// t .. t+k-1, each with its own context) before any of their rewards arrive, passing the pulls
// still waiting as `pending` (delayed feedback, §0); the rewards are then applied in order.
#ifndef HYPERD_BENCH_BANDITS_REGRET_SIMULATION_H_
#define HYPERD_BENCH_BANDITS_REGRET_SIMULATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/bandits/bandit_problem.h"
#include "bench/bandits/simulated_policy.h"

namespace hyperd::bench {

struct SimulationOptions {
  int64_t horizon = 0;               // rounds to run, >= 1
  std::vector<int64_t> checkpoints;  // ascending, each in [1, horizon]
  int batch = 1;                     // >= 1
  uint64_t problem_seed = 0;         // the problem's contexts and rewards
  uint64_t study_seed = 0;           // the policy's decisions
};

// Cumulative regret (RegretAccount, the problem's baseline) after each checkpoint's number of
// rounds. INVALID_ARGUMENT for bad options; otherwise the first error of the policy, annotated
// with the round.
absl::StatusOr<std::vector<double>> SimulateRegret(const BanditProblem& problem,
                                                   SimulatedPolicy& policy,
                                                   const SimulationOptions& options);

// Switches of the best arm (the argmax of the means, lowest index on ties) within the first
// `horizon` rounds of a non-contextual problem; 0 for a contextual one.
int64_t BestArmSwitches(const BanditProblem& problem, int64_t horizon);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_REGRET_SIMULATION_H_
