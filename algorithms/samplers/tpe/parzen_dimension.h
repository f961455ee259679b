// How one parameter enters TPE's Parzen estimators: its "internal" coordinate, the interval the
// kernels are truncated to, and how a drawn coordinate is snapped onto the values the parameter can
// take. Optuna's _ParzenEstimator conventions (bo.md §8), with grids written as indices:
//
//   linear float          x itself on [min, max]; truncated-normal kernels give a density
//   log float             ln x on [ln min, ln max]
//   stepped float and     the grid index k = 0..K on [-1/2, K + 1/2]; value k has the kernels' mass
//   linear integer        on [k - 1/2, k + 1/2]. Optuna works on min + k*step with bounds widened
//   by
//                         step/2: the same estimator up to an affine map, which the bandwidth rule
//                         and the masses are invariant to.
//   log integer           ln k on [ln(min - 1/2), ln(max + 1/2)]; value k has the mass of
//                         [ln(k - 1/2), ln(k + 1/2)] (Optuna >= 4.6, optuna/optuna#6258; 3.1 used
//                         the density at ln k)
//   categorical           the index 0..C-1
//
// A float with min == max has no interval to model; IsFixedParameter says so and the sampler
// returns its only value.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_TPE_PARZEN_DIMENSION_H_
#define HYPERD_ALGORITHMS_SAMPLERS_TPE_PARZEN_DIMENSION_H_

#include <cstdint>
#include <utility>

#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

struct ParzenDimension {
  enum class Kind { kContinuous, kGrid, kLogInteger, kCategorical };

  static ParzenDimension Continuous(double low, double high);
  static ParzenDimension Grid(int64_t last_index);
  static ParzenDimension LogInteger(int64_t min, int64_t max);
  static ParzenDimension Categorical(int num_categories);

  // Whether kernels are truncated normals (all kinds but kCategorical).
  bool numeric() const { return kind != Kind::kCategorical; }
  // Whether a value's likelihood is a probability mass (kGrid, kLogInteger) or a density.
  bool discrete() const { return kind == Kind::kGrid || kind == Kind::kLogInteger; }

  // The value a draw `x` from the truncated kernels stands for: x itself for kContinuous, the
  // internal coordinate of the nearest grid value for kGrid and kLogInteger (rounded as Optuna
  // rounds, clamped to the range).
  double Snap(double x) const;
  // For a discrete kind: the internal interval whose mass is the probability of the snapped value
  // x.
  std::pair<double, double> Cell(double x) const;

  Kind kind = Kind::kContinuous;
  double low = 0;  // numeric kinds: the interval the kernels are truncated to
  double high = 1;
  int64_t last_index = 0;  // kGrid: K
  int64_t int_min = 1;     // kLogInteger: the integer bounds
  int64_t int_max = 1;
  int num_categories = 0;  // kCategorical
};

// Whether `parameter` is a float with min == max (nothing to model).
bool IsFixedParameter(const ParameterConfig& parameter);

// The dimension of a valid, non-fixed parameter.
ParzenDimension DimensionOf(const ParameterConfig& parameter);

// The internal coordinate of `value`, or NaN when the value cannot belong to the parameter (wrong
// type, unknown category, off the grid, non-finite). Numeric values are clamped into the range.
double ToInternal(const ParameterConfig& parameter, const ParameterValue& value);

// The parameter's value at a snapped internal coordinate; always a valid value of the parameter
// (clamped into [min, max], on its grid).
ParameterValue FromInternal(const ParameterConfig& parameter, double internal);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_TPE_PARZEN_DIMENSION_H_
