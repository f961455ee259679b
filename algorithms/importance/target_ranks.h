// The rank transform of the importance targets: each value becomes its mid-rank (ties share the
// mean of their ranks) scaled to [0, 1], so the smallest value maps to 0 and the largest to 1.
//
// Why: objectives such as losses are often heavy-tailed (a few diverged trials at 1e6 next to
// values near 0.1). On raw values those few trials would dominate every squared error, and
// importance would only say which parameter causes divergence. Ranks keep what the dashboard asks
// ("which parameters move a trial up or down the leaderboard"), are invariant to any monotone
// rescaling of the objective (log-loss vs. loss, accuracy vs. error) and to its direction.
#ifndef HYPERD_ALGORITHMS_IMPORTANCE_TARGET_RANKS_H_
#define HYPERD_ALGORITHMS_IMPORTANCE_TARGET_RANKS_H_

#include <vector>

namespace hyperd::algorithms {

// (mid-rank - 1) / (n - 1) per value, ranks counted from 1; a single value maps to 0.5. Equal
// values get equal results; values must not be NaN.
std::vector<double> ScaledMidRanks(const std::vector<double>& values);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_IMPORTANCE_TARGET_RANKS_H_
