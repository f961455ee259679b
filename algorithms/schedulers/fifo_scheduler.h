// `fifo`: every trial runs until its job completes it. The scheduler never stops a trial (the
// runtime still stops diverged runs and honours StopTrial), has a single bracket and no rungs.
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_FIFO_SCHEDULER_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_FIFO_SCHEDULER_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "algorithms/schedulers/scheduler.h"

namespace hyperd::algorithms {

class FifoScheduler : public Scheduler {
 public:
  absl::string_view name() const override { return "fifo"; }
  int AssignBracket(int64_t) const override { return 0; }
  // Always continue, with no check step (next_check_step 0).
  SchedulerDecision OnMeasurement(int64_t, int, int64_t, double) override { return {}; }
  void OnTrialEnd(int64_t, TrialEnd) override {}
  std::vector<RungSummary> Summary() const override { return {}; }
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_FIFO_SCHEDULER_H_
