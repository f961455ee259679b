// What bandit theory says about a policy's regret on a problem, and the bounds the benchmark
// prints beside the measured regret (specs/bandits.md §1, §3, §4, §7).
#ifndef HYPERD_BENCH_BANDITS_REGRET_THEORY_H_
#define HYPERD_BENCH_BANDITS_REGRET_THEORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "bench/bandits/bandit_problem.h"

namespace hyperd::bench {

enum class RateClass {
  kLogarithmic,  // O(log T): UCB1 / TS / Tsallis-INF on stationary problems
  kSquareRoot,   // O(sqrt(T) polylog T): EXP3 family, horizon-tuned forgetting, LinUCB
  kLinear,       // theory predicts (or allows) regret linear in T
  kNoGuarantee,  // no bound for this policy on this kind of problem
};

struct RateExpectation {
  RateClass rate = RateClass::kNoGuarantee;
  std::string reason;  // a few words: "stationary, Auer et al. 2002"
};

// The expected growth of `policy`'s regret (a PolicyCatalog name) on `problem`.
RateExpectation ExpectedRate(absl::string_view policy, const BanditProblem& problem);

// Whether the rate is sub-linear, so the growth gate applies.
bool IsSubLinear(RateClass rate);
absl::string_view RateClassName(RateClass rate);

// Auer, Cesa-Bianchi & Fischer 2002, Thm 1, for UCB1 with c = 2 on stationary arms `means`:
// sum_{i: gap > 0} 8 ln T / gap_i + (1 + pi^2 / 3) sum_i gap_i.
double Ucb1UpperBound(absl::Span<const double> means, int64_t horizon);

// Lai & Robbins: sum_{i: gap > 0} gap_i / KL(mu_i, mu*) for Bernoulli arms (R_T / ln T lower
// bound, asymptotically; spec §7.1).
double LaiRobbinsConstant(absl::Span<const double> means);

// Auer et al. 2002 (SIAM J. Comput.), Cor. 3.2 with g = T: 2 sqrt(e - 1) sqrt(T K ln K).
double Exp3UpperBound(int arm_count, int64_t horizon);

// The numeric upper bound on expected regret that applies to `policy` on `problem` at `horizon`,
// if the benchmark knows one (UCB1 and EXP3 on problems their theorems cover).
std::optional<double> RegretUpperBound(absl::string_view policy, const BanditProblem& problem,
                                       int64_t horizon);

// Least-squares slope of ln(regret) against ln(horizon) over points with regret > 0; nullopt
// with fewer than two such points.
std::optional<double> LogLogSlope(absl::Span<const int64_t> horizons,
                                  absl::Span<const double> regrets);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_REGRET_THEORY_H_
