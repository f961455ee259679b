// BOHB's kernel density estimator and per-budget model: the normal-reference bandwidth rule, the
// Aitchison-Aitken kernel, and the first-model test vector of multifidelity.md §6.
#include "algorithms/samplers/bohb/bohb_model.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "algorithms/samplers/bohb/bohb_kde.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(BohbKde, BandwidthIsTheNormalReferenceRuleClippedAtMinBandwidth) {
  // Two continuous columns, N = 4, d = 2: bw = 1.06 * std * 4^(-1/6).
  const std::vector<double> rows = {0.1, 0.5, 0.2, 0.5, 0.4, 0.5, 0.7, 0.5};
  const BohbKde kde({0, 0}, rows, 1e-3);
  const double mean = (0.1 + 0.2 + 0.4 + 0.7) / 4;
  const double variance = (std::pow(0.1 - mean, 2) + std::pow(0.2 - mean, 2) +
                           std::pow(0.4 - mean, 2) + std::pow(0.7 - mean, 2)) /
                          4;
  EXPECT_NEAR(kde.bandwidths()[0], 1.06 * std::sqrt(variance) * std::pow(4.0, -1.0 / 6), 1e-15);
  EXPECT_EQ(kde.bandwidths()[1], 1e-3);  // a constant column: std 0, clipped
  EXPECT_NEAR(NormalReferenceBandwidth({1, 2, 3}, 1),
              1.06 * std::sqrt(2.0 / 3) * std::pow(3.0, -0.2), 1e-15);
}

TEST(BohbKde, DensityIsTheMeanOfProductKernels) {
  // One continuous and one categorical (3 choices) dimension, two rows.
  const std::vector<double> rows = {0.2, 0, 0.6, 2};
  const BohbKde kde({0, 3}, rows, 1e-3);
  const double bw = kde.bandwidths()[0];
  const double lambda = kde.bandwidths()[1];  // 1.06 * 1 * 2^(-1/6) > (c-1)/c: capped
  EXPECT_NEAR(bw, 1.06 * 0.2 * std::pow(2.0, -1.0 / 6), 1e-15);
  EXPECT_NEAR(lambda, 1.06 * 1.0 * std::pow(2.0, -1.0 / 6), 1e-15);
  auto gauss = [bw](double x, double m) {
    return std::exp(-0.5 * std::pow((x - m) / bw, 2)) / (bw * std::sqrt(2 * kPi));
  };
  const double x[] = {0.3, 0};
  const double expected = 0.5 * (gauss(0.3, 0.2) * AitchisonAitkenKernel(lambda, 3, true) +
                                 gauss(0.3, 0.6) * AitchisonAitkenKernel(lambda, 3, false));
  std::vector<double> scratch;
  EXPECT_NEAR(std::exp(kde.LogPdf(x, scratch)), expected, 1e-12 * expected);
}

TEST(BohbKde, AitchisonAitkenKernelIsOneMinusLambdaOrLambdaOverCMinusOne) {
  EXPECT_DOUBLE_EQ(AitchisonAitkenKernel(0.2, 5, true), 0.8);
  EXPECT_DOUBLE_EQ(AitchisonAitkenKernel(0.2, 5, false), 0.05);
  // The kernel sums to one over the categories.
  EXPECT_DOUBLE_EQ(AitchisonAitkenKernel(0.3, 4, true) + 3 * AitchisonAitkenKernel(0.3, 4, false),
                   1.0);
  // Capped at (c - 1)/c, where it is uniform (statsmodels would return 1 - 1.5 = -0.5).
  EXPECT_DOUBLE_EQ(AitchisonAitkenKernel(1.5, 4, true), 0.25);
  EXPECT_DOUBLE_EQ(AitchisonAitkenKernel(1.5, 4, false), 0.25);
  EXPECT_EQ(AitchisonAitkenKernel(0.7, 1, true), 1.0);
}

std::vector<BohbObservation> Observations(int n, int d) {
  std::vector<BohbObservation> observations;
  for (int i = 0; i < n; ++i) {
    BohbObservation o;
    for (int j = 0; j < d; ++j) o.x.push_back(std::fmod(0.37 * (i + 1) * (j + 1), 1.0));
    o.loss = std::fmod(0.61 * i, 1.0);
    o.trial_number = static_cast<uint64_t>(i);
    observations.push_back(o);
  }
  return observations;
}

