#include "algorithms/samplers/bohb/bohb_budgets.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace hyperd::algorithms {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double Loss(double value, Goal goal) {
  if (!std::isfinite(value)) return kInf;
  return goal == Goal::kMaximize ? -value : value;
}

}  // namespace

std::vector<int64_t> BohbBudgets(int64_t min_resource, int64_t max_resource, int reduction_factor) {
  std::vector<int64_t> budgets;
  for (int64_t b = min_resource; b < max_resource;) {
    budgets.push_back(b);
    if (b > (max_resource - 1) / reduction_factor) break;  // b·eta >= R (and no overflow)
    b *= reduction_factor;
  }
  budgets.push_back(max_resource);
  return budgets;
}

std::vector<std::vector<BudgetObservation>> CollectBudgetObservations(
    const std::vector<TrialObservation>& trials, Goal goal, const std::vector<int64_t>& budgets) {
  using Outcome = TrialObservation::Outcome;
  std::vector<std::vector<BudgetObservation>> observations(budgets.size());
  if (budgets.empty()) return observations;
  const size_t top = budgets.size() - 1;
  for (size_t t = 0; t < trials.size(); ++t) {
    const TrialObservation& trial = trials[t];
    const int index = static_cast<int>(t);
    // Measurements are by increasing step: one pass finds the first one at or beyond each budget.
    size_t m = 0;
    for (size_t b = 0; b < top; ++b) {
      while (m < trial.measurements.size() && trial.measurements[m].first < budgets[b]) ++m;
      if (m == trial.measurements.size()) break;
      observations[b].push_back({index, Loss(trial.measurements[m].second, goal)});
    }
    std::optional<double> final_loss;
    if (trial.outcome == Outcome::kSucceeded) {
      final_loss = Loss(trial.objective.value_or(kInf), goal);
    } else if (trial.outcome == Outcome::kInfeasible ||
               (trial.outcome == Outcome::kFailed && trial.objective.has_value() &&
                !std::isfinite(*trial.objective))) {
      final_loss = kInf;
    } else {
      while (m < trial.measurements.size() && trial.measurements[m].first < budgets[top]) ++m;
      if (m < trial.measurements.size()) final_loss = Loss(trial.measurements[m].second, goal);
    }
    if (final_loss.has_value()) observations[top].push_back({index, *final_loss});
  }
  return observations;
}

}  // namespace hyperd::algorithms
