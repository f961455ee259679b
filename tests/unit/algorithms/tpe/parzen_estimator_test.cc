// TPE's Parzen estimator against Optuna 3.1's _ParzenEstimator.
//
// The reference numbers were computed once with Debian's Optuna 3.1.0 (/usr/bin/python3):
//   from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
//   from optuna.samplers._tpe.sampler import default_weights
//   P = _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, False)
//   pe = _ParzenEstimator({"x": np.asarray(obs, float)}, {"x": distribution}, P)
//   pe._weights, pe._mus["x"], pe._sigmas["x"], pe.log_pdf({"x": points})
// Optuna 3.1's log_pdf of continuous kernels omits the 1/sigma factor (optuna/optuna#5109, fixed
// in 3.5), so for continuous parameters the expected log densities are the normalised ones,
// computed from the same weights, mus and sigmas with scipy:
//   logsumexp(scipy.stats.truncnorm.logpdf(x[:, None], (low - mus)/sigmas, (high - mus)/sigmas,
//                                          loc=mus, scale=sigmas) + log(weights), axis=1)
// Discrete and categorical log_pdf values, and the continuous ones of ParzenOptions
// sigma_normalised = false, are Optuna's own.
#include "algorithms/samplers/tpe/parzen_estimator.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "algorithms/samplers/random_bits.h"
#include "algorithms/samplers/tpe/parzen_dimension.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::Pointwise;

constexpr double kTight = 1e-12;
const ParzenOptions kNormalised;  // prior_weight 1, density with 1/sigma
const ParzenOptions kOptuna31{1.0, /*sigma_normalised=*/false};  // 3.1's likelihood

double LogPdfAt(const ParzenEstimator& estimator, double x) {
  std::vector<double> scratch;
  return estimator.LogPdf(&x, scratch);
}

std::vector<double> Repeat(double value, int n) { return std::vector<double>(n, value); }

TEST(ParzenEstimator, ContinuousBandwidthsUseNeighbourGapsWithThePriorCentre) {
  const ParzenEstimator estimator({ParzenDimension::Continuous(0, 10)}, {1.0, 2.5, 2.6, 9.0},
                                  kNormalised);
  EXPECT_THAT(estimator.Weights(), Pointwise(DoubleNear(kTight), Repeat(0.2, 5)));
  EXPECT_THAT(estimator.mus(0), ElementsAre(1.0, 2.5, 2.6, 9.0, 5.0));
  EXPECT_THAT(
      estimator.sigmas(0),
      Pointwise(DoubleNear(kTight), {1.6666666666666667, 1.6666666666666667, 2.4, 4.0, 10.0}));
  EXPECT_NEAR(LogPdfAt(estimator, 0.5), -1.9892956324504496, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 2.55), -1.8187018636025367, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 7.0), -2.8287970656093893, kTight);
}

TEST(ParzenEstimator, MagicClipRaisesSigmasToRangeOverOnePlusComponents) {
  // Ten observations 0.01 apart: every gap is below 1/(1 + 11), so every sigma is clipped to it.
  const ParzenEstimator estimator({ParzenDimension::Continuous(0, 1)},
                                  {0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59},
                                  kNormalised);
  std::vector<double> expected = Repeat(0.08333333333333333, 10);
  expected.push_back(1.0);
  EXPECT_THAT(estimator.sigmas(0), Pointwise(DoubleNear(kTight), expected));
  EXPECT_NEAR(LogPdfAt(estimator, 0.545), 1.4353912732163825, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 0.9), -2.4240599165664083, kTight);
}

