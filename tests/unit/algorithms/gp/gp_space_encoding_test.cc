#include "algorithms/samplers/gp/gp_space_encoding.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "algorithms/samplers/gp/training_set.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms::gp {
namespace {

using ::hyperd::algorithms::testing::Categorical;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;
using Kind = SearchDimension::Kind;

SearchSpace Space() {
  SearchSpace space;
  space.parameters = {Float("lr", 1e-4, 1e-1, Scale::kLog), Int("layers", 1, 4),
                      Int("units", 1, 100), Float("drop", 0, 0.5, Scale::kLinear, 0.1),
                      Categorical("opt", {"sgd", "adam", "rmsprop"})};
  return space;
}

TEST(GpSpaceEncoding, ChoosesTheDimensionKinds) {
  const GpSpaceEncoding encoding(Space());
  EXPECT_EQ(encoding.categorical(), (std::vector<bool>{false, false, false, false, true}));
  const std::vector<SearchDimension> dims =
      encoding.MaximizerDimensions(Eigen::VectorXd::Constant(5, 0.3));
  EXPECT_EQ(dims[0].kind, Kind::kContinuous);
  EXPECT_DOUBLE_EQ(dims[0].scale, 0.3);
  EXPECT_EQ(dims[1].kind, Kind::kDiscrete);  // 4 values: exhaustive
  EXPECT_EQ(dims[1].values, (std::vector<double>{0.125, 0.375, 0.625, 0.875}));
  EXPECT_EQ(dims[2].kind, Kind::kContinuous);  // 100 values: relaxed
  EXPECT_EQ(dims[3].kind, Kind::kDiscrete);    // 6 stepped values
  EXPECT_EQ(dims[3].values.size(), 6u);
  EXPECT_EQ(dims[4].kind, Kind::kCategorical);
  EXPECT_EQ(dims[4].categories, 3);
  EXPECT_FALSE(encoding.FiniteSize().has_value());
}

TEST(GpSpaceEncoding, EncodeDecodeRoundTripsExactly) {
  const SearchSpace space = Space();
  const GpSpaceEncoding encoding(space);
  const Assignment a = {{"lr", 0.003},
                        {"layers", int64_t{3}},
                        {"units", int64_t{57}},
                        {"drop", 0.3},
                        {"opt", std::string("rmsprop")}};
  const std::optional<Eigen::VectorXd> x = encoding.Encode(a);
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ((*x)[4], 2.0);  // category index
  const Assignment back = encoding.Decode(*x);
  EXPECT_TRUE(ValidateAssignment(space, back).ok());
  EXPECT_EQ(std::get<int64_t>(back[1].second), 3);
  EXPECT_EQ(std::get<int64_t>(back[2].second), 57);
  EXPECT_EQ(std::get<std::string>(back[4].second), "rmsprop");
  EXPECT_NEAR(std::get<double>(back[0].second), 0.003, 1e-15);
  EXPECT_TRUE(encoding.Snap(*x) == *x);
  // Parameters may come in any order; a missing one makes the trial unusable.
  const Assignment shuffled = {a[4], a[2], a[0], a[3], a[1]};
  EXPECT_TRUE(*encoding.Encode(shuffled) == *x);
  EXPECT_FALSE(encoding.Encode({a[0], a[1]}).has_value());
}

TEST(GpSpaceEncoding, SnapMovesRelaxedIntegersToTheirCell) {
  const GpSpaceEncoding encoding(Space());
  Eigen::VectorXd x(5);
  x << 0.5, 0.4, 0.5612, 0.33, 1.2;
  const Eigen::VectorXd snapped = encoding.Snap(x);
  EXPECT_EQ(snapped[1], 0.375);
  EXPECT_DOUBLE_EQ(snapped[2], 56.5 / 100);  // value 57 owns the cell [0.56, 0.57)
  EXPECT_EQ(snapped[4], 1.0);                // categorical indices round
  EXPECT_TRUE(encoding.Snap(snapped) == snapped);
}

TEST(GpSpaceEncoding, CountsFiniteSpaces) {
  SearchSpace space;
  space.parameters = {Int("a", 0, 9), Categorical("b", {"x", "y"}),
                      Float("c", 0, 1, Scale::kLinear, 0.25)};
  EXPECT_EQ(GpSpaceEncoding(space).FiniteSize(), std::optional<uint64_t>(10 * 2 * 5));
}

TEST(TrainingSet, SortsTrialsByOutcome) {
  const SearchSpace space = Space();
  const GpSpaceEncoding encoding(space);
  const Assignment a = {{"lr", 0.01},
                        {"layers", int64_t{1}},
                        {"units", int64_t{5}},
                        {"drop", 0.0},
                        {"opt", std::string("sgd")}};
  using Outcome = TrialObservation::Outcome;
  std::vector<TrialObservation> trials(6);
  const Outcome outcomes[] = {Outcome::kSucceeded,  Outcome::kFailed,  Outcome::kPruned,
                              Outcome::kInfeasible, Outcome::kPending, Outcome::kSucceeded};
  for (int i = 0; i < 6; ++i) {
    trials[i].number = i;
    trials[i].parameters = a;
    trials[i].outcome = outcomes[i];
    trials[i].objective = 1.0 + i;
  }
  trials[5].parameters.pop_back();  // not a point of the space
  const TrainingSet set = CollectTrainingSet(encoding, trials);
  ASSERT_EQ(set.size(), 2);
  EXPECT_EQ(set.values[0], 1.0);
  EXPECT_TRUE(std::isnan(set.values[1]));  // INFEASIBLE
  EXPECT_EQ(set.pending.size(), 1u);
  const std::vector<uint64_t> fingerprints = PrefixFingerprints(set);
  ASSERT_EQ(fingerprints.size(), 3u);
  EXPECT_NE(fingerprints[1], fingerprints[2]);
}

TEST(SelectSubset, KeepsTheBestAndIsDeterministic) {
  std::vector<double> values(50);
  for (int i = 0; i < 50; ++i) values[i] = (i * 37) % 50;  // a permutation of 0..49
  values[7] = std::numeric_limits<double>::quiet_NaN();
  const std::vector<int> subset = SelectSubset(values, 20, 5, 99);
  ASSERT_EQ(subset.size(), 20u);
  EXPECT_TRUE(std::is_sorted(subset.begin(), subset.end()));
  EXPECT_EQ(std::set<int>(subset.begin(), subset.end()).size(), 20u);
  for (int i = 0; i < 50; ++i) {
    if (values[i] >= 45) {
      EXPECT_NE(std::find(subset.begin(), subset.end(), i), subset.end()) << i;
    }
  }
  EXPECT_EQ(SelectSubset(values, 20, 5, 99), subset);
  EXPECT_NE(SelectSubset(values, 20, 5, 100), subset);
  EXPECT_EQ(SelectSubset(values, 60, 5, 99).size(), 50u);
}

}  // namespace
}  // namespace hyperd::algorithms::gp
