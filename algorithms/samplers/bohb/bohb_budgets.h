// BOHB's budgets and the observations at each (specs/multifidelity.md §6). The budgets are the
// Hyperband rungs r·eta^k below max_resource R, then R itself. A trial's observation at budget b
// is the loss it had reached there, on the minimisation scale (maximised objectives negated;
// NaN and ±inf, diverged runs, become +inf: bad, never dropped):
//   b < R   the value of its FIRST measurement with step >= b (the rung-value rule of
//           schedulers/asha_bracket.h), for every trial that has one, whatever its outcome;
//   b = R   SUCCEEDED trials: the objective (+inf when missing); INFEASIBLE trials and FAILED ones
//           whose objective is non-finite: +inf; any other trial: its first measurement at or
//           beyond R, if any.
// Every trial contributes at every budget it reached, so all of a stopped trial's rungs count
// (unlike HpBandSter, which stops storing small budgets once a larger one has a model).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_BUDGETS_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_BUDGETS_H_

#include <cstdint>
#include <vector>

#include "algorithms/samplers/sampler.h"

namespace hyperd::algorithms {

// r·eta^k for every k with r·eta^k < R, then R; an integer loop, exact. Requires
// 1 <= min_resource <= max_resource and reduction_factor >= 2.
std::vector<int64_t> BohbBudgets(int64_t min_resource, int64_t max_resource, int reduction_factor);

struct BudgetObservation {
  int trial = 0;    // index into the trials vector
  double loss = 0;  // minimisation scale, +inf for diverged, failed or infeasible results
};

// Per budget (in the order of `budgets`, whose last element is R), the observations in trial
// order.
std::vector<std::vector<BudgetObservation>> CollectBudgetObservations(
    const std::vector<TrialObservation>& trials, Goal goal, const std::vector<int64_t>& budgets);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_BUDGETS_H_
