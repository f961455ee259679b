// The unit-cube encoding (specs/bo.md §1): DecodeUnitPoint, DecodeUnitValue / EncodeUnitValue,
// IsActive and FormatAssignment.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "algorithms/space/search_space.h"
#include "algorithms/space/unit_encoding.h"
#include "algorithms/space/value_format.h"
#include "algorithms/space/value_grid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::Categorical;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;
using ::hyperd::algorithms::testing::When;
using ::hyperd::algorithms::testing::WhenInt;
using ::testing::ElementsAre;
using ::testing::Pair;

double DecodeDouble(const ParameterConfig& p, double u) {
  return std::get<double>(DecodeUnitValue(p, u));
}

int64_t DecodeInt(const ParameterConfig& p, double u) {
  return std::get<int64_t>(DecodeUnitValue(p, u));
}

// Decodes `n` evenly spread coordinates (i + 0.5)/n and counts each integer value.
std::map<int64_t, int> CountIntegers(const ParameterConfig& p, int n) {
  std::map<int64_t, int> counts;
  for (int i = 0; i < n; ++i) ++counts[DecodeInt(p, (i + 0.5) / n)];
  return counts;
}

TEST(Decode, LinearFloatSpansBothBounds) {
  const ParameterConfig p = Float("x", -2, 6);
  EXPECT_EQ(DecodeDouble(p, 0), -2);
  EXPECT_EQ(DecodeDouble(p, 0.25), 0);
  EXPECT_EQ(DecodeDouble(p, 1), 6);
}

TEST(Decode, LogFloatIsUniformInLogSpace) {
  const ParameterConfig p = Float("lr", 1e-4, 1, Scale::kLog);
  EXPECT_EQ(DecodeDouble(p, 0), 1e-4);
  EXPECT_EQ(DecodeDouble(p, 1), 1);
  EXPECT_NEAR(DecodeDouble(p, 0.25), 1e-3, 1e-15);
  EXPECT_NEAR(DecodeDouble(p, 0.5), 1e-2, 1e-14);
}

TEST(Decode, CoordinatesOutsideTheUnitIntervalAreClamped) {
  const ParameterConfig p = Float("x", 0, 1);
  EXPECT_EQ(DecodeDouble(p, -0.5), 0);
  EXPECT_EQ(DecodeDouble(p, 7), 1);
  EXPECT_EQ(DecodeDouble(p, std::numeric_limits<double>::quiet_NaN()), 0);
}

TEST(Decode, LinearIntegerGivesEachValueEqualProbability) {
  EXPECT_THAT(CountIntegers(Int("n", 1, 3), 3000),
              ElementsAre(Pair(1, 1000), Pair(2, 1000), Pair(3, 1000)));
  const ParameterConfig p = Int("n", 1, 3);
  EXPECT_EQ(DecodeInt(p, 0), 1);
  EXPECT_EQ(DecodeInt(p, std::nextafter(1.0 / 3, 0.0)), 1);
  EXPECT_EQ(DecodeInt(p, 1.0 / 3 + 1e-12), 2);
  EXPECT_EQ(DecodeInt(p, 1), 3);
}

TEST(Decode, SteppedIntegerStaysOnItsGridWhenRangeIsNotAMultiple) {
  // [0, 10] with step 3: values 0, 3, 6, 9, each a quarter of the interval.
  EXPECT_THAT(CountIntegers(Int("n", 0, 10, Scale::kLinear, 3), 400),
              ElementsAre(Pair(0, 100), Pair(3, 100), Pair(6, 100), Pair(9, 100)));
}

TEST(Decode, IntegerBoundsAtTheEdgesOfInt64AreExact) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const ParameterConfig p = Int("n", lo, -1);
  EXPECT_EQ(DecodeInt(p, 0), lo);
  EXPECT_EQ(DecodeInt(p, 1), -1);
  const ParameterConfig q = Int("m", 0, std::numeric_limits<int64_t>::max(), Scale::kLinear, 1);
  EXPECT_EQ(DecodeInt(q, 1), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(DecodeInt(q, 0.5), int64_t{1} << 62);
}

