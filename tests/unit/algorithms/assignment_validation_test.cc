// ValidateAssignment: exactly the active parameters, typed, in range, on their grid.
#include <cstdint>
#include <limits>
#include <string>

#include "algorithms/space/search_space.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::Categorical;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;
using ::hyperd::algorithms::testing::IsInvalidArgumentAt;
using ::hyperd::algorithms::testing::When;

SearchSpace Space() {
  return SearchSpace{
      {Float("lr", 1e-4, 1e-1, Scale::kLog), Float("dropout", 0, 0.5, Scale::kLinear, 0.1),
       Int("batch", 32, 256, Scale::kLinear, 32), Categorical("opt", {"sgd", "adam"}),
       When(Float("momentum", 0, 0.99), "opt", {"sgd"}),
       When(Categorical("nesterov", {"yes", "no"}), "opt", {"sgd"}),
       When(Int("dampening", 0, 3), "nesterov", {"no"})}};
}

Assignment Adam() {
  return {{"lr", 0.001}, {"dropout", 0.3}, {"batch", int64_t{64}}, {"opt", std::string("adam")}};
}

TEST(AssignmentValidation, AcceptsActiveParametersOnly) {
  EXPECT_TRUE(ValidateAssignment(Space(), Adam()).ok());
  Assignment sgd = {{"lr", 0.1},
                    {"dropout", 0.0},
                    {"batch", int64_t{256}},
                    {"opt", std::string("sgd")},
                    {"momentum", 0.9},
                    {"nesterov", std::string("no")},
                    {"dampening", int64_t{3}}};
  EXPECT_TRUE(ValidateAssignment(Space(), sgd).ok());
}

TEST(AssignmentValidation, AcceptsAnyOrder) {
  Assignment adam = Adam();
  EXPECT_TRUE(ValidateAssignment(Space(), Assignment(adam.rbegin(), adam.rend())).ok());
}

TEST(AssignmentValidation, AcceptsSteppedFloatTypedInDecimal) {
  // 0 + 3*0.1 is 0.30000000000000004; a user writes 0.3.
  Assignment a = Adam();
  a[1].second = 0.3;
  EXPECT_TRUE(ValidateAssignment(Space(), a).ok());
  a[1].second = 0.0 + 3 * 0.1;
  EXPECT_TRUE(ValidateAssignment(Space(), a).ok());
}

TEST(AssignmentValidation, RejectsMissingActiveParameter) {
  Assignment a = Adam();
  a.erase(a.begin() + 2);
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['batch']", "missing"));
}

TEST(AssignmentValidation, RejectsInactiveParameter) {
  Assignment a = Adam();
  a.emplace_back("momentum", 0.9);
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['momentum']", "inactive"));
}

TEST(AssignmentValidation, RejectsChildOfInactiveParent) {
  Assignment a = Adam();
  a.emplace_back("dampening", int64_t{1});
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['dampening']", "inactive"));
}

TEST(AssignmentValidation, RejectsUnknownParameter) {
  Assignment a = Adam();
  a.emplace_back("epochs", int64_t{3});
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['epochs']", "not a parameter"));
}

TEST(AssignmentValidation, RejectsRepeatedParameter) {
  Assignment a = Adam();
  a.emplace_back("lr", 0.01);
  EXPECT_THAT(ValidateAssignment(Space(), a), IsInvalidArgumentAt("parameters['lr']", "twice"));
}

TEST(AssignmentValidation, RejectsWrongType) {
  Assignment a = Adam();
  a[2].second = 64.0;
  EXPECT_THAT(
      ValidateAssignment(Space(), a),
      IsInvalidArgumentAt("parameters['batch']", "is a float but the parameter is an integer"));
  a = Adam();
  a[0].second = std::string("fast");
  EXPECT_THAT(ValidateAssignment(Space(), a), IsInvalidArgumentAt("parameters['lr']", "category"));
}

TEST(AssignmentValidation, RejectsOutOfRangeValues) {
  Assignment a = Adam();
  a[0].second = 0.5;
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['lr']", "0.5 is outside [0.0001, 0.1]"));
  a = Adam();
  a[2].second = int64_t{288};
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['batch']", "outside"));
  a = Adam();
  a[0].second = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(ValidateAssignment(Space(), a), IsInvalidArgumentAt("parameters['lr']", "nan"));
}

TEST(AssignmentValidation, RejectsValuesOffTheStepGrid) {
  Assignment a = Adam();
  a[1].second = 0.25;
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['dropout']", "0 + k*0.1"));
  a = Adam();
  a[2].second = int64_t{48};
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['batch']", "32 + k*32"));
}

TEST(AssignmentValidation, RejectsUnknownCategory) {
  Assignment a = Adam();
  a[3].second = std::string("adamw");
  EXPECT_THAT(ValidateAssignment(Space(), a),
              IsInvalidArgumentAt("parameters['opt']", "'adamw' is not one of its categories"));
}

}  // namespace
}  // namespace hyperd::algorithms
