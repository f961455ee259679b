// The policy under test in a simulation: a policy of the hyperd_bandit library (the code being
// measured), or the uniform-random baseline, behind one small interface.
#ifndef HYPERD_BENCH_BANDITS_SIMULATED_POLICY_H_
#define HYPERD_BENCH_BANDITS_SIMULATED_POLICY_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "algorithms/samplers/bandit/bandit_policy.h"

namespace hyperd::bench {

class SimulatedPolicy {
 public:
  virtual ~SimulatedPolicy() = default;
  // As BanditPolicy::Select.
  virtual absl::StatusOr<algorithms::BanditDecision> Select(absl::Span<const int64_t> pending,
                                                            absl::Span<const double> context,
                                                            uint64_t decision_seed) = 0;
  // As BanditPolicy::Update, for a decision Select returned with the same context and seed.
  virtual absl::Status Update(const algorithms::BanditDecision& decision, double reward,
                              absl::Span<const double> context, uint64_t decision_seed) = 0;
};

// Forwards every call to `policy` (not null).
std::unique_ptr<SimulatedPolicy> WrapBanditPolicy(std::unique_ptr<algorithms::BanditPolicy> policy);

// Picks every arm with probability 1 / arm_count from the decision seed, learns nothing.
std::unique_ptr<SimulatedPolicy> MakeUniformRandomPolicy(int arm_count);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_SIMULATED_POLICY_H_
