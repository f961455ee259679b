#include "algorithms/optimization/mixed_space_maximizer.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <utility>

#include "algorithms/optimization/lbfgs_b.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/sobol_sequence.h"

namespace hyperd::algorithms {
namespace {

using Kind = SearchDimension::Kind;

constexpr double kNegativeInfinity = -std::numeric_limits<double>::infinity();
// Discrete dims with at most this many values are searched exhaustively (bo.md §7).
constexpr int kExhaustiveLimit = 16;
// 1 - 1/golden ratio: where a golden-section probe splits the larger side of a bracket.
constexpr double kGoldenFraction = 0.38196601125010515;

// Non-finite acquisition values rank below every finite one.
double Sanitize(double value) { return std::isfinite(value) ? value : kNegativeInfinity; }

// Index of the allowed value nearest to u (ties to the lower value).
int NearestIndex(const std::vector<double>& values, double u) {
  const auto it = std::lower_bound(values.begin(), values.end(), u);
  if (it == values.begin()) return 0;
  if (it == values.end()) return static_cast<int>(values.size()) - 1;
  const int above = static_cast<int>(it - values.begin());
  return (u - values[above - 1] <= values[above] - u) ? above - 1 : above;
}

int CategoryIndex(int categories, double coordinate) {
  return std::clamp(static_cast<int>(std::lround(coordinate)), 0, categories - 1);
}

// Projects a coordinate onto the space: continuous clamped into [0, 1], discrete snapped to the
// nearest allowed value, categorical rounded to an index.
double Snap(const SearchDimension& dimension, double coordinate) {
  switch (dimension.kind) {
    case Kind::kContinuous:
      return std::isfinite(coordinate) ? std::clamp(coordinate, 0.0, 1.0) : 0.5;
    case Kind::kDiscrete:
      return dimension.values[NearestIndex(dimension.values, coordinate)];
    case Kind::kCategorical:
      return CategoryIndex(dimension.categories, coordinate);
  }
  return coordinate;
}

// A candidate coordinate from a uniform u in [0, 1).
double FromUnit(const SearchDimension& dimension, double u) {
  if (dimension.kind == Kind::kCategorical) {
    return std::min(static_cast<int>(u * dimension.categories), dimension.categories - 1);
  }
  return Snap(dimension, u);
}

struct ScoredPoint {
  Eigen::VectorXd point;
  double value;
};

// The search: owns the work buffers so the inner loops do not allocate (beyond what the
// acquisition's own EvaluateBatch returns).
class Maximizer {
 public:
  Maximizer(const AcquisitionFunction& f, const std::vector<SearchDimension>& dimensions,
            const MaximizerOptions& options)
      : f_(f),
        dimensions_(dimensions),
        options_(options),
        d_(static_cast<int>(dimensions.size())),
        full_x_(d_),
        full_gradient_(d_) {
    for (int j = 0; j < d_; ++j) {
      (dimensions[j].kind == Kind::kContinuous ? continuous_ : discrete_).push_back(j);
    }
    single_row_.resize(1, d_);
    exhaustive_batches_.resize(dimensions.size());
    for (int j : discrete_) {
      const Eigen::Index others = static_cast<Eigen::Index>(ValueCount(j)) - 1;
      if (UsesExhaustiveSearch(j) && others > 0) exhaustive_batches_[j].resize(others, d_);
    }
    if (!continuous_.empty()) {
      const Eigen::Index c = static_cast<Eigen::Index>(continuous_.size());
      bounds_.lower = Eigen::VectorXd::Zero(c);
      bounds_.upper.resize(c);
      z_.resize(c);
      for (Eigen::Index k = 0; k < c; ++k) bounds_.upper[k] = 1 / dimensions[continuous_[k]].scale;
    }
  }

  MaximizerResult Run(const std::vector<Eigen::VectorXd>& warm_starts) {
    if (continuous_.empty() && EnumerateFiniteSpace()) {
      // Every point of the space was evaluated: the best one is the exact maximum.
      Eigen::Index best = 0;
      candidate_values_.maxCoeff(&best);
      return PickResult({{candidates_.row(best).transpose(), candidate_values_[best]}});
    }
    std::vector<ScoredPoint> starts = ChooseStarts(warm_starts);
    std::vector<ScoredPoint> optima;
    optima.reserve(starts.size());
    for (ScoredPoint& start : starts) {
      LocalSearch(&start);
      optima.push_back(std::move(start));
    }
    return PickResult(std::move(optima));
  }

 private:
  bool UsesExhaustiveSearch(int j) const {
    return dimensions_[j].kind == Kind::kCategorical ||
           static_cast<int>(ValueCount(j)) <= kExhaustiveLimit;
  }

