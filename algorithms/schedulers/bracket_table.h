// The Hyperband bracket table (specs/multifidelity.md §2, §3.5, §4): how many brackets a
// (min_resource r, max_resource R, reduction factor eta) triple has, where each bracket's rungs
// sit, the paper's bracket sizes, and the weighted-hash bracket assignment of new trials.
//
//   BracketTable table(/*min_resource=*/1, /*max_resource=*/81, /*reduction_factor=*/3);
//   table.s_max();                 // 4
//   table.TrialsInBracket(1);      // 34
//   table.RungSteps(1);            // {3, 9, 27, 81}
//   table.DecisionRungSteps(1);    // {3, 9, 27}
//   table.AssignBracket(seed, 7);  // a pure function of (seed, 7)
//
// Conventions (hyperd):
// * Bracket b (0 = most aggressive) is the paper's s = s_max - b. Its rungs sit at r·eta^(b+k),
//   k = 0 .. s, all <= R: s_max is the largest s with r·eta^s <= R, found with an integer loop
//   (pitfall P1: floor(log(243)/log(3)) is 4, not 5).
// * The top rung of a bracket (k = s) plays the role of R: a trial there has had its full
//   budget in that bracket, so it is not a decision point. The decision rungs are k = 0 .. s-1,
//   those whose next rung r·eta^(b+k+1) still fits within R; they all lie below R (§3: "only rungs
//   with r·eta^(b+k) < R are decision points"), bracket s_max has none (it never stops a trial,
//   §2.1), and bracket b makes s halvings, as in the paper. When R is not r·eta^s_max the budget
//   between the top rung and R is spent without a further check.
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_BRACKET_TABLE_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_BRACKET_TABLE_H_

#include <cstdint>
#include <vector>

#include "absl/numeric/int128.h"

namespace hyperd::algorithms {

class BracketTable {
 public:
  // Requires 1 <= min_resource <= max_resource and reduction_factor >= 2 (MakeScheduler
  // validates them). Every quantity is exact: no floating point.
  BracketTable(int64_t min_resource, int64_t max_resource, int reduction_factor);

  int64_t min_resource() const { return min_resource_; }
  int64_t max_resource() const { return max_resource_; }
  int reduction_factor() const { return reduction_factor_; }

  // The largest s with r·eta^s <= R.
  int s_max() const { return s_max_; }
  int num_brackets() const { return s_max_ + 1; }

  // The paper's n for bracket b: ceil((s_max+1)·eta^s/(s+1)), s = s_max - b. It is also the
  // bracket's weight in the assignment (81, 34, 15, 8, 5 for R = 81, eta = 3). It fits in 63 bits:
  // it is largest for b = 0, where it is eta^s_max <= R/r.
  uint64_t TrialsInBracket(int bracket) const { return weights_[bracket]; }

  // floor(n·eta^-i) for i = 0 .. s: how many trials synchronous Hyperband keeps at each rung of
  // the bracket (81, 27, 9, 3, 1 for bracket 0 of R = 81, eta = 3).
  std::vector<uint64_t> SurvivorsPerRung(int bracket) const;

  // r·eta^(bracket+k) for k = 0 .. s: every rung of the bracket, the top one included.
  std::vector<int64_t> RungSteps(int bracket) const;

  // The rungs at which a trial of `bracket` can be stopped: RungSteps without the top rung.
  // Empty for bracket s_max.
  std::vector<int64_t> DecisionRungSteps(int bracket) const;

  // §4 weighted_hash: u = splitmix64(bracket_seed XOR trial_number) / 2^64 (splitmix64 is Mix64 of
  // samplers/random_bits.h, the standard SplitMix64 output function), and the bracket is the
  // smallest b with u < (w_0 + ... + w_b) / (w_0 + ... + w_s_max). The comparison is done exactly
  // in integers (u < c/S  <=>  hash < ceil(c·2^64/S)), so the spec's test vectors hold bit for bit.
  int AssignBracket(uint64_t bracket_seed, int64_t trial_number) const;

 private:
  int64_t min_resource_;
  int64_t max_resource_;
  int reduction_factor_;
  int s_max_ = 0;
  std::vector<uint64_t> weights_;  // by bracket
  // thresholds_[b] = ceil((w_0 + ... + w_b)·2^64 / S); a hash below it lands in bracket <= b.
  std::vector<absl::uint128> thresholds_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_BRACKET_TABLE_H_