TEST(ParzenEstimator, ManyObservationsRampTheOldWeightsAndClipAtOneOverThirtyTwo) {
  const std::vector<double> observations = {
      0.550798, 0.708148, 0.290905, 0.510828, 0.892947, 0.896293, 0.125585, 0.207243,
      0.051467, 0.44081,  0.029876, 0.456833, 0.649144, 0.278487, 0.676255, 0.590863,
      0.023982, 0.558854, 0.259252, 0.415101, 0.283525, 0.693138, 0.440454, 0.156868,
      0.544649, 0.780315, 0.306364, 0.221958, 0.387971, 0.936384};
  const ParzenEstimator estimator({ParzenDimension::Continuous(0, 1)}, observations, kNormalised);
  const std::vector<double> weights = estimator.Weights();
  ASSERT_EQ(weights.size(), 31u);
  EXPECT_NEAR(weights[0], 0.0011661807580174927, kTight);
  EXPECT_NEAR(weights[1], 0.009620991253644314, kTight);
  EXPECT_NEAR(weights[2], 0.018075801749271137, kTight);
  EXPECT_NEAR(weights[3], 0.026530612244897955, kTight);
  EXPECT_NEAR(weights[4], 0.034985422740524776, kTight);
  EXPECT_NEAR(weights[30], 0.034985422740524776, kTight);
  EXPECT_THAT(
      estimator.sigmas(0),
      Pointwise(DoubleNear(kTight),
                {0.03125,  0.072167, 0.03125,  0.033821, 0.112632, 0.040091, 0.074118, 0.050375,
                 0.074118, 0.03125,  0.03125,  0.043167, 0.058281, 0.03125,  0.03125,  0.058281,
                 0.03125,  0.032009, 0.037294, 0.03125,  0.03125,  0.03125,  0.03125,  0.050375,
                 0.033821, 0.112632, 0.081607, 0.037294, 0.081607, 0.040091, 1.0}));
  EXPECT_NEAR(LogPdfAt(estimator, 0.25), 0.5869886194176019, 1e-11);
  EXPECT_NEAR(LogPdfAt(estimator, 0.75), -0.815485398716209, 1e-11);
}

TEST(ParzenEstimator, Optuna31LikelihoodOmitsTheOneOverSigmaFactor) {
  const ParzenEstimator cont({ParzenDimension::Continuous(0, 10)}, {1.0, 2.5, 2.6, 9.0}, kOptuna31);
  EXPECT_NEAR(LogPdfAt(cont, 0.5), -0.8854131272513406, kTight);
  EXPECT_NEAR(LogPdfAt(cont, 2.55), -0.7156411669661396, kTight);
  EXPECT_NEAR(LogPdfAt(cont, 7.0), -1.0671404413136, kTight);
  const ParzenEstimator log({ParzenDimension::Continuous(std::log(1e-3), std::log(1.0))},
                            {std::log(0.01), std::log(0.05), std::log(0.2)}, kOptuna31);
  EXPECT_NEAR(LogPdfAt(log, std::log(0.002)), -1.2008452980148703, kTight);
  EXPECT_NEAR(LogPdfAt(log, std::log(0.05)), -0.7265915481440646, kTight);
  EXPECT_NEAR(LogPdfAt(log, std::log(0.9)), -1.181620851419542, kTight);
  const ParzenEstimator clip({ParzenDimension::Continuous(0, 1)},
                             {0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59},
                             kOptuna31);
  EXPECT_NEAR(LogPdfAt(clip, 0.545), -0.8281914888534001, kTight);
  EXPECT_NEAR(LogPdfAt(clip, 0.9), -2.4358396725494718, kTight);
  // Grids and categories are masses either way.
  const ParzenEstimator grid({ParzenDimension::Grid(5)}, {1, 1, 4}, kOptuna31);
  EXPECT_NEAR(LogPdfAt(grid, 4), -1.9969205340326828, kTight);
}

