// Helpers shared by the algorithms unit tests: compact parameter builders, a status matcher, a
// Suggest wrapper and the uniformity statistics the sampler tests use.
#ifndef HYPERD_TESTS_UNIT_ALGORITHMS_ALGORITHM_TEST_UTIL_H_
#define HYPERD_TESTS_UNIT_ALGORITHMS_ALGORITHM_TEST_UTIL_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::testing {

inline ParameterConfig Float(std::string name, double min, double max, Scale scale = Scale::kLinear,
                             double step = 0) {
  return {std::move(name), DoubleParameter{min, max, scale, step}, std::nullopt};
}

inline ParameterConfig Int(std::string name, int64_t min, int64_t max, Scale scale = Scale::kLinear,
                           int64_t step = 1) {
  return {std::move(name), IntegerParameter{min, max, scale, step}, std::nullopt};
}

inline ParameterConfig Categorical(std::string name, std::vector<std::string> values) {
  return {std::move(name), CategoricalParameter{std::move(values)}, std::nullopt};
}

// `parameter`, active only when categorical `parent` takes one of `values`.
inline ParameterConfig When(ParameterConfig parameter, std::string parent,
                            std::vector<std::string> values) {
  parameter.condition = Condition{std::move(parent), std::move(values), {}};
  return parameter;
}

// `parameter`, active only when integer `parent` takes one of `values`.
inline ParameterConfig WhenInt(ParameterConfig parameter, std::string parent,
                               std::vector<int64_t> values) {
  parameter.condition = Condition{std::move(parent), {}, std::move(values)};
  return parameter;
}

// INVALID_ARGUMENT whose message starts with "<path>: " and contains `fragment`.
MATCHER_P2(IsInvalidArgumentAt, path, fragment, "") {
  *result_listener << "status is " << arg;
  return arg.code() == absl::StatusCode::kInvalidArgument &&
         absl::StartsWith(arg.message(), absl::StrCat(path, ": ")) &&
         absl::StrContains(arg.message(), fragment);
}

// One Suggest call with a history that must succeed.
inline SamplerOutput SuggestWithHistory(const Sampler& sampler, const SearchSpace& space,
                                        const std::vector<TrialObservation>& trials,
                                        const std::string& state, int count, uint64_t seed,
                                        Goal goal = Goal::kMinimize) {
  SamplerInput input;
  input.space = &space;
  input.goal = goal;
  input.seed = seed;
  input.trials = &trials;
  input.state = state;
  input.count = count;
  absl::StatusOr<SamplerOutput> output = sampler.Suggest(input);
  EXPECT_TRUE(output.ok()) << output.status();
  return output.ok() ? *std::move(output) : SamplerOutput{};
}

// One Suggest call without history that must succeed.
inline SamplerOutput SuggestOk(const Sampler& sampler, const SearchSpace& space, uint64_t seed,
                               const std::string& state, int count) {
  return SuggestWithHistory(sampler, space, {}, state, count, seed);
}

// The first n suggestions of a study, asked for in batches of `batch`.
inline std::vector<Assignment> Draw(const Sampler& sampler, const SearchSpace& space, uint64_t seed,
                                    int n, int batch = 64) {
  std::vector<Assignment> points;
  std::string state;
  while (static_cast<int>(points.size()) < n) {
    const int count = std::min(batch, n - static_cast<int>(points.size()));
    SamplerOutput output = SuggestOk(sampler, space, seed, state, count);
    if (output.suggestions.empty()) break;
    for (Assignment& a : output.suggestions) points.push_back(std::move(a));
    state = output.state;
  }
  return points;
}

inline double AsDouble(const ParameterValue& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  ADD_FAILURE() << "expected a numeric value";
  return 0;
}

// Pearson's chi-square statistic of the counts of `values` (in [0, 1)) over `bins` equal bins.
inline double ChiSquare(const std::vector<double>& values, int bins) {
  std::vector<double> counts(bins, 0);
  for (double v : values) counts[std::min(bins - 1, static_cast<int>(v * bins))] += 1;
  const double expected = static_cast<double>(values.size()) / bins;
  double chi2 = 0;
  for (double c : counts) chi2 += (c - expected) * (c - expected) / expected;
  return chi2;
}

// Chi-square over a bins x bins grid of the 2-D projection (x[i], y[i]).
inline double ChiSquare2d(const std::vector<double>& x, const std::vector<double>& y, int bins) {
  std::vector<double> cells;
  cells.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const int bx = std::min(bins - 1, static_cast<int>(x[i] * bins));
    const int by = std::min(bins - 1, static_cast<int>(y[i] * bins));
    cells.push_back((bx * bins + by + 0.5) / (bins * bins));
  }
  return ChiSquare(cells, bins * bins);
}

// Squared centred L2 discrepancy (F. J. Hickernell, "A generalized discrepancy and quadrature error
// bound", Math. Comp. 67 (1998), eq. 5.1c) of points in [0, 1]^d.
inline double CenteredL2DiscrepancySquared(const std::vector<std::vector<double>>& points) {
  const size_t n = points.size();
  const size_t d = points[0].size();
  double single = 0;
  double pairs = 0;
  for (size_t i = 0; i < n; ++i) {
    double product = 1;
    for (size_t k = 0; k < d; ++k) {
      const double z = std::abs(points[i][k] - 0.5);
      product *= 1 + 0.5 * z - 0.5 * z * z;
    }
    single += product;
    for (size_t j = 0; j < n; ++j) {
      double pair = 1;
      for (size_t k = 0; k < d; ++k) {
        const double zi = std::abs(points[i][k] - 0.5);
        const double zj = std::abs(points[j][k] - 0.5);
        pair *= 1 + 0.5 * zi + 0.5 * zj - 0.5 * std::abs(points[i][k] - points[j][k]);
      }
      pairs += pair;
    }
  }
  const double dn = static_cast<double>(n);
  return std::pow(13.0 / 12.0, static_cast<double>(d)) - 2.0 / dn * single + pairs / (dn * dn);
}

// Upper 0.1% points of the chi-square distribution, for the degrees of freedom the tests use.
inline constexpr double kChiSquare3DofP001 = 16.266;
inline constexpr double kChiSquare63DofP001 = 103.442;
inline constexpr double kChiSquare255DofP001 = 330.520;

}  // namespace hyperd::algorithms::testing

#endif  // HYPERD_TESTS_UNIT_ALGORITHMS_ALGORITHM_TEST_UTIL_H_
