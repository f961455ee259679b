// Cumulative regret of one simulated run (specs/bandits.md §7 reports pseudo-regret: expected
// rewards, not the drawn ones).
//
//   RegretAccount account(RegretBaseline::kBestArmEachRound, arm_count);
//   account.Record(round.means, arm);   // once per pull
//   double regret = account.Regret();
#ifndef HYPERD_BENCH_BANDITS_REGRET_ACCOUNT_H_
#define HYPERD_BENCH_BANDITS_REGRET_ACCOUNT_H_

#include <vector>

#include "absl/types/span.h"
#include "bench/bandits/bandit_problem.h"

namespace hyperd::bench {

class RegretAccount {
 public:
  RegretAccount(RegretBaseline baseline, int arm_count)
      : baseline_(baseline), arm_totals_(arm_count, 0.0) {}

  // One pull of `arm` in a round with expected rewards `means` (one per arm).
  void Record(absl::Span<const double> means, int arm);

  // kBestArmEachRound: sum over pulls of (max_i means_i - means_arm).
  // kBestFixedArm: max_i sum of means_i - sum of means_arm (may be negative).
  double Regret() const;

 private:
  RegretBaseline baseline_;
  double per_round_regret_ = 0;
  double collected_ = 0;
  std::vector<double> arm_totals_;
};

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_REGRET_ACCOUNT_H_
