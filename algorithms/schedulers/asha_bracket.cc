#include "algorithms/schedulers/asha_bracket.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hyperd::algorithms {

AshaBracket::AshaBracket(int bracket, std::vector<int64_t> decision_rung_steps,
                         int reduction_factor, int bootstrap_count, bool name_bracket)
    : bracket_(bracket),
      reduction_factor_(reduction_factor),
      bootstrap_count_(bootstrap_count),
      name_bracket_(name_bracket) {
  for (int64_t step : decision_rung_steps) rungs_.push_back(Rung{step, SortedMultiset(), 0});
}

SchedulerDecision AshaBracket::OnMeasurement(int64_t trial_number, int64_t step, double value) {
  SchedulerDecision decision;
  if (rungs_.empty()) return decision;  // a bracket without decision rungs never stops
  TrialProgress& progress = trials_[trial_number];
  if (progress.stopped) {
    decision.stop = true;
    decision.reason = progress.stop_reason;
    return decision;
  }
  const bool finite = std::isfinite(value);
  const double ranked = finite ? value : std::numeric_limits<double>::infinity();
  while (progress.next_rung < num_rungs() && rungs_[progress.next_rung].step <= step) {
    const int rung = progress.next_rung++;
    std::string reason = RecordAndJudge(rung, ranked, finite);
    if (!reason.empty()) {
      ++rungs_[rung].stopped;
      progress.stopped = true;
      progress.stop_reason = reason;
      decision.stop = true;
      decision.reason = std::move(reason);
      return decision;
    }
  }
  decision.next_check_step = progress.next_rung < num_rungs() ? rungs_[progress.next_rung].step : 0;
  return decision;
}

std::string AshaBracket::RecordAndJudge(int rung, double value, bool finite) {
  SortedMultiset& values = rungs_[rung].values;
  values.Insert(value);
  const int64_t n = static_cast<int64_t>(values.size());
  if (!finite) {
    return absl::StrCat("non-finite value (a diverged run) recorded last at ", RungName(rung));
  }
  if (n <= bootstrap_count_) {
    return absl::StrCat(RungName(rung), " holds ", n, " values, not more than bootstrap_count ",
                        bootstrap_count_, ": the first trials at a rung stop to form its field");
  }
  // The top floor(n/eta) continue (at least the best one): Optuna's index max(floor(n/eta)-1, 0).
  const int64_t keep = std::max<int64_t>(n / reduction_factor_, 1);
  const double cutoff = values.At(static_cast<size_t>(keep - 1));
  if (value <= cutoff) return "";
  return absl::StrCat("value ", value, " is outside the top 1/", reduction_factor_, " at ",
                      RungName(rung), ": cutoff ", cutoff, " (the best ", keep, " of ", n,
                      " values)");
}

std::string AshaBracket::RungName(int rung) const {
  std::string name = absl::StrCat("rung ", rung, " (step ", rungs_[rung].step, ")");
  if (name_bracket_) absl::StrAppend(&name, " of bracket ", bracket_);
  return name;
}

void AshaBracket::AppendSummary(std::vector<RungSummary>& out) const {
  for (int rung = 0; rung < num_rungs(); ++rung) {
    const Rung& r = rungs_[rung];
    out.push_back(
        RungSummary{bracket_, rung, r.step, static_cast<int64_t>(r.values.size()), r.stopped});
  }
}

}  // namespace hyperd::algorithms
