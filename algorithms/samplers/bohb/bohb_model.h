// BOHB's model of one budget (specs/multifidelity.md §6; HpBandSter's config_generators/bohb.py):
// the observations sorted by loss split into a good and a bad kernel density estimator.
//
//   N observations (ties keep trial order), m = min_points_in_model (>= d + 1):
//   N < m                      -> no model
//   n_good = max(m, floor(top_n_percent * N / 100))
//   n_bad  = max(m, floor((100 - top_n_percent) * N / 100))
//   good = rows[0, n_good), bad = rows[n_good, n_good + n_bad)
//   |good| <= d or |bad| <= d  -> no model
// so the first model appears at N = 2(d + 1) while 0.15 N < d + 1.
//
// Inactive (conditional) coordinates are imputed within each set as HpBandSter does: the value
// of another row of the same set where the coordinate is active, or a uniform value (a uniform
// category) when none is; the choices are a pure function of (seed, trial number, dimension), so a
// history always gives the same model.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_MODEL_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_MODEL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "algorithms/samplers/bohb/bohb_kde.h"

namespace hyperd::algorithms {

struct BohbObservation {
  // Encoded coordinates: a unit-cube value for numeric parameters, an index for categorical ones,
  // NaN where the parameter is inactive.
  std::vector<double> x;
  double loss = 0;            // minimisation scale; +inf is worst
  uint64_t trial_number = 0;  // keys the imputation
};

struct BohbModelSettings {
  int top_n_percent = 15;
  int min_points_in_model = 0;  // raised to d + 1 when smaller
  double min_bandwidth = 1e-3;
};

struct BohbModel {
  int num_observations = 0;
  BohbKde good;
  BohbKde bad;
};

// The model of one budget's observations, or nullopt when they are too few (above).
// `num_categories`: per dimension, 0 for numeric parameters.
std::optional<BohbModel> FitBohbModel(const std::vector<int>& num_categories,
                                      std::vector<BohbObservation> observations,
                                      const BohbModelSettings& settings, uint64_t seed);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_MODEL_H_
