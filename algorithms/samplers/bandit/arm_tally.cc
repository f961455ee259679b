#include "algorithms/samplers/bandit/arm_tally.h"

#include <limits>
#include <utility>

#include "algorithms/samplers/bandit/policy_support.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max() / 2;

}  // namespace

std::vector<ArmSummary> ArmTally::Summaries(const std::vector<double>* probabilities) const {
  std::vector<ArmSummary> summaries;
  summaries.reserve(pulls_.size());
  for (size_t i = 0; i < pulls_.size(); ++i) {
    summaries.push_back(
        HoeffdingSummary(pulls_[i], static_cast<double>(pulls_[i]), reward_sums_[i]));
    if (probabilities != nullptr) summaries.back().selection_probability = (*probabilities)[i];
  }
  return summaries;
}

void ArmTally::Write(StateWriter* writer) const {
  writer->Field("pulls");
  writer->Ints(pulls_);
  writer->Field("reward_sums");
  writer->Doubles(reward_sums_);
}

absl::StatusOr<ArmTally> ArmTally::Read(StateReader* reader, int arm_count) {
  ArmTally tally(arm_count);
  RETURN_IF_ERROR(reader->Ints("pulls", arm_count, 0, kMaxCount, &tally.pulls_));
  RETURN_IF_ERROR(reader->Doubles("reward_sums", arm_count, 0, static_cast<double>(kMaxCount),
                                  &tally.reward_sums_));
  for (int64_t p : tally.pulls_) tally.rewards_ += p;
  return tally;
}

}  // namespace hyperd::algorithms