TEST(Decode, LogIntegerReachesBothBoundsAndIsLogUniform) {
  const ParameterConfig p = Int("width", 1, 1000, Scale::kLog);
  EXPECT_EQ(DecodeInt(p, 0), 1);
  EXPECT_EQ(DecodeInt(p, 1), 1000);
  std::map<int64_t, int> counts = CountIntegers(p, 30000);
  int below_10 = 0;
  for (const auto& [value, count] : counts) {
    EXPECT_GE(value, 1);
    EXPECT_LE(value, 1000);
    if (value < 10) below_10 += count;
  }
  // ln(9.5/0.5) / ln(1000.5/0.5) of the mass lies below 10.
  EXPECT_NEAR(below_10 / 30000.0, std::log(19.0) / std::log(2001.0), 1e-3);
}

TEST(Decode, SteppedFloatSnapsToMinPlusKTimesStep) {
  const ParameterConfig p = Float("x", 0, 1, Scale::kLinear, 0.1);
  std::map<double, int> counts;
  for (int i = 0; i < 1100; ++i) ++counts[DecodeDouble(p, (i + 0.5) / 1100)];
  ASSERT_EQ(counts.size(), 11u);
  int k = 0;
  for (const auto& [value, count] : counts) {
    EXPECT_EQ(value, std::min(0.0 + k * 0.1, 1.0)) << "k=" << k;  // computed, not accumulated
    EXPECT_EQ(count, 100) << "k=" << k;
    ++k;
  }
  EXPECT_EQ(DecodeDouble(p, 1), 1.0);
}

TEST(Decode, SteppedFloatRangeNotAMultipleOfTheStep) {
  const ParameterConfig p = Float("x", 0.5, 1.5, Scale::kLinear, 0.3);  // 0.5 0.8 1.1 1.4
  EXPECT_EQ(DecodeDouble(p, 0), 0.5);
  EXPECT_EQ(DecodeDouble(p, 0.3), 0.5 + 1 * 0.3);
  EXPECT_EQ(DecodeDouble(p, 1), 0.5 + 3 * 0.3);
}

TEST(Decode, SteppedFloatWhoseRatioRoundsBelowAnIntegerKeepsItsTopValue) {
  // 0.3 / 0.1 == 2.9999999999999996 in doubles; the grid still has 4 values and ends at max.
  const DoubleParameter d{0, 0.3, Scale::kLinear, 0.1};
  EXPECT_EQ(SteppedDoubleLastIndex(d), 3);
  EXPECT_EQ(DecodeDouble(Float("x", 0, 0.3, Scale::kLinear, 0.1), 1), 0.3);
}

TEST(Decode, CategoricalUsesFloorOfUTimesCount) {
  const ParameterConfig p = Categorical("opt", {"sgd", "adam", "rmsprop", "lamb"});
  EXPECT_EQ(std::get<std::string>(DecodeUnitValue(p, 0)), "sgd");
  EXPECT_EQ(std::get<std::string>(DecodeUnitValue(p, 0.49)), "adam");
  EXPECT_EQ(std::get<std::string>(DecodeUnitValue(p, 0.5)), "rmsprop");
  EXPECT_EQ(std::get<std::string>(DecodeUnitValue(p, 1)), "lamb");
}

TEST(Decode, FixedRangesDecodeToTheirOnlyValue) {
  EXPECT_EQ(DecodeDouble(Float("a", 3, 3), 0.7), 3);
  EXPECT_EQ(DecodeDouble(Float("a", 3, 3, Scale::kLog), 0.7), 3);
  EXPECT_EQ(DecodeInt(Int("b", 5, 5), 0.7), 5);
  EXPECT_EQ(DecodeInt(Int("b", 5, 5, Scale::kLog), 0.7), 5);
}

