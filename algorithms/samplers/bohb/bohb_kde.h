// BOHB's kernel density estimator: statsmodels' KDEMultivariate with bw="normal_reference", as
// HpBandSter's config generator uses it (specs/multifidelity.md §6), over points encoded as BOHB
// encodes them: numeric parameters in the unit cube, categorical ones as indices.
//
//   p(x) = (1/N) sum_rows prod_dims K_i(x_i, row_i)
//   continuous  K = phi((x - m)/bw) / bw              (Gaussian, not truncated)
//   categorical K = 1 - lambda if x == m, lambda/(c - 1) otherwise   (Aitchison-Aitken)
//   bandwidths  bw_i = max(1.06 * std_i * N^(-1/(4 + d)), min_bandwidth), std the population
//               standard deviation of column i (statsmodels applies the rule to categorical
//               columns' indices too), d the number of dimensions.
//
// Two decisions differ from statsmodels, which HpBandSter inherits, where its kernel stops being
// a kernel:
// * c is the parameter's number of categories, not the number of distinct values in the data
//   (with one distinct value statsmodels divides by zero and BOHB's score turns non-finite);
// * the Aitchison-Aitken lambda is capped at (c - 1)/c when evaluating densities: there the kernel
//   is uniform, and beyond it 1 - lambda would fall below lambda/(c - 1) (even below 0, as the
//   normal-reference rule happily gives lambda > 1). bandwidths() reports the uncapped value,
//   which BOHB's sampler uses as its probability of resampling the category.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_KDE_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_KDE_H_

#include <cstddef>
#include <vector>

namespace hyperd::algorithms {

// The Aitchison-Aitken kernel value for `num_categories` categories, with lambda capped at
// (c - 1)/c (a single category always has kernel 1).
double AitchisonAitkenKernel(double lambda, int num_categories, bool same_category);

// The normal-reference bandwidth 1.06 * std * n^(-1/(4 + d)) of `values` (population std).
double NormalReferenceBandwidth(const std::vector<double>& values, int num_dimensions);

class BohbKde {
 public:
  // `num_categories` per dimension (0 = continuous, coordinates in [0, 1]); `rows`: N >= 1 points
  // of num_categories.size() coordinates each, row-major, every coordinate set (impute inactive
  // ones first). min_bandwidth > 0.
  BohbKde(std::vector<int> num_categories, std::vector<double> rows, double min_bandwidth);

  int num_rows() const { return num_rows_; }
  int num_dimensions() const { return static_cast<int>(num_categories_.size()); }
  const double* row(int i) const {
    return rows_.data() + static_cast<std::size_t>(i) * num_categories_.size();
  }
  const std::vector<int>& num_categories() const { return num_categories_; }
  // Per dimension, the normal-reference bandwidth clipped below at min_bandwidth.
  const std::vector<double>& bandwidths() const { return bandwidths_; }

  // log p(x). `scratch` is resized to num_rows(); reuse it to avoid allocating.
  double LogPdf(const double* x, std::vector<double>& scratch) const;

 private:
  std::vector<int> num_categories_;
  std::vector<double> rows_;
  int num_rows_ = 0;
  std::vector<double> bandwidths_;
  // Per dimension: continuous: -log(bw) - log(2 pi)/2; categorical: log of the kernel values.
  std::vector<double> log_norms_;
  std::vector<double> log_same_;
  std::vector<double> log_other_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BOHB_BOHB_KDE_H_