TEST(ParzenEstimator, GivenSortOrdersGiveTheSameEstimator) {
  // Ties (0.5 twice, and the prior centre 0.5) must land where a stable sort puts them.
  const std::vector<double> observations = {0.7, 0.5, 0.1, 0.5, 0.9, 0.3};
  const std::vector<std::vector<int>> orders = {{2, 5, 1, 3, 0, 4}};
  const ParzenEstimator sorted_here({ParzenDimension::Continuous(0, 1)}, observations, kNormalised);
  const ParzenEstimator presorted({ParzenDimension::Continuous(0, 1)}, observations, kNormalised,
                                  &orders);
  EXPECT_EQ(sorted_here.sigmas(0), presorted.sigmas(0));
  for (double x : {0.05, 0.5, 0.77}) EXPECT_EQ(LogPdfAt(sorted_here, x), LogPdfAt(presorted, x));
}

TEST(ParzenEstimator, WithoutObservationsIsThePriorKernel) {
  const ParzenEstimator estimator({ParzenDimension::Continuous(-1, 1)}, {}, kNormalised);
  EXPECT_THAT(estimator.Weights(), ElementsAre(1.0));
  EXPECT_THAT(estimator.mus(0), ElementsAre(0.0));
  EXPECT_THAT(estimator.sigmas(0), ElementsAre(2.0));
  EXPECT_NEAR(LogPdfAt(estimator, 0.0), -0.6521693800689957, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 0.9), -0.7534193800689958, kTight);
}

TEST(ParzenEstimator, OneObservationUsesBothGapsBeforeTheEndpointRuleApplies) {
  const ParzenEstimator estimator({ParzenDimension::Continuous(0, 1)}, {0.2}, kNormalised);
  EXPECT_THAT(estimator.sigmas(0), Pointwise(DoubleNear(kTight), {0.3333333333333333, 1.0}));
  EXPECT_NEAR(LogPdfAt(estimator, 0.2), 0.28665248474856914, kTight);
}

TEST(ParzenEstimator, LogParametersLiveInLogSpace) {
  const ParzenEstimator estimator({ParzenDimension::Continuous(std::log(1e-3), std::log(1.0))},
                                  {std::log(0.01), std::log(0.05), std::log(0.2)}, kNormalised);
  EXPECT_THAT(estimator.mus(0),
              Pointwise(DoubleNear(kTight), {-4.605170185988091, -2.995732273553991,
                                             -1.6094379124341003, -3.4538776394910684}));
  EXPECT_THAT(estimator.sigmas(0),
              Pointwise(DoubleNear(kTight), {1.3815510557964275, 1.3862943611198906,
                                             1.3862943611198906, 6.907755278982137}));
  EXPECT_NEAR(LogPdfAt(estimator, std::log(0.002)), -2.5438209317165366, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, std::log(0.05)), -1.6139621546960015, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, std::log(0.9)), -2.4330475812548276, kTight);
}

TEST(ParzenEstimator, IntegerKernelsGiveTheMassOfEachValuesCell) {
  // IntDistribution(0, 5): Optuna's coordinates are the values, ours the grid indices (equal here).
  const ParzenEstimator estimator({ParzenDimension::Grid(5)}, {1, 1, 4}, kNormalised);
  EXPECT_THAT(estimator.mus(0), ElementsAre(1.0, 1.0, 4.0, 2.5));
  EXPECT_THAT(estimator.sigmas(0), Pointwise(DoubleNear(kTight), {1.2, 1.5, 1.5, 6.0}));
  EXPECT_NEAR(LogPdfAt(estimator, 0), -1.7713638085227559, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 1), -1.5079461285996825, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 4), -1.9969205340326828, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 5), -2.249178202637861, kTight);
  // The masses of all six values sum to one.
  double total = 0;
  for (int k = 0; k <= 5; ++k) total += std::exp(LogPdfAt(estimator, k));
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(ParzenEstimator, CategoricalKernelAddsPriorWeightOverObservationsPlusOne) {
  const ParzenEstimator estimator({ParzenDimension::Categorical(3)}, {0, 2, 2}, kNormalised);
  EXPECT_NEAR(LogPdfAt(estimator, 0), -1.0986122886681098, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 1), -1.6582280766035324, kTight);
  EXPECT_NEAR(LogPdfAt(estimator, 2), -0.7419373447293772, kTight);
  // By hand: v = 1/4, rows (v + [c == o]) / (3v + 1), prior row 1/3, weights 1/4 each.
  const double v = 0.25;
  const double p1 = 0.25 * (3 * v / (3 * v + 1)) + 0.25 / 3;
  EXPECT_NEAR(std::exp(LogPdfAt(estimator, 1)), p1, kTight);
}

