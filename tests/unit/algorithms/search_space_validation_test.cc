// ValidateSearchSpace: one test per rule, each asserting INVALID_ARGUMENT and the field path.
#include <cmath>
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
using ::hyperd::algorithms::testing::WhenInt;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

absl::Status Validate(std::vector<ParameterConfig> parameters) {
  return ValidateSearchSpace(SearchSpace{std::move(parameters)});
}

TEST(SearchSpaceValidation, AcceptsEveryKindWithNestedConditions) {
  EXPECT_TRUE(
      Validate({Float("lr", 1e-5, 1e-1, Scale::kLog), Float("dropout", 0, 0.5, Scale::kLinear, 0.1),
                Int("layers", 1, 4), Int("width", 16, 1024, Scale::kLog),
                Int("batch", 32, 256, Scale::kLinear, 32), Categorical("opt", {"sgd", "adam"}),
                When(Float("momentum", 0, 0.99), "opt", {"sgd"}),
                When(Categorical("nesterov", {"yes", "no"}), "opt", {"sgd"}),
                When(Float("dampening", 0, 1), "nesterov", {"no"}),
                WhenInt(Int("layer4_width", 8, 64), "layers", {4})})
          .ok());
}

TEST(SearchSpaceValidation, AcceptsFixedRanges) {
  EXPECT_TRUE(Validate({Float("a", 2, 2), Int("b", 7, 7), Float("c", 1, 1, Scale::kLog)}).ok());
}

TEST(SearchSpaceValidation, AcceptsRangeThatIsNotAMultipleOfTheStep) {
  EXPECT_TRUE(
      Validate({Float("a", 0, 1, Scale::kLinear, 0.3), Int("b", 0, 10, Scale::kLinear, 3)}).ok());
}

TEST(SearchSpaceValidation, AcceptsZeroIntegerStepAsOne) {
  EXPECT_TRUE(Validate({Int("b", 1, 100, Scale::kLog, 0)}).ok());
}

TEST(SearchSpaceValidation, RejectsSpaceWithoutParameters) {
  EXPECT_THAT(Validate({}), IsInvalidArgumentAt("parameters", "at least one"));
}

TEST(SearchSpaceValidation, RejectsEmptyName) {
  EXPECT_THAT(Validate({Float("a", 0, 1), Float("", 0, 1)}),
              IsInvalidArgumentAt("parameters[1].name", "is empty"));
}

TEST(SearchSpaceValidation, RejectsNameLongerThan128Characters) {
  EXPECT_TRUE(Validate({Float(std::string(128, 'x'), 0, 1)}).ok());
  EXPECT_THAT(Validate({Float(std::string(129, 'x'), 0, 1)}),
              IsInvalidArgumentAt("parameters[0].name", "129 characters"));
}

TEST(SearchSpaceValidation, RejectsNameWithDisallowedCharacter) {
  EXPECT_TRUE(Validate({Float("model/lr_2-b.c", 0, 1)}).ok());
  EXPECT_THAT(Validate({Float("learning rate", 0, 1)}),
              IsInvalidArgumentAt("parameters[0].name", "' '"));
  EXPECT_THAT(Validate({Float("lr=1", 0, 1)}), IsInvalidArgumentAt("parameters[0].name", "'='"));
  EXPECT_THAT(Validate({Float("lr\n", 0, 1)}),
              IsInvalidArgumentAt("parameters[0].name", "the character '\\n'"));
}

TEST(SearchSpaceValidation, RejectsDuplicateName) {
  EXPECT_THAT(Validate({Float("lr", 0, 1), Int("layers", 1, 3), Categorical("lr", {"a"})}),
              IsInvalidArgumentAt("parameters[2].name", "already used by parameters[0]"));
}

TEST(SearchSpaceValidation, RejectsFloatMinAboveMax) {
  EXPECT_THAT(Validate({Float("lr", 0.5, 0.1)}),
              IsInvalidArgumentAt("parameters[0].double_spec.min", "above max 0.1"));
}

TEST(SearchSpaceValidation, RejectsIntegerMinAboveMax) {
  EXPECT_THAT(Validate({Float("lr", 0, 1), Int("layers", 5, 2)}),
              IsInvalidArgumentAt("parameters[1].integer_spec.min", "above max 2"));
}

TEST(SearchSpaceValidation, RejectsNonFiniteMin) {
  EXPECT_THAT(Validate({Float("lr", -kInf, 1)}),
              IsInvalidArgumentAt("parameters[0].double_spec.min", "finite"));
  EXPECT_THAT(Validate({Float("lr", kNaN, 1)}),
              IsInvalidArgumentAt("parameters[0].double_spec.min", "nan"));
}

