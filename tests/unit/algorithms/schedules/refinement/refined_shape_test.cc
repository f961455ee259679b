#include "algorithms/schedules/refinement/refined_shape.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms::schedules::refinement {
namespace {

using ::testing::HasSubstr;

constexpr double kTolerance = 5e-7;  // the spec prints 6 significant digits

void ExpectShape(const std::vector<double>& norms, NormKind kind, double tau,
                 const std::vector<double>& expected) {
  absl::StatusOr<std::vector<double>> shape = RefineShape(norms, {kind, tau});
  ASSERT_TRUE(shape.ok()) << shape.status();
  ASSERT_EQ(shape->size(), expected.size());
  for (size_t t = 0; t < expected.size(); ++t) {
    EXPECT_NEAR((*shape)[t], expected[t], kTolerance) << "t = " << t;
  }
}

TEST(RefineShape, ConstantNormsGiveLinearDecayToExactlyZero) {
  ExpectShape({1, 1, 1, 1, 1}, NormKind::kL2Sgd, 0.1, {1, 0.75, 0.5, 0.25, 0});
  absl::StatusOr<std::vector<double>> shape =
      RefineShape(std::vector<double>(1000, 3.7), {NormKind::kL2Sgd, 0.1});
  ASSERT_TRUE(shape.ok());
  for (int t = 0; t < 1000; ++t) EXPECT_NEAR((*shape)[t], 1.0 - t / 999.0, 1e-12);
  EXPECT_EQ(shape->back(), 0.0);
  EXPECT_EQ(shape->front(), 1.0);
}

TEST(RefineShape, RawClosedFormIsWeightTimesTailOfFutureWeights) {
  // [1,1,1,1,1]: raw η = [4,3,2,1,0] before normalisation.
  std::vector<double> weights = RefinementWeights({1, 1, 1, 1, 1}, NormKind::kL2Sgd);
  EXPECT_THAT(ShapeFromWeights(weights), testing::ElementsAre(1, 0.75, 0.5, 0.25, 0));
}

TEST(RefineShape, LargeEarlyNormProducesWarmUp) {
  ExpectShape({2, 1, 1, 1}, NormKind::kL2Sgd, 0.1, {0.375, 1, 0.5, 0});
}

TEST(RefineShape, IsScaleInvariant) {
  ExpectShape({20, 10, 10, 10}, NormKind::kL2Sgd, 0.1, {0.375, 1, 0.5, 0});
}

TEST(RefineShape, LateRiseInNormsAnnealsFaster) {
  ExpectShape({1, 1, 1, 2}, NormKind::kL2Sgd, 0.1, {1, 0.555556, 0.111111, 0});
}

TEST(RefineShape, AdamVariantWeightsByInverseL1Norm) {
  ExpectShape({4, 1, 1, 1}, NormKind::kL1Adam, 0.1, {0.375, 1, 0.5, 0});
}

TEST(RefineShape, WarmUpThenDecayVectorOfTheSpec) {
  ExpectShape({3, 2, 1, 1, 1, 1, 1, 1, 1, 2}, NormKind::kL2Sgd, 0.1,
              {0.133333, 0.29, 1, 0.84, 0.68, 0.52, 0.36, 0.2, 0.04, 0});
}

TEST(RefineShape, MedianFilterRemovesSpikeBeforeTheClosedForm) {
  ExpectShape({5, 3, 2, 1, 1, 9, 1, 1, 1, 1, 2, 2}, NormKind::kL2Sgd, 0.25,
              {0.0483761, 0.132479, 0.288462, 1, 0.846154, 0.692308, 0.538462, 0.384615,
               0.230769, 0.0769231, 0.00961538, 0});
}

TEST(RefineShape, OneAndTwoStepRunsAreDegenerate) {
  ExpectShape({5}, NormKind::kL2Sgd, 0.1, {0});
  ExpectShape({5, 7}, NormKind::kL2Sgd, 0.1, {1, 0});
}

TEST(RefineShape, RandomNormsGiveNonNegativeShapePeakingAtOneAndEndingAtZero) {
  std::mt19937_64 rng(20231007);
  std::lognormal_distribution<double> norm(0.0, 1.0);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> norms(5 + trial * 7);
    for (double& g : norms) g = norm(rng);
    for (NormKind kind : {NormKind::kL2Sgd, NormKind::kL1Adam}) {
      absl::StatusOr<std::vector<double>> shape = RefineShape(norms, {kind, 0.1});
      ASSERT_TRUE(shape.ok());
      EXPECT_EQ(shape->back(), 0.0);
      EXPECT_DOUBLE_EQ(*std::max_element(shape->begin(), shape->end()), 1.0);
      for (double s : *shape) EXPECT_GE(s, 0.0);
      for (size_t t = 0; t + 1 < shape->size(); ++t) EXPECT_GT((*shape)[t], 0.0);
    }
  }
}

TEST(RefineShape, RejectsUncleanedInputNamingTheIndex) {
  absl::StatusOr<std::vector<double>> result = RefineShape({1, 0, 1}, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("norms[1]"));
  result = RefineShape({1, 1, NAN}, {});
  EXPECT_THAT(result.status().message(), HasSubstr("norms[2]"));
  result = RefineShape({1, -1}, {});
  EXPECT_THAT(result.status().message(), HasSubstr("norms[1]"));
  result = RefineShape({}, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("norms"));
}

TEST(RefineShape, RejectsFilterFractionOutsideUnitInterval) {
  for (double tau : {-0.1, 1.5, static_cast<double>(NAN)}) {
    absl::StatusOr<std::vector<double>> result = RefineShape({1, 1, 1}, {NormKind::kL2Sgd, tau});
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr("filter_fraction"));
  }
}

}  // namespace
}  // namespace hyperd::algorithms::schedules::refinement