TEST(ParzenEstimator, CategoricalDrawsFollowTheMixture) {
  const ParzenEstimator estimator({ParzenDimension::Categorical(3)}, {0, 2, 2}, kNormalised);
  SplitMix64 random(7);
  std::map<int, int> counts;
  constexpr int kDraws = 60000;
  for (int i = 0; i < kDraws; ++i) {
    double x;
    estimator.Sample(random, &x);
    ++counts[static_cast<int>(x)];
  }
  for (int c = 0; c < 3; ++c) {
    const double expected = std::exp(LogPdfAt(estimator, c));
    EXPECT_NEAR(counts[c] / static_cast<double>(kDraws), expected, 0.01) << "category " << c;
  }
}

TEST(ParzenEstimator, ContinuousDrawsStayInRangeAndMatchTheDensity) {
  const ParzenEstimator estimator({ParzenDimension::Continuous(0, 10)}, {1.0, 2.5, 2.6, 9.0},
                                  kNormalised);
  SplitMix64 random(11);
  constexpr int kDraws = 40000;
  constexpr int kBins = 10;
  std::vector<int> bins(kBins, 0);
  for (int i = 0; i < kDraws; ++i) {
    double x;
    estimator.Sample(random, &x);
    ASSERT_GE(x, 0.0);
    ASSERT_LE(x, 10.0);
    ++bins[std::min(kBins - 1, static_cast<int>(x))];
  }
  // Each bin's frequency against the density integrated by the midpoint rule on 100 points.
  for (int b = 0; b < kBins; ++b) {
    double mass = 0;
    for (int j = 0; j < 100; ++j) mass += std::exp(LogPdfAt(estimator, b + (j + 0.5) / 100)) / 100;
    EXPECT_NEAR(bins[b] / static_cast<double>(kDraws), mass, 0.01) << "bin " << b;
  }
}

TEST(ParzenEstimator, GridDrawsLandOnIndices) {
  const ParzenEstimator estimator({ParzenDimension::Grid(5)}, {1, 1, 4}, kNormalised);
  SplitMix64 random(3);
  std::map<int, int> counts;
  constexpr int kDraws = 40000;
  for (int i = 0; i < kDraws; ++i) {
    double x;
    estimator.Sample(random, &x);
    ASSERT_EQ(x, std::round(x));
    ++counts[static_cast<int>(x)];
  }
  for (int k = 0; k <= 5; ++k) {
    EXPECT_NEAR(counts[k] / static_cast<double>(kDraws), std::exp(LogPdfAt(estimator, k)), 0.01);
  }
}

TEST(ParzenEstimator, ProductKernelsCoupleDimensionsThroughTheComponent) {
  // Two observations on the diagonal corners: a joint estimator prefers the corners to the
  // off-diagonal points, which a product of marginals could not.
  const std::vector<ParzenDimension> dims = {ParzenDimension::Continuous(0, 1),
                                             ParzenDimension::Continuous(0, 1)};
  const ParzenEstimator estimator(dims, {0.1, 0.1, 0.9, 0.9}, kNormalised);
  std::vector<double> scratch;
  const double corner[] = {0.1, 0.1};
  const double off[] = {0.1, 0.9};
  EXPECT_GT(estimator.LogPdf(corner, scratch), estimator.LogPdf(off, scratch) + 0.5);
}

}  // namespace
}  // namespace hyperd::algorithms
