#include "algorithms/schedulers/successive_halving.h"

#include <cstdint>
#include <vector>

#include "algorithms/schedulers/bracket_table.h"

namespace hyperd::algorithms {

SuccessiveHalvingScheduler::SuccessiveHalvingScheduler(const SuccessiveHalvingConfig& config)
    : bracket_(/*bracket=*/0,
               BracketTable(config.min_resource, config.max_resource, config.reduction_factor)
                   .DecisionRungSteps(0),
               config.reduction_factor, config.bootstrap_count, /*name_bracket=*/false) {}

SchedulerDecision SuccessiveHalvingScheduler::OnMeasurement(int64_t trial_number, int, int64_t step,
                                                            double value) {
  return bracket_.OnMeasurement(trial_number, step, value);
}

std::vector<RungSummary> SuccessiveHalvingScheduler::Summary() const {
  std::vector<RungSummary> summary;
  bracket_.AppendSummary(summary);
  return summary;
}

}  // namespace hyperd::algorithms
