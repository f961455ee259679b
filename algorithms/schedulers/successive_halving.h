// `successive_halving`: stopping-type asynchronous successive halving, ASHA
// (specs/multifidelity.md §3.2-3.4), as one AshaBracket (asha_bracket.h has the rule and the
// cutoff convention) whose decision rungs are bracket 0 of the BracketTable: min_resource·eta^k
// for every k whose next rung min_resource·eta^(k+1) is still <= max_resource (bracket_table.h).
// Reaching max_resource never stops a trial.
//
// Stop reasons name the rung, its step and the cutoff:
//   "value 7 is outside the top 1/3 at rung 0 (step 1): cutoff 2 (the best 1 of 4 values)".
// Not thread-safe (the runtime holds the study lock).
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_SUCCESSIVE_HALVING_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_SUCCESSIVE_HALVING_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "algorithms/registry.h"
#include "algorithms/schedulers/asha_bracket.h"
#include "algorithms/schedulers/scheduler.h"

namespace hyperd::algorithms {

class SuccessiveHalvingScheduler : public Scheduler {
 public:
  // Requires a config MakeScheduler accepts (1 <= min_resource <= max_resource, 2 <= eta,
  // bootstrap_count >= 0).
  explicit SuccessiveHalvingScheduler(const SuccessiveHalvingConfig& config);

  absl::string_view name() const override { return "successive_halving"; }
  int AssignBracket(int64_t) const override { return 0; }
  // `bracket` is ignored: there is only bracket 0.
  SchedulerDecision OnMeasurement(int64_t trial_number, int bracket, int64_t step,
                                  double value) override;
  // Finished trials stay in the rung tables; nothing to do.
  void OnTrialEnd(int64_t, TrialEnd) override {}
  std::vector<RungSummary> Summary() const override;

  const AshaBracket& bracket() const { return bracket_; }

 private:
  AshaBracket bracket_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_SUCCESSIVE_HALVING_H_
