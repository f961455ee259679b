#include "bench/bandits/regret_simulation.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/random_bits.h"
#include "bench/bandits/regret_account.h"

namespace hyperd::bench {
namespace {

absl::Status ValidateOptions(const SimulationOptions& options) {
  if (options.horizon < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("simulation horizon = ", options.horizon, "; run at least 1 round"));
  }
  if (options.batch < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("simulation batch = ", options.batch, "; it must be >= 1"));
  }
  int64_t previous = 0;
  for (int64_t checkpoint : options.checkpoints) {
    if (checkpoint <= previous || checkpoint > options.horizon) {
      return absl::InvalidArgumentError(absl::StrCat("simulation checkpoint ", checkpoint,
                                                     " is not ascending within [1, ",
                                                     options.horizon, "]"));
    }
    previous = checkpoint;
  }
  return absl::OkStatus();
}

// A pull whose reward has not been applied yet.
struct PendingPull {
  int64_t round = 0;
  uint64_t seed = 0;
  algorithms::BanditDecision decision;
  BanditRound state;
};

}  // namespace

absl::StatusOr<std::vector<double>> SimulateRegret(const BanditProblem& problem,
                                                   SimulatedPolicy& policy,
                                                   const SimulationOptions& options) {
  if (absl::Status status = ValidateOptions(options); !status.ok()) return status;
  RegretAccount account(problem.baseline(), problem.arm_count());
  std::vector<double> regrets;
  regrets.reserve(options.checkpoints.size());
  size_t next_checkpoint = 0;
  std::vector<int64_t> pending(problem.arm_count(), 0);
  std::vector<PendingPull> batch(options.batch);
  for (int64_t start = 0; start < options.horizon; start += options.batch) {
    const int64_t size = std::min<int64_t>(options.batch, options.horizon - start);
    for (int64_t k = 0; k < size; ++k) {
      PendingPull& pull = batch[k];
      pull.round = start + k;
      pull.seed = algorithms::MixSeed(options.study_seed, static_cast<uint64_t>(pull.round));
      problem.MakeRound(pull.round, options.problem_seed, &pull.state);
      absl::StatusOr<algorithms::BanditDecision> decision = policy.Select(
          options.batch > 1 ? absl::Span<const int64_t>(pending) : absl::Span<const int64_t>(),
          pull.state.context, pull.seed);
      if (!decision.ok()) {
        return absl::Status(
            decision.status().code(),
            absl::StrCat("round ", pull.round + 1, ": Select: ", decision.status().message()));
      }
      pull.decision = *decision;
      ++pending[pull.decision.arm];
    }
    for (int64_t k = 0; k < size; ++k) {
      PendingPull& pull = batch[k];
      const double reward =
          problem.Reward(pull.round, options.problem_seed, pull.decision.arm, pull.state);
      --pending[pull.decision.arm];
      if (absl::Status status = policy.Update(pull.decision, reward, pull.state.context, pull.seed);
          !status.ok()) {
        return absl::Status(status.code(),
                            absl::StrCat("round ", pull.round + 1, ": Update: ", status.message()));
      }
      account.Record(pull.state.means, pull.decision.arm);
      while (next_checkpoint < options.checkpoints.size() &&
             options.checkpoints[next_checkpoint] == pull.round + 1) {
        regrets.push_back(account.Regret());
        ++next_checkpoint;
      }
    }
  }
  return regrets;
}

int64_t BestArmSwitches(const BanditProblem& problem, int64_t horizon) {
  if (problem.context_dimension() > 0) return 0;
  BanditRound round;
  int64_t switches = 0;
  int previous_best = -1;
  for (int64_t t = 0; t < horizon; ++t) {
    problem.MakeRound(t, /*seed=*/0, &round);
    const int best = static_cast<int>(std::max_element(round.means.begin(), round.means.end()) -
                                      round.means.begin());
    if (previous_best >= 0 && best != previous_best) ++switches;
    previous_best = best;
  }
  return switches;
}

}  // namespace hyperd::bench
