#include "algorithms/schedulers/hyperband.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace hyperd::algorithms {

HyperbandScheduler::HyperbandScheduler(const HyperbandConfig& config)
    : table_(config.min_resource, config.max_resource, config.reduction_factor),
      bracket_seed_(config.bracket_seed) {
  brackets_.reserve(table_.num_brackets());
  for (int b = 0; b < table_.num_brackets(); ++b) {
    brackets_.emplace_back(b, table_.DecisionRungSteps(b), config.reduction_factor,
                           config.bootstrap_count, /*name_bracket=*/true);
  }
}

int HyperbandScheduler::AssignBracket(int64_t trial_number) const {
  return table_.AssignBracket(bracket_seed_, trial_number);
}

SchedulerDecision HyperbandScheduler::OnMeasurement(int64_t trial_number, int bracket, int64_t step,
                                                    double value) {
  if (bracket < 0 || bracket >= table_.num_brackets()) {
    const int assigned = AssignBracket(trial_number);
    Log(LogLevel::kError,
        "hyperband: trial has a bracket outside the table; using its assigned one",
        {{"trial", absl::StrCat(trial_number)},
         {"bracket", absl::StrCat(bracket)},
         {"assigned", absl::StrCat(assigned)}});
    bracket = assigned;
  }
  return brackets_[bracket].OnMeasurement(trial_number, step, value);
}

std::vector<RungSummary> HyperbandScheduler::Summary() const {
  std::vector<RungSummary> summary;
  for (const AshaBracket& b : brackets_) b.AppendSummary(summary);
  return summary;
}

}  // namespace hyperd::algorithms
