// TPE's split of the history into the trials behind the good density l(x) and those behind the bad
// one g(x), with Optuna's gamma and weights (bo.md §8; Optuna 3.1 samplers/_tpe/sampler.py:
// default_gamma, default_weights, _get_observation_pairs, _split_observation_pairs).
//
// Trials rank lexicographically by TpeRankKey, best first:
//   group 0  SUCCEEDED, by objective on the minimisation scale; a non-finite or missing objective
//            is a diverged run and counts as +inf (worst of the group)
//   group 1  PRUNED, by (-last step, last value): deeper is better; a non-finite value counts as
//            +inf; a trial without measurements gets Optuna's (+1, 0)
//   group 2  INFEASIBLE (hyperd has no violation amounts; Optuna ranks infeasible trials after
//            feasible ones)
//   group 3  PENDING, only with constant liar: always in the bad set
// FAILED trials are ignored. Ties keep chronological order (a stable sort).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_TPE_TPE_RANKING_H_
#define HYPERD_ALGORITHMS_SAMPLERS_TPE_TPE_RANKING_H_

#include <optional>
#include <vector>

#include "algorithms/samplers/sampler.h"

namespace hyperd::algorithms {

// gamma(n) = min(ceil(0.1 n), 25), evaluated in double as Optuna does.
int TpeGamma(int n);

// weights(n): n ones while n < 25; otherwise linspace(1/n, 1, n - 25) followed by 25 ones, so the
// oldest observations weigh least. Values as numpy computes them (the ramp's last point is exact).
std::vector<double> TpeWeights(int n);

struct TpeRankKey {
  int group = 0;
  double step = 0;
  double value = 0;
};

bool operator<(const TpeRankKey& a, const TpeRankKey& b);

// The key of `trial`, or nullopt when TPE ignores it (FAILED; PENDING unless `constant_liar`).
std::optional<TpeRankKey> TpeRankKeyOf(const TrialObservation& trial, Goal goal,
                                       bool constant_liar);

struct TpeSplit {
  std::vector<int> below;  // positions in `keys`, increasing (chronological)
  std::vector<int> above;
  int num_finished = 0;  // keys outside group 3: the n of gamma(n)
};

// The gamma(num_finished) best keys go below, the rest (pending included) above. `keys` are in
// chronological order.
TpeSplit SplitTrials(const std::vector<TpeRankKey>& keys);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_TPE_TPE_RANKING_H_