  size_t ValueCount(int j) const {
    return dimensions_[j].kind == Kind::kCategorical
               ? static_cast<size_t>(dimensions_[j].categories)
               : dimensions_[j].values.size();
  }

  double ValueAt(int j, int index) const {
    return dimensions_[j].kind == Kind::kCategorical ? index : dimensions_[j].values[index];
  }

  int IndexOf(int j, double coordinate) const {
    return dimensions_[j].kind == Kind::kCategorical
               ? CategoryIndex(dimensions_[j].categories, coordinate)
               : NearestIndex(dimensions_[j].values, coordinate);
  }

  Eigen::VectorXd EvaluateRows(const Eigen::MatrixXd& points) {
    evaluations_ += static_cast<int>(points.rows());
    Eigen::VectorXd values = f_.EvaluateBatch(points);
    for (Eigen::Index i = 0; i < values.size(); ++i) values[i] = Sanitize(values[i]);
    return values;
  }

  // A space of discrete and categorical dims with at most `candidates` points is enumerated
  // instead of sampled (exact, and cheaper than 2048 mostly duplicate candidates). Returns false,
  // doing nothing, when the space is larger.
  bool EnumerateFiniteSpace() {
    int64_t size = 1;
    for (int j = 0; j < d_; ++j) {
      size *= static_cast<int64_t>(ValueCount(j));
      if (size > options_.candidates) return false;
    }
    candidates_.resize(static_cast<Eigen::Index>(size), d_);
    for (int64_t i = 0; i < size; ++i) {
      int64_t rest = i;  // mixed-radix digits of i, last dim fastest
      for (int j = d_ - 1; j >= 0; --j) {
        const int64_t count = static_cast<int64_t>(ValueCount(j));
        candidates_(i, j) = ValueAt(j, static_cast<int>(rest % count));
        rest /= count;
      }
    }
    candidate_values_ = EvaluateRows(candidates_);
    return true;
  }

  // Step 1 and 2: quasi-random candidates, then the best candidate, the warm starts and roulette
  // draws p ∝ exp(a - a_max) without replacement. Starts equal to an earlier start are skipped.
  std::vector<ScoredPoint> ChooseStarts(const std::vector<Eigen::VectorXd>& warm_starts) {
    const int n = std::max(options_.candidates, 1);
    candidates_.resize(n, d_);
    const SobolSequence sobol(d_);
    for (int i = 0; i < n; ++i) {
      const std::vector<double> u = sobol.ScrambledPoint(static_cast<uint64_t>(i), options_.seed);
      for (int j = 0; j < d_; ++j) candidates_(i, j) = FromUnit(dimensions_[j], u[j]);
    }
    candidate_values_ = EvaluateRows(candidates_);

    std::vector<ScoredPoint> starts;
    Eigen::Index best = 0;
    candidate_values_.maxCoeff(&best);
    starts.push_back({candidates_.row(best).transpose(), candidate_values_[best]});

    if (!warm_starts.empty()) {
      Eigen::MatrixXd warm(static_cast<Eigen::Index>(warm_starts.size()), d_);
      for (size_t w = 0; w < warm_starts.size(); ++w) {
        assert(warm_starts[w].size() == d_);
        for (int j = 0; j < d_; ++j) warm(w, j) = Snap(dimensions_[j], warm_starts[w][j]);
      }
      const Eigen::VectorXd warm_values = EvaluateRows(warm);
      for (Eigen::Index w = 0; w < warm.rows(); ++w) {
        Eigen::VectorXd point = warm.row(w).transpose();
        if (!Contains(starts, point)) starts.push_back({std::move(point), warm_values[w]});
      }
    }

    // Roulette over the candidates not chosen yet; a zero (underflowed or non-finite) weight is
    // never drawn.
    const double a_max = candidate_values_[best];
    Eigen::VectorXd weights(n);
    for (int i = 0; i < n; ++i) {
      weights[i] = std::isfinite(a_max) ? std::exp(candidate_values_[i] - a_max) : 0;
    }
    weights[best] = 0;
    SplitMix64 random(MixSeed(options_.seed, 0x726f756c65747465));  // "roulette"
    while (static_cast<int>(starts.size()) < options_.max_starts) {
      const double total = weights.sum();
      if (!(total > 0)) break;
      const double target = UnitDoubleFromBits(random.Next()) * total;
      double cumulative = 0;
      int chosen = -1;
      for (int i = 0; i < n; ++i) {
        if (weights[i] == 0) continue;
        chosen = i;
        cumulative += weights[i];
        if (cumulative > target) break;
      }
      weights[chosen] = 0;
      Eigen::VectorXd point = candidates_.row(chosen).transpose();
      if (!Contains(starts, point)) starts.push_back({std::move(point), candidate_values_[chosen]});
    }
    return starts;
  }

