#include "bench/bandits/regret_account.h"

#include <algorithm>

namespace hyperd::bench {

void RegretAccount::Record(absl::Span<const double> means, int arm) {
  per_round_regret_ += *std::max_element(means.begin(), means.end()) - means[arm];
  collected_ += means[arm];
  for (size_t i = 0; i < arm_totals_.size(); ++i) arm_totals_[i] += means[i];
}

double RegretAccount::Regret() const {
  if (baseline_ == RegretBaseline::kBestArmEachRound) return per_round_regret_;
  return *std::max_element(arm_totals_.begin(), arm_totals_.end()) - collected_;
}

}  // namespace hyperd::bench
