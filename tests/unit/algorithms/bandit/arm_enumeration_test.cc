// The arms of a bandit study are the points of its finite search space, in grid order.
#include "algorithms/samplers/bandit/arm_enumeration.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

TEST(EnumerateArms, ListsEveryPointOfADiscreteSpace) {
  SearchSpace space;
  space.parameters.push_back({"schedule", CategoricalParameter{{"cosine", "step"}}, {}});
  space.parameters.push_back({"omega", DoubleParameter{1.0, 1.1, Scale::kLinear, 0.05}, {}});
  absl::StatusOr<std::vector<Assignment>> arms = EnumerateArms(space, 100);
  ASSERT_TRUE(arms.ok()) << arms.status();
  ASSERT_EQ(arms->size(), 6u);
  EXPECT_EQ(std::get<std::string>((*arms)[0][0].second), "cosine");
  EXPECT_DOUBLE_EQ(std::get<double>((*arms)[0][1].second), 1.0);
  EXPECT_DOUBLE_EQ(std::get<double>((*arms)[2][1].second), 1.1);
  EXPECT_EQ(std::get<std::string>((*arms)[3][0].second), "step");
}

TEST(EnumerateArms, ExpandsConditionalParametersOnlyWhereActive) {
  SearchSpace space;
  space.parameters.push_back({"opt", CategoricalParameter{{"sgd", "adam"}}, {}});
  space.parameters.push_back(
      {"momentum", IntegerParameter{1, 3, Scale::kLinear, 1}, Condition{"opt", {"sgd"}, {}}});
  absl::StatusOr<std::vector<Assignment>> arms = EnumerateArms(space, 100);
  ASSERT_TRUE(arms.ok()) << arms.status();
  EXPECT_EQ(arms->size(), 4u);  // sgd x 3 momenta + adam
}

TEST(EnumerateArms, RefusesContinuousFloats) {
  SearchSpace space;
  space.parameters.push_back({"batch", IntegerParameter{1, 4, Scale::kLinear, 1}, {}});
  space.parameters.push_back({"lr", DoubleParameter{1e-4, 1e-1, Scale::kLog, 0}, {}});
  EXPECT_EQ(EnumerateArms(space, 100).status().message(),
            "parameters[1] ('lr'): a bandit arm needs a finite set of values; give the float "
            "parameter a step > 0 or make it categorical");
}

TEST(EnumerateArms, RefusesMoreArmsThanTheLimit) {
  SearchSpace space;
  space.parameters.push_back({"k", IntegerParameter{0, 999, Scale::kLinear, 1}, {}});
  EXPECT_TRUE(EnumerateArms(space, 1000).ok());
  EXPECT_EQ(
      EnumerateArms(space, 999).status().message(),
      "parameters: the space has 1000 points, more than the 999 arms a bandit study may have; use "
      "fewer values or a non-bandit sampler");
}

TEST(EnumerateArms, RefusesAnInvalidSpace) {
  SearchSpace space;
  space.parameters.push_back({"k", IntegerParameter{5, 1, Scale::kLinear, 1}, {}});
  EXPECT_EQ(EnumerateArms(space, 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EnumerateArms(SearchSpace{}, 10).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hyperd::algorithms
