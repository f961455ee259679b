// The Parzen estimator of TPE (Bergstra et al., "Algorithms for Hyper-Parameter Optimization",
// NIPS 2011; Optuna's samplers/_tpe/parzen_estimator.py, bo.md §8): a mixture with one component
// per observation plus a prior component, each component a product over the dimensions.
//
// * Weights: TpeWeights(n) for the observations (oldest first) and `prior_weight` for the prior,
//   normalised.
// * Numeric dimensions: truncated-normal kernels on the dimension's [low, high]. An observation's
//   kernel is centred on it with sigma = the larger gap to its neighbours among the sorted centres
//   (the prior's centre (low + high)/2 included, the bounds as outer neighbours); with
//   consider_endpoints = false the first and last centres use their inner gap only. Sigmas are
//   clipped to [range / min(100, 1 + components), range] (the "magic clip"). The prior component
//   has centre (low + high)/2 and sigma = range.
// * Categorical dimensions (C choices): an observation of category c puts weight
//   prior_weight/(n + 1) on every category plus 1 on c, row-normalised; the prior is uniform.
// * Likelihood: discrete dimensions contribute the kernel mass of the value's cell
//   (ParzenDimension::Cell), categorical ones the row's probability, continuous ones the truncated
//   normal density phi(z)/(sigma * mass), or, with ParzenOptions::sigma_normalised = false,
//   Optuna 3.1's phi(z)/mass. 3.1 omitted the 1/sigma (optuna/optuna#5109, fixed in 3.5); its
//   effect is to discount the narrow kernels of densely explored regions, which favours
//   exploitation: over 100 seeds of the bo.md §10 functions the univariate sampler is better
//   with it on 8 of 10 problems, so univariate TPE keeps it (and so matches the 3.1 baseline).
//
// Univariate TPE fits one single-dimension estimator per parameter; multivariate TPE one
// estimator per group of jointly active parameters, with the same per-dimension bandwidth rule
// (not Optuna 3.x's 0.2 n^(-1/(d+4)) * range, which bo.md §8 measured as worse) and the
// normalised density (more robust there: better medians on 5 of 10 problems and far smaller
// upper quartiles).
//
// Immutable after construction; Sample and LogPdf are const and thread-compatible.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_TPE_PARZEN_ESTIMATOR_H_
#define HYPERD_ALGORITHMS_SAMPLERS_TPE_PARZEN_ESTIMATOR_H_

#include <vector>

#include "absl/types/span.h"
#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/tpe/parzen_dimension.h"

namespace hyperd::algorithms {

struct ParzenOptions {
  double prior_weight = 1.0;  // > 0
  // Whether continuous kernels' likelihood includes the 1/sigma factor (see above).
  bool sigma_normalised = true;
};

class ParzenEstimator {
 public:
  // `observations`: rows of dims.size() internal coordinates (ParzenDimension), oldest first,
  // row-major; every coordinate must lie in its dimension's range (categorical: an index).
  // `observation_orders`, optional, saves the sorts: per dimension, the observation indices in
  // increasing order of that coordinate, ties by index (entries of categorical dimensions are
  // ignored). The caller can sort each parameter's history once and filter it per estimator.
  ParzenEstimator(std::vector<ParzenDimension> dims, absl::Span<const double> observations,
                  const ParzenOptions& options,
                  const std::vector<std::vector<int>>* observation_orders = nullptr);

  int num_dimensions() const { return static_cast<int>(dims_.size()); }
  // Observations + 1; the prior is the last component.
  int num_components() const { return static_cast<int>(log_weights_.size()); }

  // Normalised component weights (prior last).
  std::vector<double> Weights() const;
  // A numeric dimension's kernel centres and sigmas, per component (prior last).
  const std::vector<double>& mus(int dim) const { return dims_data_[dim].mus; }
  const std::vector<double>& sigmas(int dim) const { return dims_data_[dim].sigmas; }

  // Draws one point: a component by weight, then each coordinate from that component's kernel,
  // snapped onto the dimension's values. Writes num_dimensions() coordinates to `out`.
  void Sample(SplitMix64& random, double* out) const;

  // log of the mixture's likelihood at `x` (snapped coordinates, as Sample writes them).
  // `scratch` is resized to num_components(); reuse it across calls to avoid allocating.
  double LogPdf(const double* x, std::vector<double>& scratch) const;

 private:
  struct DimensionData {
    // Numeric dimensions.
    std::vector<double> mus;
    std::vector<double> sigmas;
    std::vector<double> inv_sigmas;
    // log of the kernel's normaliser: -log(truncated mass) - log(2 pi)/2 [- log(sigma)] for
    // continuous dimensions (a density), -log(truncated mass) for discrete ones.
    std::vector<double> log_norms;
    // Categorical dimensions: the observed category per observation component.
    std::vector<int> categories;
    double log_same = 0;   // log probability of the observed category
    double log_other = 0;  // ... of any other category
    double log_prior = 0;  // ... of any category under the prior component
    double p_keep = 0;     // 1/(prior_weight/(n + 1) * C + 1): the point mass of a row
  };

  void FitNumeric(int dim, absl::Span<const double> observations, int num_observations,
                  const std::vector<int>* order);
  void FitCategorical(int dim, absl::Span<const double> observations, int num_observations);

  ParzenOptions options_;
  std::vector<ParzenDimension> dims_;
  std::vector<DimensionData> dims_data_;
  std::vector<double> log_weights_;
  std::vector<double> cumulative_weights_;  // normalised, last = 1
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_TPE_PARZEN_ESTIMATOR_H_