TEST(SearchSpaceValidation, RejectsNonFiniteMax) {
  EXPECT_THAT(Validate({Float("lr", 0, kInf)}),
              IsInvalidArgumentAt("parameters[0].double_spec.max", "got inf"));
  EXPECT_THAT(Validate({Float("lr", 0, kNaN)}),
              IsInvalidArgumentAt("parameters[0].double_spec.max", "finite"));
}

TEST(SearchSpaceValidation, RejectsFloatRangeWhoseWidthOverflows) {
  EXPECT_THAT(Validate({Float("x", -1e308, 1e308)}),
              IsInvalidArgumentAt("parameters[0].double_spec.max", "overflows"));
}

TEST(SearchSpaceValidation, RejectsLogFloatWithNonPositiveMin) {
  EXPECT_THAT(Validate({Float("lr", 0, 1, Scale::kLog)}),
              IsInvalidArgumentAt("parameters[0].double_spec.min", "LOG scale needs min > 0"));
  EXPECT_THAT(Validate({Float("lr", -1, 1, Scale::kLog)}),
              IsInvalidArgumentAt("parameters[0].double_spec.min", "LOG"));
}

TEST(SearchSpaceValidation, RejectsLogIntegerWithNonPositiveMin) {
  EXPECT_THAT(Validate({Int("width", 0, 512, Scale::kLog)}),
              IsInvalidArgumentAt("parameters[0].integer_spec.min", "LOG scale needs min >= 1"));
}

TEST(SearchSpaceValidation, RejectsNegativeFloatStep) {
  EXPECT_THAT(Validate({Float("x", 0, 1, Scale::kLinear, -0.1)}),
              IsInvalidArgumentAt("parameters[0].double_spec.step", "got -0.1"));
}

TEST(SearchSpaceValidation, RejectsNonFiniteFloatStep) {
  EXPECT_THAT(Validate({Float("x", 0, 1, Scale::kLinear, kNaN)}),
              IsInvalidArgumentAt("parameters[0].double_spec.step", "finite"));
  EXPECT_THAT(Validate({Float("x", 0, 1, Scale::kLinear, kInf)}),
              IsInvalidArgumentAt("parameters[0].double_spec.step", "finite"));
}

TEST(SearchSpaceValidation, RejectsNegativeIntegerStep) {
  EXPECT_THAT(Validate({Int("n", 0, 10, Scale::kLinear, -2)}),
              IsInvalidArgumentAt("parameters[0].integer_spec.step", "got -2"));
}

TEST(SearchSpaceValidation, RejectsStepOnLogFloat) {
  EXPECT_THAT(Validate({Float("lr", 1e-3, 1, Scale::kLog, 0.01)}),
              IsInvalidArgumentAt("parameters[0].double_spec.step", "LINEAR"));
}

TEST(SearchSpaceValidation, RejectsStepAboveOneOnLogInteger) {
  EXPECT_THAT(Validate({Int("width", 16, 1024, Scale::kLog, 16)}),
              IsInvalidArgumentAt("parameters[0].integer_spec.step", "LINEAR"));
}

TEST(SearchSpaceValidation, RejectsFloatStepLargerThanRange) {
  EXPECT_TRUE(Validate({Float("x", 0, 1, Scale::kLinear, 1)}).ok());
  EXPECT_THAT(Validate({Float("x", 0, 1, Scale::kLinear, 1.5)}),
              IsInvalidArgumentAt("parameters[0].double_spec.step", "larger than the range"));
}

TEST(SearchSpaceValidation, RejectsIntegerStepLargerThanRange) {
  EXPECT_TRUE(Validate({Int("n", 0, 10, Scale::kLinear, 10)}).ok());
  EXPECT_THAT(Validate({Int("n", 0, 10, Scale::kLinear, 11)}),
              IsInvalidArgumentAt("parameters[0].integer_spec.step", "larger than the range"));
}

TEST(SearchSpaceValidation, RejectsFloatStepTooSmallForDistinctValues) {
  EXPECT_THAT(Validate({Float("x", 0, 1e10, Scale::kLinear, 1e-10)}),
              IsInvalidArgumentAt("parameters[0].double_spec.step", "2^53"));
}

TEST(SearchSpaceValidation, RejectsIntegerRangeWhoseWidthOverflows) {
  EXPECT_TRUE(Validate({Int("n", kInt64Min, -1), Int("m", 0, kInt64Max)}).ok());
  EXPECT_THAT(Validate({Int("n", kInt64Min, kInt64Max)}),
              IsInvalidArgumentAt("parameters[0].integer_spec.max", "too wide"));
  EXPECT_THAT(Validate({Int("n", -1, kInt64Max)}),
              IsInvalidArgumentAt("parameters[0].integer_spec.max", "64-bit"));
}