  static bool Contains(const std::vector<ScoredPoint>& starts, const Eigen::VectorXd& point) {
    return std::any_of(starts.begin(), starts.end(),
                       [&](const ScoredPoint& start) { return start.point == point; });
  }

  // Step 3: alternate continuous L-BFGS-B and discrete coordinate searches until a round gains
  // less than the tolerance.
  void LocalSearch(ScoredPoint* current) {
    for (int round = 0; round < options_.max_rounds; ++round) {
      const double before = current->value;
      if (!continuous_.empty()) OptimizeContinuous(current);
      for (int j : discrete_) OptimizeDiscrete(j, current);
      // With no discrete dims a second L-BFGS run would restart from its own optimum.
      if (discrete_.empty() || !(current->value - before >= options_.tolerance)) break;
    }
  }

  void OptimizeContinuous(ScoredPoint* current) {
    full_x_ = current->point;
    const Eigen::Index c = static_cast<Eigen::Index>(continuous_.size());
    for (Eigen::Index k = 0; k < c; ++k) {
      z_[k] = full_x_[continuous_[k]] / dimensions_[continuous_[k]].scale;
    }
    // Minimise -f in z = x / scale.
    const DifferentiableFunction objective = [this, c](const Eigen::VectorXd& z,
                                                       Eigen::VectorXd* gradient) {
      for (Eigen::Index k = 0; k < c; ++k) {
        const int j = continuous_[k];
        full_x_[j] = std::clamp(z[k] * dimensions_[j].scale, 0.0, 1.0);
      }
      ++evaluations_;
      const double value = f_.EvaluateWithGradient(full_x_, &full_gradient_);
      for (Eigen::Index k = 0; k < c; ++k) {
        const int j = continuous_[k];
        (*gradient)[k] = -full_gradient_[j] * dimensions_[j].scale;
      }
      return -value;
    };
    LbfgsOptions lbfgs;
    lbfgs.max_iterations = options_.max_lbfgs_iterations;
    lbfgs.projected_gradient_tolerance = options_.lbfgs_projected_gradient_tolerance;
    const LbfgsResult result = MinimizeWithLbfgsB(objective, z_, bounds_, lbfgs);
    const double value = Sanitize(-result.value);
    if (value > current->value) {
      for (Eigen::Index k = 0; k < c; ++k) {
        const int j = continuous_[k];
        current->point[j] = std::clamp(result.x[k] * dimensions_[j].scale, 0.0, 1.0);
      }
      current->value = value;
    }
  }

  void OptimizeDiscrete(int j, ScoredPoint* current) {
    const int count = static_cast<int>(ValueCount(j));
    if (count <= 1) return;
    if (UsesExhaustiveSearch(j)) {
      SearchExhaustively(j, count, current);
    } else {
      SearchGrid(j, count, current);
    }
  }

  void SearchExhaustively(int j, int count, ScoredPoint* current) {
    const int now = IndexOf(j, current->point[j]);
    Eigen::MatrixXd& batch = exhaustive_batches_[j];
    int rows = 0;
    for (int index = 0; index < count; ++index) {
      if (index == now) continue;
      batch.row(rows) = current->point.transpose();
      batch(rows, j) = ValueAt(j, index);
      ++rows;
    }
    const Eigen::VectorXd values = EvaluateRows(batch);
    Eigen::Index best = 0;
    if (values.maxCoeff(&best) > current->value) {
      current->point[j] = batch(best, j);
      current->value = values[best];
    }
  }

  // f at grid index `index` of dim j with the other coordinates of `current`; -inf off the grid.
  double GridValue(int j, int index, int count, const ScoredPoint& current) {
    if (index < 0 || index >= count) return kNegativeInfinity;
    single_row_.row(0) = current.point.transpose();
    single_row_(0, j) = ValueAt(j, index);
    return EvaluateRows(single_row_)[0];
  }

