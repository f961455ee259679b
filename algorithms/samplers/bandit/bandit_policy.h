// A bandit policy (specs/bandits.md): chooses one of K arms (indices 0..K-1) per pull and learns
// from rewards in [0, 1] that arrive later, possibly out of order. Pure and deterministic: all
// randomness flows from the seeds the caller passes, so replaying the same Select/Update calls in
// the same order reproduces every decision bit for bit (also across a SerializeState /
// RestoreState round trip).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<BanditPolicy> policy, MakeBanditPolicy(config, arm_count));
//   // suggest: pending[i] = pulls of arm i still waiting for their reward
//   ASSIGN_OR_RETURN(BanditDecision d,
//                    policy->Select(pending, context, MixSeed(study_seed, trial_number)));
//   ... store d.arm, d.probability, context and the seed with the trial ...
//   // complete (exactly once per trial):
//   RETURN_IF_ERROR(policy->Update(d.arm, reward, d.probability, context, seed));
//
// Thread safety: none internally. Const methods may run concurrently with each other, not with
// Update or RestoreState (the study runtime's mutex serialises them).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_POLICY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "algorithms/samplers/bandit/bandit_config.h"

namespace hyperd::algorithms {

// What a policy believes about one arm, for hyperctl and the study status.
struct ArmSummary {
  // Rewards applied to the arm so far (every one, also those a drift policy has forgotten).
  int64_t pulls = 0;
  // The policy's own (discounted / windowed for drift variants) pull count behind mean_reward:
  // equal to `pulls` for stationary policies.
  double effective_pulls = 0;
  // The policy's estimate of the arm's mean reward: the (discounted / windowed) empirical mean
  // for UCB, EXP3, Tsallis-INF and LinUCB (LinUCB's model depends on the context, so the
  // empirical mean of its rewards is shown), 0 without rewards; the posterior mean for Thompson
  // sampling (the prior mean without rewards).
  double mean_reward = 0;
  // An interval around mean_reward, clamped to [0, 1]: UCB: mean -/+ the exploration bonus;
  // Thompson: posterior mean -/+ 2 posterior standard deviations; EXP3, Tsallis-INF, LinUCB:
  // mean -/+ the Hoeffding radius sqrt(ln(20) / (2 n)) (95 %). [0, 1] for an arm without rewards.
  double lower_bound = 0;
  double upper_bound = 1;
  // Probability that the next Select (without pending pulls or context) picks the arm, for
  // policies that sample from an explicit distribution (EXP3, Tsallis-INF); otherwise 0 except 1
  // for the arm a deterministic index policy (UCB) would pick; Thompson and LinUCB: 0.
  double selection_probability = 0;
};

struct BanditDecision {
  int arm = 0;
  // Probability with which `arm` was drawn, for policies that draw from an explicit distribution
  // (EXP3, Tsallis-INF); 1 for argmax policies (UCB, Thompson, LinUCB). The runtime stores it with
  // the trial and passes it back to Update: importance weights use the probability at suggest
  // time, not the current distribution (§0).
  double probability = 1;
};

class BanditPolicy {
 public:
  virtual ~BanditPolicy() = default;

  // The algorithm's name as in the study spec: "ucb1", "thompson", "exp3", "tsallis_inf",
  // "linucb".
  virtual absl::string_view name() const = 0;
  virtual int arm_count() const = 0;
  // Context length the policy needs (LinUCB's d), 0 for non-contextual policies.
  virtual int context_dimension() const = 0;
  // Rewards applied so far: the round counter t of the spec (§0).
  virtual int64_t rewards_applied() const = 0;

  // Chooses the arm of one new pull. O(K) (LinUCB O(K d^2)), no allocation beyond O(K).
  //  * pending: empty (no pending pulls) or K counts >= 0 of pulls whose reward has not arrived.
  //    UCB-type policies count them as virtual pulls (n_i + pending_i, mean unchanged; the log
  //    term's t includes all pending pulls), so simultaneous decisions spread over the arms; an
  //    arm with pending pulls but no reward is scored with the optimistic mean 1. Randomised
  //    policies ignore them.
  //  * context: the trial's context vector; LinUCB requires exactly context_dimension() finite
  //    values, other policies ignore it.
  //  * decision_seed: this decision's randomness (the runtime passes
  //    MixSeed(study_seed, trial_number)); the same seed and state give the same decision.
  // Ties go to the lowest index. INVALID_ARGUMENT (naming the argument) for a pending vector of
  // the wrong length or with negative entries, or a bad context; the policy is unchanged.
  virtual absl::StatusOr<BanditDecision> Select(absl::Span<const int64_t> pending,
                                                absl::Span<const double> context,
                                                uint64_t decision_seed) const = 0;

  // Applies one reward in [0, 1] for a pull of `arm` that Select returned with `probability`,
  // `context` and `decision_seed` (the same values; Beta Thompson sampling draws its Bernoulli
  // trick coin from a stream derived from the seed). Call exactly once per pull; the round
  // counter advances by one. O(1) amortised (LinUCB O(d^2), with an O(d^3) refresh of A^-1 every
  // refresh_interval updates of an arm; drift variants O(1) amortised, with an occasional O(K)
  // rescale). INVALID_ARGUMENT and no change for an arm outside [0, K), a reward outside [0, 1]
  // or not finite, a probability outside (0, 1] (EXP3: below its floor gamma/K), or a bad context
  // (LinUCB).
  virtual absl::Status Update(int arm, double reward, double probability,
                              absl::Span<const double> context, uint64_t decision_seed) = 0;

  // One entry per arm, in arm order.
  virtual std::vector<ArmSummary> Summary() const = 0;

  // The complete learned state as printable ASCII (doubles stored bit-exactly), starting with
  // the policy's name, arm count and settings. The state blob of the sampler in storage.
  virtual std::string SerializeState() const = 0;
  // Replaces the learned state with one written by SerializeState of a policy with the same
  // configuration and arm count; afterwards every Select and Update behaves exactly as on the
  // policy that wrote it. INVALID_ARGUMENT (and the policy unchanged) for a state of another
  // algorithm, configuration or arm count, or any malformed or inconsistent input; never crashes.
  virtual absl::Status RestoreState(absl::string_view state) = 0;
};

// A fresh policy for `arm_count` arms (>= 1; LinUCB and the others have no upper limit here,
// EnumerateArms caps the space). INVALID_ARGUMENT with a field path for settings out of range:
// "sampler.ucb1.alpha: must be > 0, got -1", "sampler.thompson.drift.kind: sliding window is not
// defined for Thompson sampling; use DISCOUNTED", "sampler.linucb.context_dimension: ...".
absl::StatusOr<std::unique_ptr<BanditPolicy>> MakeBanditPolicy(const BanditConfig& config,
                                                               int arm_count);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_POLICY_H_
