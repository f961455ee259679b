// `hyperband`: asynchronous Hyperband (specs/multifidelity.md §3.5, §4) — one stopping ASHA
// (asha_bracket.h) per bracket b = 0 .. s_max of the BracketTable (bracket_table.h), each with
// its own rung tables, so a trial is judged only against trials of its own bracket. Bracket b's
// first rung is min_resource·eta^b; bracket s_max has no decision rung and never stops a trial.
//
// A new trial's bracket is the §4 weighted hash of (bracket_seed, trial_number) with the paper's
// bracket sizes as weights: a pure function, decided once when the trial is created and stored
// with it (the runtime passes it back with every measurement; it is never re-derived per report).
//
// Stop reasons name the bracket too:
//   "value 7 is outside the top 1/3 at rung 0 (step 3) of bracket 1: cutoff 2 (the best 1 of 4
//   values)". Not thread-safe (the runtime holds the study lock).
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_HYPERBAND_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_HYPERBAND_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "algorithms/registry.h"
#include "algorithms/schedulers/asha_bracket.h"
#include "algorithms/schedulers/bracket_table.h"
#include "algorithms/schedulers/scheduler.h"

namespace hyperd::algorithms {

class HyperbandScheduler : public Scheduler {
 public:
  // Requires a config MakeScheduler accepts (1 <= min_resource <= max_resource, 2 <= eta,
  // bootstrap_count >= 0).
  explicit HyperbandScheduler(const HyperbandConfig& config);

  absl::string_view name() const override { return "hyperband"; }
  int AssignBracket(int64_t trial_number) const override;
  // `bracket` must be the trial's stored AssignBracket result. A bracket outside
  // [0, s_max] (a corrupted record) is logged and replaced by AssignBracket(trial_number).
  SchedulerDecision OnMeasurement(int64_t trial_number, int bracket, int64_t step,
                                  double value) override;
  // Finished trials stay in the rung tables; nothing to do.
  void OnTrialEnd(int64_t, TrialEnd) override {}
  // The decision rungs of every bracket, by bracket then rung (none for bracket s_max).
  std::vector<RungSummary> Summary() const override;

  const BracketTable& table() const { return table_; }
  const AshaBracket& bracket(int b) const { return brackets_[b]; }

 private:
  BracketTable table_;
  uint64_t bracket_seed_;
  std::vector<AshaBracket> brackets_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_HYPERBAND_H_
