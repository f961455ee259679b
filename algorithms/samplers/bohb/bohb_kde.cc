#include "algorithms/samplers/bohb/bohb_kde.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace hyperd::algorithms {
namespace {

constexpr double kHalfLogTwoPi = 0.91893853320467274178;

double CappedLambda(double lambda, int num_categories) {
  return std::min(lambda, (num_categories - 1) / static_cast<double>(num_categories));
}

}  // namespace

double AitchisonAitkenKernel(double lambda, int num_categories, bool same_category) {
  if (num_categories <= 1) return 1;
  const double capped = CappedLambda(lambda, num_categories);
  return same_category ? 1 - capped : capped / (num_categories - 1);
}

double NormalReferenceBandwidth(const std::vector<double>& values, int num_dimensions) {
  const double n = static_cast<double>(values.size());
  double mean = 0;
  for (double v : values) mean += v / n;
  double variance = 0;
  for (double v : values) variance += (v - mean) * (v - mean) / n;
  return 1.06 * std::sqrt(variance) * std::pow(n, -1.0 / (4 + num_dimensions));
}

BohbKde::BohbKde(std::vector<int> num_categories, std::vector<double> rows, double min_bandwidth)
    : num_categories_(std::move(num_categories)), rows_(std::move(rows)) {
  const size_t d = num_categories_.size();
  num_rows_ = d == 0 ? 0 : static_cast<int>(rows_.size() / d);
  bandwidths_.resize(d);
  log_norms_.resize(d);
  log_same_.resize(d);
  log_other_.resize(d);
  std::vector<double> column(static_cast<size_t>(num_rows_));
  for (size_t i = 0; i < d; ++i) {
    for (int r = 0; r < num_rows_; ++r) column[r] = rows_[r * d + i];
    bandwidths_[i] = std::max(NormalReferenceBandwidth(column, static_cast<int>(d)), min_bandwidth);
    const int c = num_categories_[i];
    if (c == 0) {
      log_norms_[i] = -std::log(bandwidths_[i]) - kHalfLogTwoPi;
    } else {
      log_same_[i] = std::log(AitchisonAitkenKernel(bandwidths_[i], c, true));
      log_other_[i] = c > 1 ? std::log(AitchisonAitkenKernel(bandwidths_[i], c, false))
                            : -std::numeric_limits<double>::infinity();
    }
  }
}

double BohbKde::LogPdf(const double* x, std::vector<double>& scratch) const {
  const size_t d = num_categories_.size();
  scratch.assign(static_cast<size_t>(num_rows_), 0.0);
  for (int r = 0; r < num_rows_; ++r) {
    const double* m = row(r);
    double log_term = 0;
    for (size_t i = 0; i < d; ++i) {
      if (num_categories_[i] == 0) {
        const double z = (x[i] - m[i]) / bandwidths_[i];
        log_term += log_norms_[i] - 0.5 * z * z;
      } else {
        log_term += x[i] == m[i] ? log_same_[i] : log_other_[i];
      }
    }
    scratch[r] = log_term;
  }
  const double max = *std::max_element(scratch.begin(), scratch.end());
  if (!std::isfinite(max)) return max;
  double sum = 0;
  for (double term : scratch) sum += std::exp(std::max(term - max, -500.0));
  return max + std::log(sum / num_rows_);
}

}  // namespace hyperd::algorithms
