// Maximises an acquisition function over a product of continuous, discrete and categorical
// dimensions (bo.md §7 "Optimizer"; the scheme of Optuna's _gp/optim_mixed.py, re-implemented).
//
//   std::vector<SearchDimension> dims(2);
//   dims[0].scale = 0.3;                                      // continuous, length scale 0.3
//   dims[1].kind = SearchDimension::Kind::kCategorical;
//   dims[1].categories = 3;
//   MaximizerOptions options;
//   options.seed = seed;
//   MaximizerResult best = MaximizeOverMixedSpace(acquisition, dims, {best_observed}, options);
//
// Coordinates: a point is an Eigen::VectorXd with one entry per dimension —
//   kContinuous : x in [0, 1] (the unit-cube encoding);
//   kDiscrete   : one of `values` (cell centres of an int/stepped parameter in [0, 1]);
//   kCategorical: the category index 0 .. categories-1 stored as a double.
//
// Algorithm:
//   1. Candidates: points 0 .. candidates-1 of the scrambled Sobol sequence (dimension = number of
//      dims, scramble keyed by `seed`), mapped per dimension: continuous as is, discrete snapped to
//      the nearest allowed value, categorical floor(u * categories). One EvaluateBatch call.
//   2. Starts: the best candidate, then every warm start (snapped onto the space; exact duplicates
//      of an earlier start skipped), then starts drawn without replacement by roulette
//      p ∝ exp(a - a_max) over the remaining finite candidates, up to max_starts in total (warm
//      starts beyond max_starts are still used). Draws use SplitMix64 keyed by `seed`.
//   3. Local search from each start, in rounds until one round improves f by less than `tolerance`
//      or after max_rounds rounds:
//      (a) L-BFGS-B (lbfgs_b.h) over the continuous dims with the others fixed, in z = x / scale
//          with bounds [0, 1/scale], minimising -f, at most max_lbfgs_iterations iterations;
//      (b) for each discrete or categorical dim in order: if it is categorical or has <= 16
//          values, evaluate every other value in one EvaluateBatch call and keep the best;
//          otherwise a local line search on the grid index. The spec's Brent search on the
//          piecewise-linear interpolant between grid values attains its maximum at a grid value,
//          so we search the grid directly: evaluate both neighbours of the current value; if one
//          is better, expand in its direction with doubling steps while f increases, then
//          golden-section search the bracket on integer indices. About 2 log2(#values)
//          evaluations; ends at a grid value no worse than its evaluated neighbours.
//      A coordinate move is accepted only if it strictly increases f, so rounds never make the
//      point worse.
//   4. Result: the best point over all local searches and candidates that is not excluded
//      (see MaximizerOptions::excluded).
// A space without continuous dims and with at most `candidates` points is instead enumerated
// (all points in one EvaluateBatch call) and its exact maximum returned; steps 2-3 are skipped.
// Non-finite acquisition values are treated as -inf (never chosen when a finite value exists).
//
// Deterministic: the same inputs and seed give bit-identical results (no threads, no clocks).
// Thread-compatible: concurrent calls with distinct `f` objects are safe; `f` is only used through
// its const methods, from the calling thread.
#ifndef HYPERD_ALGORITHMS_OPTIMIZATION_MIXED_SPACE_MAXIMIZER_H_
#define HYPERD_ALGORITHMS_OPTIMIZATION_MIXED_SPACE_MAXIMIZER_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"

namespace hyperd::algorithms {

struct SearchDimension {
  enum class Kind { kContinuous, kDiscrete, kCategorical };
  Kind kind = Kind::kContinuous;
  // kDiscrete: the allowed coordinates in [0, 1], strictly increasing, at least one.
  std::vector<double> values;
  // kCategorical: coordinates are the indices 0 .. categories-1; requires categories >= 1.
  int categories = 0;
  // kContinuous: local search runs in z = x / scale (the GP length scale), bounds [0, 1/scale], so
  // L-BFGS sees a well-conditioned problem. Requires scale > 0 and finite.
  double scale = 1;
};

// The function to maximise. Implementations must be deterministic.
class AcquisitionFunction {
 public:
  virtual ~AcquisitionFunction() = default;
  // Values at the rows of `points` (n x d); rows are valid points of the space. Batched because a
  // GP evaluates thousands of candidates with one matrix solve.
  virtual Eigen::VectorXd EvaluateBatch(const Eigen::MatrixXd& points) const = 0;
  // Value at x and its gradient w.r.t. every coordinate (entries of non-continuous dims are
  // ignored). `gradient` is already sized to x.size().
  virtual double EvaluateWithGradient(const Eigen::VectorXd& x,
                                      Eigen::VectorXd* gradient) const = 0;
};

struct MaximizerOptions {
  // Number of quasi-random candidates evaluated in step 1 (>= 1).
  int candidates = 2048;
  // Local-search starts in total (warm starts count; >= 1).
  int max_starts = 10;
  // Coordinate-search rounds per start.
  int max_rounds = 100;
  // A round improving f by less than this ends the local search from that start.
  double tolerance = 1e-4;
  int max_lbfgs_iterations = 200;
  // L-BFGS-B projected-gradient tolerance in z space (bo.md §7: pgtol sqrt(1e-4)).
  double lbfgs_projected_gradient_tolerance = 1e-2;
  uint64_t seed = 0;
  // Points the result must differ from (e.g. pending trials and suggestions already made in this
  // batch), in the coordinates above. The result equals an excluded point when every discrete and
  // categorical coordinate is the same value (after snapping onto the grid / rounding to an index)
  // and every continuous coordinate is within `exclusion_distance`. When the best point found is
  // excluded, the next best distinct point among the local optima and the candidates is returned.
  std::vector<Eigen::VectorXd> excluded;
  double exclusion_distance = 1e-9;
};

struct MaximizerResult {
  // Always a valid point of the space (continuous in [0,1], discrete on the grid, categorical an
  // integer index).
  Eigen::VectorXd point;
  double value = 0;
  // Acquisition evaluations (each row of a batch and each value-with-gradient call count one).
  int evaluations = 0;
  // True when every point found equals an excluded point (e.g. a small finite space whose points
  // are all pending); `point` is then the best point found regardless of exclusion, and the caller
  // should fall back to a quasi-random point (bo.md §7: always return the requested count).
  bool all_excluded = false;
};

// See the file comment. Requires dimensions valid as documented on SearchDimension,
// dimensions.size() <= SobolSequence::kMaxDimensions (1111), and warm starts and excluded points of
// size dimensions.size() (warm starts are snapped onto the space).
// Zero dimensions: returns the empty point with f evaluated once.
MaximizerResult MaximizeOverMixedSpace(const AcquisitionFunction& f,
                                       const std::vector<SearchDimension>& dimensions,
                                       const std::vector<Eigen::VectorXd>& warm_starts,
                                       const MaximizerOptions& options);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_OPTIMIZATION_MIXED_SPACE_MAXIMIZER_H_
