// Simulated bandit problems with known arm means (specs/bandits.md §7), for measuring the regret
// of the policies in algorithms/samplers/bandit.
//
// A problem is a pure function of (round, run seed): MakeRound gives the context a policy sees
// and every arm's expected reward in that round; Reward gives the observed reward of one arm.
// Rewards are counter-based draws, so every policy run with the same seed faces the same reward
// table (common random numbers) and differences between policies are not sampling noise of the
// environment.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<BanditProblem> problem, MakeBanditProblem("bernoulli2"));
//   BanditRound round;
//   problem->MakeRound(t, seed, &round);
//   double r = problem->Reward(t, seed, arm, round);
#ifndef HYPERD_BENCH_BANDITS_BANDIT_PROBLEM_H_
#define HYPERD_BENCH_BANDITS_BANDIT_PROBLEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperd::bench {

// What a policy sees, and what regret is measured from, in one round.
struct BanditRound {
  std::vector<double> context;  // empty for non-contextual problems
  std::vector<double> means;    // every arm's expected reward this round (given the context)
};

// What regret is measured against.
enum class RegretBaseline {
  // Pseudo-regret sum_t (max_i mu_i(t) - mu_{I_t}(t)): the best arm of every round (of every phase
  // of a switching problem, of every context of a contextual one).
  kBestArmEachRound,
  // max_i sum_t mu_i(t) - sum_t mu_{I_t}(t): the best single arm in hindsight, the regret of
  // adversarial bandits (EXP3's guarantee). Can be negative for a policy that follows changes.
  kBestFixedArm,
};

// How the theory classifies a problem (decides which regret rates apply).
enum class ProblemKind { kStationary, kSwitching, kDrifting, kAdversarial, kContextual };

class BanditProblem {
 public:
  virtual ~BanditProblem() = default;

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  ProblemKind kind() const { return kind_; }
  int arm_count() const { return arm_count_; }
  RegretBaseline baseline() const { return baseline_; }
  // Length of the context vector (0 for non-contextual problems).
  virtual int context_dimension() const { return 0; }
  // Stationary segments among the first `horizon` rounds (Upsilon_T of spec §4, counting the
  // first segment: S4 has 2 over 10,000 rounds); 0 when the means drift smoothly (no segments).
  virtual int64_t SegmentsWithin(int64_t horizon) const;

  // Round t (0-based) of a run seeded `seed`. Reuses `round`'s storage.
  virtual void MakeRound(int64_t t, uint64_t seed, BanditRound* round) const = 0;
  // The observed reward in [0, 1] of `arm` in round t of a run seeded `seed`, `round` being that
  // round. Default: Bernoulli(means[arm]).
  virtual double Reward(int64_t t, uint64_t seed, int arm, const BanditRound& round) const;
  // Whether rewards are Bernoulli draws of the means (the Lai-Robbins constant applies).
  virtual bool bernoulli_rewards() const { return true; }

 protected:
  BanditProblem(std::string name, std::string description, ProblemKind kind, int arm_count,
                RegretBaseline baseline)
      : name_(std::move(name)),
        description_(std::move(description)),
        kind_(kind),
        arm_count_(arm_count),
        baseline_(baseline) {}

  // A uniform draw in [0, 1) that depends only on (seed, t, stream).
  static double Uniform(uint64_t seed, int64_t t, uint64_t stream);

 private:
  std::string name_;
  std::string description_;
  ProblemKind kind_;
  int arm_count_;
  RegretBaseline baseline_;
};

// The problems MakeBanditProblem knows, in presentation order:
//   bernoulli2   S1 of §7.1: K = 2, mu = (0.9, 0.8)
//   bernoulli10  S2 of §7.1: K = 10, nine arms at 0.5, the last at 0.6
//   gaussian5    K = 5, N(0.40 ... 0.60 step 0.05, 0.2^2) clipped to [0, 1] (exact clipped means)
//   switch2      S4 of §7.2: mu = (0.7, 0.5) for rounds 1..5000, then (0.3, 0.5)
//   rotate3      S3 of §7.2: K = 3, means rotate every 2500 rounds
//   drift3       K = 3, mu_i(t) = 0.5 + 0.3 sin(2 pi (t / 5000 + i / 3)): smooth drift
//   adversarial2 K = 2, deterministic: arm 0 pays 0.9 in even rounds, arm 1 pays 1 in odd rounds
//                (rounds counted from 1), else 0; regret against the best fixed arm (arm 1)
//   linear5      K = 5, context [1, z1, z2], z uniform in [-1, 1]^2, Bernoulli with means
//                0.5 + 0.3 z1, 0.5 - 0.3 z1, 0.5 + 0.3 z2, 0.5 - 0.3 z2, 0.6
std::vector<std::string> BanditProblemNames();

// INVALID_ARGUMENT naming the known problems for an unknown name.
absl::StatusOr<std::unique_ptr<BanditProblem>> MakeBanditProblem(absl::string_view name);

// The mean of clip(X, 0, 1) for X ~ N(location, sigma^2), sigma > 0.
double ClippedNormalMean(double location, double sigma);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_BANDIT_PROBLEM_H_
