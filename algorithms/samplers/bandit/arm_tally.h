// Pulls and reward sums per arm, with their part of the policy state: the bookkeeping of the
// policies whose model is not a per-arm posterior (EXP3, Tsallis-INF, LinUCB), which still report
// per-arm means and Hoeffding intervals in Summary().
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_ARM_TALLY_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_ARM_TALLY_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"

namespace hyperd::algorithms {

class ArmTally {
 public:
  explicit ArmTally(int arm_count) : pulls_(arm_count, 0), reward_sums_(arm_count, 0.0) {}

  // One reward of `arm` (checked by the caller: a valid arm, a reward in [0, 1]).
  void Record(int arm, double reward) {
    ++pulls_[arm];
    reward_sums_[arm] += reward;
    ++rewards_;
  }

  // Rewards recorded over all arms.
  int64_t rewards() const { return rewards_; }

  // Hoeffding summaries per arm; with `probabilities` (one per arm), each arm's current selection
  // probability too.
  std::vector<ArmSummary> Summaries(const std::vector<double>* probabilities = nullptr) const;

  // The fields "pulls" and "reward_sums" of a policy state.
  void Write(StateWriter* writer) const;
  // Reads what Write wrote for `arm_count` arms; INVALID_ARGUMENT for anything else.
  static absl::StatusOr<ArmTally> Read(StateReader* reader, int arm_count);

 private:
  std::vector<int64_t> pulls_;
  std::vector<double> reward_sums_;
  int64_t rewards_ = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_ARM_TALLY_H_
