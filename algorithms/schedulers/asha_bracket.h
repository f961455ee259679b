// One bracket of stopping-type asynchronous successive halving, ASHA (specs/multifidelity.md
// §3.2-3.4): the rung tables of the bracket and the continue/stop rule. SuccessiveHalvingScheduler
// runs one; HyperbandScheduler runs one per bracket, so a trial is only ever compared with trials
// of its own bracket.
//
// The rule (hyperd's convention, Optuna's SuccessiveHalvingPruner cutoff, §3.3): a trial whose
// measurement reaches a rung is recorded there, the arriving value included in the rung's n
// values, and it continues iff
//     n > bootstrap_count  and  value <= sorted(values)[max(floor(n/eta) - 1, 0)],
// i.e. iff it is within the top floor(n/eta) ("would be promotable now"), or, while n < eta, the
// best so far. Ties at the cutoff continue. Decisions depend only on order statistics, so they are
// invariant under monotone transforms of the metric.
//
// * The rung value is the value of the first measurement at or beyond the rung's step (no
//   interpolation). A measurement that crosses several unrecorded rungs is recorded at each, in
//   order, and the checks stop at the first failure (the trial is not recorded at higher rungs).
// * A non-finite value (NaN, ±inf: a diverged run) is recorded as +inf, which ranks last, and stops
//   the trial at the first rung it crosses. Below the first rung nothing is recorded and the
//   trial continues (the runtime stops diverged runs itself).
// * A stop is final: later measurements of a stopped trial are not recorded and answer stop with
//   the original reason. Stopped and finished trials stay in the rung tables.
// * next_check_step is the next decision rung's step (0 once the trial is past the last one).
//
// Cost per measurement: a B-tree lookup plus, per rung crossed, an insert into the rung's
// SortedMultiset (a binary search and a move of at most 8 KB) and reading the cutoff (at most
// n/512 additions). Nothing scans all trials, and no single decision pays for an O(n) regrowth.
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_ASHA_BRACKET_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_ASHA_BRACKET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "algorithms/schedulers/scheduler.h"
#include "algorithms/schedulers/sorted_multiset.h"

namespace hyperd::algorithms {

class AshaBracket {
 public:
  // `decision_rung_steps`: increasing steps (BracketTable::DecisionRungSteps); may be empty, in
  // which case the bracket never stops a trial. `reduction_factor` >= 2, `bootstrap_count` >= 0.
  // `bracket` is used for Summary and, when `name_bracket`, in stop reasons.
  AshaBracket(int bracket, std::vector<int64_t> decision_rung_steps, int reduction_factor,
              int bootstrap_count, bool name_bracket);

  // Records the measurement at every rung it newly reaches and decides (see the file comment).
  SchedulerDecision OnMeasurement(int64_t trial_number, int64_t step, double value);

  int num_rungs() const { return static_cast<int>(rungs_.size()); }
  int64_t rung_step(int rung) const { return rungs_[rung].step; }
  // The values recorded at `rung`, ascending, non-finite ones as +inf (a copy, for tests and
  // tools).
  std::vector<double> rung_values(int rung) const { return rungs_[rung].values.ToVector(); }

  // Appends one RungSummary per decision rung.
  void AppendSummary(std::vector<RungSummary>& out) const;

 private:
  struct Rung {
    int64_t step = 0;
    SortedMultiset values;
    int64_t stopped = 0;
  };
  struct TrialProgress {
    int next_rung = 0;  // the lowest rung the trial is not recorded at
    bool stopped = false;
    std::string stop_reason;
  };

  // Records `value` at `rung` and returns the stop reason, or "" to continue.
  std::string RecordAndJudge(int rung, double value, bool finite);
  std::string RungName(int rung) const;

  int bracket_;
  int reduction_factor_;
  int bootstrap_count_;
  bool name_bracket_;
  std::vector<Rung> rungs_;
  // A B-tree, not a hash map: growing it never rehashes (moves) every trial in one decision.
  absl::btree_map<int64_t, TrialProgress> trials_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_ASHA_BRACKET_H_