  // A discrete local line search along the grid of dim j (the spec's Brent search on the
  // piecewise-linear interpolant attains its maximum at a grid point, so we search the grid
  // directly): compare both neighbours; if one is better, expand in its direction with doubling
  // steps until f stops increasing, then golden-section search the bracket on integer offsets.
  // Ends at a grid point whose evaluated neighbours are no better; ~2 log2(count) evaluations.
  void SearchGrid(int j, int count, ScoredPoint* current) {
    const int start = IndexOf(j, current->point[j]);
    const double f_left = GridValue(j, start - 1, count, *current);
    const double f_right = GridValue(j, start + 1, count, *current);
    if (!(std::max(f_left, f_right) > current->value)) return;
    const int direction = f_right >= f_left ? 1 : -1;
    // Offsets along `direction`, 0 = start; the last grid point is at `last`, and offset last + 1
    // is a virtual -inf point. Invariant: f(mid) > f(low) and f(mid) >= f(high).
    const int last = direction > 0 ? count - 1 - start : start;
    int low = 0, mid = 1, high = 0;
    double f_mid = std::max(f_left, f_right);
    for (int step = 2;; step *= 2) {
      if (mid == last) {
        high = last + 1;
        break;
      }
      high = std::min(mid + step, last);
      const double f_high = GridValue(j, start + direction * high, count, *current);
      if (!(f_high > f_mid)) break;
      low = mid;
      mid = high;
      f_mid = f_high;
    }
    // Golden section on integers: probe the larger side of mid (probes stay strictly inside).
    while (high - low > 2) {
      const bool probe_right = high - mid > mid - low;
      const int probe = probe_right
                            ? mid + std::max(1, static_cast<int>(kGoldenFraction * (high - mid)))
                            : mid - std::max(1, static_cast<int>(kGoldenFraction * (mid - low)));
      const double f_probe = GridValue(j, start + direction * probe, count, *current);
      if (f_probe > f_mid) {
        (probe_right ? low : high) = mid;
        mid = probe;
        f_mid = f_probe;
      } else {
        (probe_right ? high : low) = probe;
      }
    }
    current->point[j] = ValueAt(j, start + direction * mid);
    current->value = f_mid;
  }

  bool IsExcluded(const Eigen::VectorXd& point) const {
    for (const Eigen::VectorXd& excluded : options_.excluded) {
      assert(excluded.size() == d_);
      bool same = true;
      for (int j = 0; j < d_ && same; ++j) {
        if (dimensions_[j].kind == Kind::kContinuous) {
          same = std::abs(point[j] - excluded[j]) <= options_.exclusion_distance;
        } else {
          same = IndexOf(j, point[j]) == IndexOf(j, excluded[j]);
        }
      }
      if (same) return true;
    }
    return false;
  }

  // Step 4: the best local optimum (never worse than the best candidate, which is a start); when
  // points are excluded, the best non-excluded point among the local optima and the candidates.
  MaximizerResult PickResult(std::vector<ScoredPoint> optima) {
    std::stable_sort(optima.begin(), optima.end(),
                     [](const ScoredPoint& a, const ScoredPoint& b) { return a.value > b.value; });
    MaximizerResult result;
    result.evaluations = evaluations_;
    result.point = optima.front().point;
    result.value = optima.front().value;
    if (options_.excluded.empty()) return result;

    const ScoredPoint* best_optimum = nullptr;
    for (const ScoredPoint& optimum : optima) {
      if (!IsExcluded(optimum.point)) {
        best_optimum = &optimum;
        break;
      }
    }
    int best_candidate = -1;
    Eigen::VectorXd candidate(d_);
    for (Eigen::Index i = 0; i < candidates_.rows(); ++i) {
      const bool better = best_candidate < 0 || candidate_values_[i] > candidate_values_[best_candidate];
      if (!better) continue;
      candidate = candidates_.row(i).transpose();
      if (!IsExcluded(candidate)) best_candidate = static_cast<int>(i);
    }
    if (best_optimum != nullptr &&
        (best_candidate < 0 || best_optimum->value >= candidate_values_[best_candidate])) {
      result.point = best_optimum->point;
      result.value = best_optimum->value;
    } else if (best_candidate >= 0) {
      result.point = candidates_.row(best_candidate).transpose();
      result.value = candidate_values_[best_candidate];
    } else {
      result.all_excluded = true;
    }
    return result;
  }

  const AcquisitionFunction& f_;
  const std::vector<SearchDimension>& dimensions_;
  const MaximizerOptions& options_;
  const int d_;
  std::vector<int> continuous_, discrete_;
  BoxBounds bounds_;
  Eigen::VectorXd z_, full_x_, full_gradient_;
  Eigen::MatrixXd candidates_, single_row_;
  // Per discrete dim searched exhaustively: one row per value other than the current one.
  std::vector<Eigen::MatrixXd> exhaustive_batches_;
  Eigen::VectorXd candidate_values_;
  int evaluations_ = 0;
};

}  // namespace

MaximizerResult MaximizeOverMixedSpace(const AcquisitionFunction& f,
                                       const std::vector<SearchDimension>& dimensions,
                                       const std::vector<Eigen::VectorXd>& warm_starts,
                                       const MaximizerOptions& options) {
  if (dimensions.empty()) {
    MaximizerResult result;
    result.point = Eigen::VectorXd(0);
    result.value = f.EvaluateBatch(Eigen::MatrixXd(1, 0))[0];
    result.evaluations = 1;
    return result;
  }
  Maximizer maximizer(f, dimensions, options);
  return maximizer.Run(warm_starts);
}

}  // namespace hyperd::algorithms