TEST(SearchSpaceValidation, RejectsEmptyCategoricalList) {
  EXPECT_THAT(Validate({Categorical("opt", {})}),
              IsInvalidArgumentAt("parameters[0].categorical_spec.values", "is empty"));
}

TEST(SearchSpaceValidation, RejectsDuplicateCategory) {
  EXPECT_THAT(Validate({Categorical("opt", {"sgd", "adam", "sgd"})}),
              IsInvalidArgumentAt("parameters[0].categorical_spec.values[2]", "repeats values[0]"));
}

TEST(SearchSpaceValidation, RejectsConditionOnUnknownParent) {
  EXPECT_THAT(
      Validate({Float("lr", 0, 1), When(Float("m", 0, 1), "optimizer", {"sgd"})}),
      IsInvalidArgumentAt("parameters[1].condition.parent", "'optimizer' is not a parameter"));
}

TEST(SearchSpaceValidation, RejectsConditionWithEmptyParent) {
  EXPECT_THAT(Validate({Categorical("opt", {"sgd"}), When(Float("m", 0, 1), "", {"sgd"})}),
              IsInvalidArgumentAt("parameters[1].condition.parent", "is empty"));
}

TEST(SearchSpaceValidation, RejectsConditionOnLaterParent) {
  EXPECT_THAT(Validate({When(Float("m", 0, 1), "opt", {"sgd"}), Categorical("opt", {"sgd"})}),
              IsInvalidArgumentAt("parameters[0].condition.parent",
                                  "'opt' is parameters[1], which does not come before"));
}

TEST(SearchSpaceValidation, RejectsConditionOnItself) {
  EXPECT_THAT(Validate({When(Categorical("opt", {"sgd"}), "opt", {"sgd"})}),
              IsInvalidArgumentAt("parameters[0].condition.parent", "does not come before"));
}

TEST(SearchSpaceValidation, RejectsConditionOnFloatParent) {
  EXPECT_THAT(Validate({Float("lr", 0, 1), When(Float("m", 0, 1), "lr", {"0.5"})}),
              IsInvalidArgumentAt("parameters[1].condition.parent", "'lr' is a float parameter"));
}

TEST(SearchSpaceValidation, RejectsConditionWithoutCategoricalValues) {
  EXPECT_THAT(Validate({Categorical("opt", {"sgd"}), When(Float("m", 0, 1), "opt", {})}),
              IsInvalidArgumentAt("parameters[1].condition.categorical_values", "is empty"));
}

TEST(SearchSpaceValidation, RejectsConditionWithoutIntegerValues) {
  EXPECT_THAT(Validate({Int("layers", 1, 4), WhenInt(Float("m", 0, 1), "layers", {})}),
              IsInvalidArgumentAt("parameters[1].condition.integer_values", "is empty"));
}

TEST(SearchSpaceValidation, RejectsCategoryTheParentCannotTake) {
  EXPECT_THAT(Validate({Categorical("opt", {"sgd", "adam"}),
                        When(Float("m", 0, 1), "opt", {"sgd", "adamw"})}),
              IsInvalidArgumentAt("parameters[1].condition.categorical_values[1]",
                                  "'adamw' is not a value of parent 'opt'"));
}

TEST(SearchSpaceValidation, RejectsIntegerTheParentCannotTake) {
  EXPECT_THAT(Validate({Int("layers", 1, 4), WhenInt(Float("m", 0, 1), "layers", {2, 5})}),
              IsInvalidArgumentAt("parameters[1].condition.integer_values[1]",
                                  "5 is not a value of parent 'layers'"));
  EXPECT_THAT(Validate({Int("batch", 32, 256, Scale::kLinear, 32),
                        WhenInt(Float("m", 0, 1), "batch", {48})}),
              IsInvalidArgumentAt("parameters[1].condition.integer_values[0]", "steps of 32"));
}

TEST(SearchSpaceValidation, RejectsValueListOfTheWrongType) {
  ParameterConfig child = Float("m", 0, 1);
  child.condition = Condition{"opt", {"sgd"}, {1}};
  EXPECT_THAT(Validate({Categorical("opt", {"sgd"}), child}),
              IsInvalidArgumentAt("parameters[1].condition.integer_values", "is categorical"));
  child.condition = Condition{"layers", {"1"}, {1}};
  EXPECT_THAT(Validate({Int("layers", 1, 4), child}),
              IsInvalidArgumentAt("parameters[1].condition.categorical_values", "is an integer"));
}

}  // namespace
}  // namespace hyperd::algorithms
