// The bandit of a study whose sampler is a bandit policy (ucb1, thompson, exp3, tsallis_inf,
// linucb): the arms (the points of the finite search space), the policy, the pulls still waiting
// for their reward, and how an objective becomes a reward.
//
// Unlike a Sampler, a policy learns incrementally: the runtime feeds it each finished trial's
// reward exactly once, in completion order, and numbers the rewards (BanditPull.reward_sequence)
// so a restart re-applies them in the same order and the policy is bit for bit what it was.
// Owned by StudyState and guarded by its mutex; nothing here scans the trials.
#ifndef HYPERD_SERVER_STUDY_BANDIT_H_
#define HYPERD_SERVER_STUDY_BANDIT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/spec_conversion.h"

namespace hyperd::server {

class StudyBandit {
 public:
  // Arms per study; LinUCB is also bounded by its matrix memory (kMaxLinUcbMatrixEntries).
  static constexpr int64_t kMaxArms = 100'000;

  // From a normalised spec whose sampler IsBanditSampler and its validated space. INVALID_ARGUMENT
  // with a path relative to the spec ("sampler.ucb1.alpha: ...", "search_space.parameters[0]
  // ('lr'): a bandit arm needs a finite set of values; ...", "context_dimension: ...").
  static absl::StatusOr<std::unique_ptr<StudyBandit>> Create(const hyperd::v1::StudySpec& spec,
                                                             const algorithms::SearchSpace& space);

  int arm_count() const { return static_cast<int>(arms_.size()); }
  const algorithms::Assignment& arm(int index) const { return arms_[index]; }
  // The arm with these parameter values (stepped floats within rounding of their grid), or
  // INVALID_ARGUMENT when the assignment is not one of the arms.
  absl::StatusOr<int> ArmOf(const algorithms::Assignment& assignment) const;

  // The arm for a new pull, given the pulls still pending. Changes nothing.
  absl::StatusOr<algorithms::BanditDecision> Select(absl::Span<const double> context,
                                                    uint64_t decision_seed) const;
  // The probability the policy would draw `arm` with now: what a trial queued by CreateTrial is
  // recorded with when a worker takes it (EXP3 and Tsallis-INF; 1 for argmax policies).
  double CurrentProbability(int arm) const;

  // A trial of `arm` opened (handed to a worker) or closed (finished).
  void OnOpened(int arm) { ++pending_[arm]; }
  void OnClosed(int arm) { --pending_[arm]; }
  const std::vector<int64_t>& pending() const { return pending_; }

  // The reward a trial that ended in `state` with `objective` (if any) teaches the policy, or
  // none: a FAILED trial without an objective teaches nothing unless the study sets
  // failure_reward. Non-finite objectives and INFEASIBLE trials get the minimum reward 0.
  std::optional<double> RewardOf(hyperd::v1::Trial::State state, std::optional<double> objective,
                                 algorithms::Goal goal) const;

  // Applies `reward` to the pull recorded in `pull` (its arm and probability) with the trial's
  // context and decision seed, and records the reward and its sequence number in `pull`.
  absl::Status Apply(double reward, absl::Span<const double> context, uint64_t decision_seed,
                     hyperd::v1::BanditPull& pull);
  // Re-applies a reward recorded by Apply (at load, in reward_sequence order). DATA_LOSS when the
  // recorded sequence number is not the next one.
  absl::Status Replay(const hyperd::v1::BanditPull& pull, absl::Span<const double> context,
                      uint64_t decision_seed);

  const algorithms::BanditPolicy& policy() const { return *policy_; }
  // One line for Study.sampler_status: rewards applied and the arm with the best mean.
  std::string StatusLine() const;

 private:
  StudyBandit() = default;
  std::string KeyOf(const algorithms::Assignment& assignment) const;

  algorithms::SearchSpace space_;
  std::vector<algorithms::Assignment> arms_;
  absl::flat_hash_map<std::string, int> arm_by_key_;
  std::unique_ptr<algorithms::BanditPolicy> policy_;
  BanditStudyConfig::Reward reward_;
  std::vector<int64_t> pending_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_STUDY_BANDIT_H_
