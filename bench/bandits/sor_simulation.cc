#include "bench/bandits/sor_simulation.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/bandit/reward_normalization.h"
#include "algorithms/samplers/random_bits.h"

namespace hyperd::bench {
namespace {

struct QueuedInstance {
  int64_t index = 0;
  uint64_t seed = 0;
  std::vector<double> context;
  algorithms::BanditDecision decision;
};

}  // namespace

absl::StatusOr<std::vector<int64_t>> SimulateSorSequence(const SorFixture& fixture,
                                                         SimulatedPolicy& policy,
                                                         const std::vector<int>& instances,
                                                         const SorSimulationOptions& options) {
  if (options.batch < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("SOR simulation batch = ", options.batch, "; it must be >= 1"));
  }
  algorithms::RewardNormalization normalization;
  normalization.scale = algorithms::RewardScale::kCappedCost;
  normalization.cap = fixture.options().loss_cap;
  if (absl::Status status =
          algorithms::ValidateRewardNormalization(normalization, "SorFixtureOptions.loss_cap");
      !status.ok()) {
    return status;
  }
  const int64_t count = static_cast<int64_t>(instances.size());
  std::vector<int64_t> iterations(instances.size(), 0);
  std::vector<int64_t> pending(fixture.arm_count(), 0);
  std::vector<QueuedInstance> queue(options.batch);
  for (int64_t start = 0; start < count; start += options.batch) {
    const int64_t size = std::min<int64_t>(options.batch, count - start);
    for (int64_t k = 0; k < size; ++k) {
      QueuedInstance& q = queue[k];
      q.index = start + k;
      q.seed = algorithms::MixSeed(options.study_seed, static_cast<uint64_t>(q.index));
      q.context = fixture.Context(instances[q.index]);
      absl::StatusOr<algorithms::BanditDecision> decision = policy.Select(
          options.batch > 1 ? absl::Span<const int64_t>(pending) : absl::Span<const int64_t>(),
          q.context, q.seed);
      if (!decision.ok()) {
        return absl::Status(
            decision.status().code(),
            absl::StrCat("instance ", q.index + 1, ": Select: ", decision.status().message()));
      }
      q.decision = *decision;
      ++pending[q.decision.arm];
    }
    for (int64_t k = 0; k < size; ++k) {
      const QueuedInstance& q = queue[k];
      const int shift = instances[q.index];
      int64_t sweeps = fixture.Iterations(shift, q.decision.arm);
      if (options.solve_every_instance) {
        absl::StatusOr<int64_t> solved = fixture.SolveUncached(shift, q.decision.arm);
        if (!solved.ok()) return solved.status();
        if (*solved != sweeps) {
          return absl::InternalError(absl::StrCat("instance ", q.index + 1, ": SOR took ", *solved,
                                                  " sweeps, the table says ", sweeps));
        }
        sweeps = *solved;
      }
      iterations[q.index] = sweeps;
      --pending[q.decision.arm];
      const double reward = algorithms::NormalizeReward(normalization, /*maximize=*/false,
                                                        static_cast<double>(sweeps));
      if (absl::Status status = policy.Update(q.decision, reward, q.context, q.seed);
          !status.ok()) {
        return absl::Status(status.code(),
                            absl::StrCat("instance ", q.index + 1, ": Update: ", status.message()));
      }
    }
  }
  return iterations;
}

}  // namespace hyperd::bench
