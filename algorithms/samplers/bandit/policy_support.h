// Argument checks and small helpers shared by the bandit policies, so every policy refuses bad
// input with the same messages.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_POLICY_SUPPORT_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_POLICY_SUPPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"

namespace hyperd::algorithms {

// OK for an empty span or `arm_count` counts >= 0; the sum of pending pulls is stored in *total.
absl::Status CheckPending(absl::Span<const int64_t> pending, int arm_count, int64_t* total);

// pending[arm], or 0 for an empty span.
inline int64_t PendingOf(absl::Span<const int64_t> pending, int arm) {
  return pending.empty() ? 0 : pending[arm];
}

// OK for an arm in [0, arm_count), a finite reward in [0, 1] and a probability in (0, 1].
absl::Status CheckFeedback(int arm, double reward, double probability, int arm_count);

// OK for exactly `dimension` finite values.
absl::Status CheckContext(absl::Span<const double> context, int dimension);

// The first line of every state: "policy <signature>", where the signature names the algorithm,
// the arm count and every setting that shapes the state.
void WriteStateHeader(absl::string_view signature, StateWriter* writer);
// INVALID_ARGUMENT unless the state's signature equals `signature`.
absl::Status ReadStateHeader(absl::string_view signature, StateReader* reader);

// The index i with u < p_0 + ... + p_i (u in [0, 1)); the last arm with p_i > 0 when rounding
// leaves u above the total.
int SampleIndex(absl::Span<const double> probabilities, double u);

// An arm summary with the 95 % Hoeffding interval mean -/+ sqrt(ln(20) / (2 n)) clamped to [0, 1]
// ([0, 1] and mean 0 without rewards).
ArmSummary HoeffdingSummary(int64_t pulls, double count, double sum);

// x clamped to [0, 1].
double ClampUnit(double x);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_POLICY_SUPPORT_H_