TEST(BohbModel, FirstModelAppearsAtTwiceDPlusOneObservations) {
  const BohbModelSettings settings;  // top 15 %, min_points_in_model raised to d + 1
  for (const int d : {2, 5}) {
    const std::vector<int> continuous(d, 0);
    const int first = 2 * (d + 1);
    EXPECT_FALSE(FitBohbModel(continuous, Observations(first - 1, d), settings, 1).has_value())
        << "d = " << d;
    const std::optional<BohbModel> model =
        FitBohbModel(continuous, Observations(first, d), settings, 1);
    ASSERT_TRUE(model.has_value()) << "d = " << d;
    EXPECT_EQ(model->good.num_rows(), d + 1);
    EXPECT_EQ(model->bad.num_rows(), d + 1);
  }
}

TEST(BohbModel, SplitsByTopNPercentOnceThereAreEnoughObservations) {
  BohbModelSettings settings;
  const std::optional<BohbModel> model = FitBohbModel({0, 0}, Observations(100, 2), settings, 1);
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->good.num_rows(), 15);
  EXPECT_EQ(model->bad.num_rows(), 85);
  settings.min_points_in_model = 20;  // larger than d + 1: n_good = max(20, 15)
  const std::optional<BohbModel> larger = FitBohbModel({0, 0}, Observations(100, 2), settings, 1);
  ASSERT_TRUE(larger.has_value());
  EXPECT_EQ(larger->good.num_rows(), 20);
  EXPECT_EQ(larger->bad.num_rows(), 80);
  EXPECT_FALSE(FitBohbModel({0, 0}, Observations(22, 2), settings, 1).has_value());
  EXPECT_TRUE(FitBohbModel({0, 0}, Observations(23, 2), settings, 1).has_value());
}

TEST(BohbModel, GoodRowsAreTheLowestLossesAndNonFiniteLossesAreBad) {
  std::vector<BohbObservation> observations = Observations(6, 1);
  const double inf = std::numeric_limits<double>::infinity();
  for (int i = 0; i < 6; ++i) observations[i].loss = i < 3 ? inf : 10.0 - i;
  const std::optional<BohbModel> model = FitBohbModel({0}, observations, BohbModelSettings{}, 1);
  ASSERT_TRUE(model.has_value());
  // d = 1: two good rows. Losses 7, 6, 5 belong to observations 3, 4, 5.
  ASSERT_EQ(model->good.num_rows(), 2);
  ASSERT_EQ(model->bad.num_rows(), 4);
  EXPECT_EQ(model->good.row(0)[0], observations[5].x[0]);
  EXPECT_EQ(model->good.row(1)[0], observations[4].x[0]);
  EXPECT_EQ(model->bad.row(0)[0], observations[3].x[0]);
  for (int r = 1; r < 4; ++r) {
    EXPECT_EQ(model->bad.row(r)[0], observations[r - 1].x[0]);  // +inf ties keep trial order
  }
}

TEST(BohbModel, InactiveCoordinatesAreImputedFromTheSameSetDeterministically) {
  std::vector<BohbObservation> observations = Observations(8, 2);
  // Dimension 1 is inactive in every good row but one, and in every bad row.
  for (int i = 0; i < 8; ++i) observations[i].loss = i;
  observations[0].x[1] = 2;
  for (int i = 1; i < 8; ++i) observations[i].x[1] = std::nan("");
  BohbModelSettings settings;
  const std::optional<BohbModel> a = FitBohbModel({0, 3}, observations, settings, 7);
  const std::optional<BohbModel> b = FitBohbModel({0, 3}, observations, settings, 7);
  ASSERT_TRUE(a.has_value());
  // Good rows 0-2: rows 1 and 2 copy row 0's value, the only active one in the set.
  for (int r = 0; r < 3; ++r) EXPECT_EQ(a->good.row(r)[1], observations[0].x[1]);
  // Bad rows have no donor: uniform categories, the same for the same seed.
  for (int r = 0; r < a->bad.num_rows(); ++r) {
    const double v = a->bad.row(r)[1];
    EXPECT_TRUE(v == 0 || v == 1 || v == 2) << v;
    EXPECT_EQ(v, b->bad.row(r)[1]);
  }
}

}  // namespace
}  // namespace hyperd::algorithms