TEST(Decode, EncodeIsARightInverseOfDecode) {
  const std::vector<std::pair<ParameterConfig, ParameterValue>> cases = {
      {Float("a", -1, 1), 0.25},
      {Float("b", 1e-5, 1, Scale::kLog), 3e-3},
      {Float("c", 0, 1, Scale::kLinear, 0.1), 0.0 + 7 * 0.1},
      {Int("d", -5, 5), int64_t{-5}},
      {Int("e", 0, 10, Scale::kLinear, 3), int64_t{9}},
      {Int("f", 1, 4096, Scale::kLog), int64_t{37}},
      {Categorical("g", {"x", "y", "z"}), std::string("z")},
  };
  for (const auto& [parameter, value] : cases) {
    const double u = EncodeUnitValue(parameter, value);
    EXPECT_GE(u, 0) << parameter.name;
    EXPECT_LE(u, 1) << parameter.name;
    const ParameterValue decoded = DecodeUnitValue(parameter, u);
    if (const auto* d = std::get_if<double>(&value)) {
      EXPECT_NEAR(std::get<double>(decoded), *d, 1e-12 * std::abs(*d)) << parameter.name;
    } else {
      EXPECT_EQ(decoded, value) << parameter.name;
    }
  }
}

TEST(Decode, EncodesDiscreteValuesAtTheCentreOfTheirCell) {
  EXPECT_DOUBLE_EQ(EncodeUnitValue(Int("n", 1, 4), int64_t{1}), 0.125);
  EXPECT_DOUBLE_EQ(EncodeUnitValue(Categorical("c", {"a", "b"}), std::string("b")), 0.75);
}

SearchSpace ConditionalSpace() {
  return SearchSpace{{Categorical("opt", {"sgd", "adam"}),
                      When(Float("momentum", 0, 1), "opt", {"sgd"}),
                      When(Categorical("nesterov", {"yes", "no"}), "opt", {"sgd"}),
                      When(Float("dampening", 0, 1), "nesterov", {"no"}), Int("layers", 1, 4),
                      WhenInt(Int("width4", 8, 64), "layers", {3, 4})}};
}

TEST(Decode, DropsParametersWhoseConditionFails) {
  // opt = adam (u = 0.75): momentum, nesterov and its child dampening are inactive.
  const Assignment a = DecodeUnitPoint(ConditionalSpace(), {0.75, 0.5, 0.9, 0.5, 0.1, 0.5});
  EXPECT_EQ(FormatAssignment(a), "opt=adam layers=1");
}

TEST(Decode, KeepsParametersWhoseConditionHoldsThroughAChain) {
  const Assignment a = DecodeUnitPoint(ConditionalSpace(), {0.25, 0.5, 0.9, 0.25, 0.9, 0});
  EXPECT_EQ(FormatAssignment(a),
            "opt=sgd momentum=0.5 nesterov=no dampening=0.25 layers=4 width4=8");
}

TEST(Decode, InactiveParentMakesItsChildrenInactive) {
  // nesterov = yes: dampening's parent is active but does not activate it.
  const Assignment a = DecodeUnitPoint(ConditionalSpace(), {0.25, 0.5, 0.1, 0.25, 0.1, 0});
  EXPECT_EQ(FormatAssignment(a), "opt=sgd momentum=0.5 nesterov=yes layers=1");
}

TEST(IsActive, FollowsConditionsOnCategoricalAndIntegerParents) {
  const SearchSpace space = ConditionalSpace();
  EXPECT_TRUE(IsActive(space, 0, {}));
  EXPECT_FALSE(IsActive(space, 1, {}));
  EXPECT_TRUE(IsActive(space, 1, {{"opt", std::string("sgd")}}));
  EXPECT_FALSE(IsActive(space, 1, {{"opt", std::string("adam")}}));
  EXPECT_FALSE(IsActive(space, 3, {{"opt", std::string("adam")}}));
  EXPECT_TRUE(IsActive(space, 5, {{"layers", int64_t{3}}}));
  EXPECT_FALSE(IsActive(space, 5, {{"layers", int64_t{2}}}));
  EXPECT_FALSE(IsActive(space, 99, {}));
}

TEST(FormatAssignment, PrintsShortestRoundTripValues) {
  const Assignment a = {{"lr", 0.001}, {"layers", int64_t{3}}, {"opt", std::string("adam")}};
  EXPECT_EQ(FormatAssignment(a), "lr=0.001 layers=3 opt=adam");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDouble(1e-300), "1e-300");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(FormatAssignment({}), "");
}

}  // namespace
}  // namespace hyperd::algorithms
