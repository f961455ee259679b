#include "algorithms/samplers/bandit/policy_support.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {

absl::Status CheckPending(absl::Span<const int64_t> pending, int arm_count, int64_t* total) {
  *total = 0;
  if (pending.empty()) return absl::OkStatus();
  if (pending.size() != static_cast<size_t>(arm_count)) {
    return absl::InvalidArgumentError(absl::StrCat("pending: expected one count per arm (",
                                                   arm_count, ") or none, got ", pending.size()));
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("pending[", i, "]: must be >= 0, got ", pending[i]));
    }
    *total += pending[i];
  }
  return absl::OkStatus();
}

absl::Status CheckFeedback(int arm, double reward, double probability, int arm_count) {
  if (arm < 0 || arm >= arm_count) {
    return absl::InvalidArgumentError(
        absl::StrCat("arm: must be in [0, ", arm_count, "), got ", arm));
  }
  if (!(reward >= 0 && reward <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat("reward: must be in [0, 1], got ", reward,
                                                   "; normalise it with NormalizeReward"));
  }
  if (!(probability > 0 && probability <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "probability: must be in (0, 1] (the BanditDecision's probability), got ", probability));
  }
  return absl::OkStatus();
}

absl::Status CheckContext(absl::Span<const double> context, int dimension) {
  if (context.size() != static_cast<size_t>(dimension)) {
    return absl::InvalidArgumentError(absl::StrCat("context: expected ", dimension,
                                                   " values (the study's context_dimension), got ",
                                                   context.size()));
  }
  for (size_t i = 0; i < context.size(); ++i) {
    if (!std::isfinite(context[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("context[", i, "]: must be finite, got ", context[i]));
    }
  }
  return absl::OkStatus();
}

void WriteStateHeader(absl::string_view signature, StateWriter* writer) {
  writer->Field("policy");
  writer->Text(signature);
}

absl::Status ReadStateHeader(absl::string_view signature, StateReader* reader) {
  RETURN_IF_ERROR(reader->Field("policy"));
  ASSIGN_OR_RETURN(absl::string_view written, reader->RestOfLine("policy"));
  if (written != signature) {
    return absl::InvalidArgumentError(
        absl::StrCat("bandit state: policy: the state was written by '", written,
                     "' but this policy is '", signature,
                     "'; a state can only be restored into a policy with the same algorithm, "
                     "settings and arm count"));
  }
  return absl::OkStatus();
}

int SampleIndex(absl::Span<const double> probabilities, double u) {
  double cumulative = 0;
  int last_positive = 0;
  for (size_t i = 0; i < probabilities.size(); ++i) {
    if (probabilities[i] <= 0) continue;
    last_positive = static_cast<int>(i);
    cumulative += probabilities[i];
    if (u < cumulative) return last_positive;
  }
  return last_positive;
}

double ClampUnit(double x) { return std::min(1.0, std::max(0.0, x)); }

ArmSummary HoeffdingSummary(int64_t pulls, double count, double sum) {
  ArmSummary summary;
  summary.pulls = pulls;
  summary.effective_pulls = count;
  if (count <= 0) return summary;
  summary.mean_reward = sum / count;
  const double radius = std::sqrt(std::log(20.0) / (2 * count));
  summary.lower_bound = ClampUnit(summary.mean_reward - radius);
  summary.upper_bound = ClampUnit(summary.mean_reward + radius);
  return summary;
}

}  // namespace hyperd::algorithms
