// One pass of a policy over a sequence of SOR instances (specs/bandits.md §6): per instance the
// policy picks omega (an arm) from the instance's context, the system is "solved" and the policy
// learns the reward 1 - min(iterations, cap) / cap through the library's reward normalisation.
// Instance t is trial number t (decision seed MixSeed(study_seed, t)); with batch = k the policy
// picks omega for k queued instances before any of their iteration counts arrive (§6: a client
// may batch suggestions), with the still-pending pulls passed to Select.
#ifndef HYPERD_BENCH_BANDITS_SOR_SIMULATION_H_
#define HYPERD_BENCH_BANDITS_SOR_SIMULATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/bandits/simulated_policy.h"
#include "bench/bandits/sor_fixture.h"

namespace hyperd::bench {

struct SorSimulationOptions {
  uint64_t study_seed = 0;
  int batch = 1;  // >= 1
  // Rerun SOR for every instance instead of reading the fixture's table, and fail with INTERNAL
  // if a count differs from the table (a check that the table is the solver).
  bool solve_every_instance = false;
};

// The SOR sweeps spent on each instance (shift indices from SorFixture::DrawInstances), in order.
// Errors: INVALID_ARGUMENT for batch < 1, the policy's errors annotated with the instance.
absl::StatusOr<std::vector<int64_t>> SimulateSorSequence(const SorFixture& fixture,
                                                         SimulatedPolicy& policy,
                                                         const std::vector<int>& instances,
                                                         const SorSimulationOptions& options);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_SOR_SIMULATION_H_
