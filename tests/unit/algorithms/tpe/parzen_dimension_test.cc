// Parameters in the Parzen estimators' coordinates: exact round-trips for every kind, Optuna's
// bounds, and snapping of draws onto the values a parameter can take.
#include "algorithms/samplers/tpe/parzen_dimension.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/samplers/random_sampler.h"
#include "algorithms/space/search_space.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::Categorical;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;

SearchSpace EveryKind() {
  return SearchSpace{{Float("linear", -3, 7), Float("log", 1e-6, 10, Scale::kLog),
                      Float("stepped", 0.1, 1.0, Scale::kLinear, 0.1),
                      Float("stepped_off_grid", 0, 1, Scale::kLinear, 0.3), Int("int", -5, 5),
                      Int("int_step", 16, 100, Scale::kLinear, 16),
                      Int("log_int", 1, 1000, Scale::kLog), Categorical("cat", {"a", "b", "c"})}};
}

TEST(ParzenDimension, EveryValueRoundTripsExactly) {
  const SearchSpace space = EveryKind();
  const RandomSampler random(space);
  for (uint64_t i = 0; i < 500; ++i) {
    const Assignment a = DecodeUnitPoint(space, random.UnitPoint(3, i));
    ASSERT_EQ(a.size(), space.parameters.size());
    for (size_t p = 0; p < a.size(); ++p) {
      const ParameterConfig& parameter = space.parameters[p];
      const double internal = ToInternal(parameter, a[p].second);
      ASSERT_FALSE(std::isnan(internal)) << parameter.name;
      const ParzenDimension dim = DimensionOf(parameter);
      if (dim.numeric()) {
        EXPECT_GE(internal, dim.low) << parameter.name;
        EXPECT_LE(internal, dim.high) << parameter.name;
      }
      EXPECT_EQ(dim.Snap(internal), internal) << parameter.name;
      EXPECT_EQ(FromInternal(parameter, internal), a[p].second) << parameter.name;
    }
  }
}

TEST(ParzenDimension, DrawsAnywhereInTheRangeSnapToValidValues) {
  const SearchSpace space = EveryKind();
  for (size_t p = 0; p < space.parameters.size(); ++p) {
    const ParzenDimension dim = DimensionOf(space.parameters[p]);
    const double low = dim.numeric() ? dim.low : 0;
    const double high = dim.numeric() ? dim.high : dim.num_categories - 1;
    for (int j = 0; j <= 200; ++j) {
      const double snapped = dim.Snap(low + (high - low) * j / 200.0);
      Assignment a = DecodeUnitPoint(space, std::vector<double>(space.parameters.size(), 0.5));
      a[p].second = FromInternal(space.parameters[p], snapped);
      ASSERT_TRUE(ValidateAssignment(space, a).ok()) << ValidateAssignment(space, a);
      // exp and log round-trip within an ulp or two; everything else exactly.
      EXPECT_NEAR(ToInternal(space.parameters[p], a[p].second), snapped,
                  dim.kind == ParzenDimension::Kind::kContinuous ? 1e-14 * std::abs(snapped) : 0)
          << space.parameters[p].name;
    }
  }
}

TEST(ParzenDimension, BoundsFollowOptuna) {
  const SearchSpace space = EveryKind();
  const ParzenDimension log = DimensionOf(space.parameters[1]);
  EXPECT_EQ(log.kind, ParzenDimension::Kind::kContinuous);
  EXPECT_DOUBLE_EQ(log.low, std::log(1e-6));
  EXPECT_DOUBLE_EQ(log.high, std::log(10.0));
  const ParzenDimension stepped = DimensionOf(space.parameters[2]);
  EXPECT_EQ(stepped.kind, ParzenDimension::Kind::kGrid);
  EXPECT_EQ(stepped.last_index, 9);
  EXPECT_EQ(stepped.low, -0.5);
  EXPECT_EQ(stepped.high, 9.5);
  EXPECT_EQ(DimensionOf(space.parameters[3]).last_index, 3);  // 0, 0.3, 0.6, 0.9
  EXPECT_EQ(DimensionOf(space.parameters[5]).last_index, 5);  // 16, 32, ..., 96
  const ParzenDimension log_int = DimensionOf(space.parameters[6]);
  EXPECT_EQ(log_int.kind, ParzenDimension::Kind::kLogInteger);
  EXPECT_DOUBLE_EQ(log_int.low, std::log(0.5));
  EXPECT_DOUBLE_EQ(log_int.high, std::log(1000.5));
  const auto [lo, hi] = log_int.Cell(std::log(7.0));
  EXPECT_DOUBLE_EQ(lo, std::log(6.5));
  EXPECT_DOUBLE_EQ(hi, std::log(7.5));
  EXPECT_EQ(DimensionOf(space.parameters[7]).num_categories, 3);
}

TEST(ParzenDimension, ForeignValuesAreNotObservations) {
  const SearchSpace space = EveryKind();
  EXPECT_TRUE(std::isnan(ToInternal(space.parameters[0], int64_t{1})));
  EXPECT_TRUE(std::isnan(ToInternal(space.parameters[0], std::nan(""))));
  EXPECT_TRUE(std::isnan(ToInternal(space.parameters[2], 0.15)));
  EXPECT_TRUE(std::isnan(ToInternal(space.parameters[5], int64_t{17})));
  EXPECT_TRUE(std::isnan(ToInternal(space.parameters[7], std::string("z"))));
}

TEST(ParzenDimension, FloatsWithoutAnIntervalAreFixed) {
  EXPECT_TRUE(IsFixedParameter(Float("x", 2, 2)));
  EXPECT_TRUE(IsFixedParameter(Float("x", 1, 1, Scale::kLog)));
  EXPECT_FALSE(IsFixedParameter(Float("x", 1, 2)));
  EXPECT_FALSE(IsFixedParameter(Int("x", 2, 2)));
}

}  // namespace
}  // namespace hyperd::algorithms
