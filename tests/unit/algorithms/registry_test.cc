// MakeSampler: configuration -> sampler, with settings validated against the space.
#include "algorithms/registry.h"

#include <memory>
#include <string>

#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::Categorical;
using ::hyperd::algorithms::testing::Draw;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;
using ::hyperd::algorithms::testing::IsInvalidArgumentAt;

SearchSpace Space() { return SearchSpace{{Float("lr", 1e-4, 1, Scale::kLog), Int("n", 1, 3)}}; }

SearchSpace Floats(int count) {
  SearchSpace space;
  for (int i = 0; i < count; ++i) space.parameters.push_back(Float("x" + std::to_string(i), 0, 1));
  return space;
}

TEST(Registry, MakesEachSamplerByConfig) {
  const SearchSpace space = Space();
  for (const auto& [config, name] :
       std::vector<std::pair<SamplerConfig, std::string>>{{RandomSamplerConfig{}, "random"},
                                                          {SobolSamplerConfig{}, "sobol"},
                                                          {GridSamplerConfig{}, "grid"}}) {
    absl::StatusOr<std::unique_ptr<Sampler>> sampler = MakeSampler(config, space);
    ASSERT_TRUE(sampler.ok()) << sampler.status();
    EXPECT_EQ((*sampler)->name(), name);
    EXPECT_EQ(Draw(**sampler, space, 1, 3).size(), 3u);
  }
}

TEST(Registry, GridDefaultsToFivePointsPerContinuousParameter) {
  const SearchSpace space{{Float("x", 0, 1)}};
  for (int points : {0, 5}) {
    GridSamplerConfig config;
    config.points_per_continuous_parameter = points;
    absl::StatusOr<std::unique_ptr<Sampler>> sampler = MakeSampler(config, space);
    ASSERT_TRUE(sampler.ok()) << sampler.status();
    EXPECT_EQ(Draw(**sampler, space, 1, 100).size(), 5u);
  }
}

TEST(Registry, RejectsPointsPerContinuousParameterOutOfRange) {
  GridSamplerConfig config;
  config.points_per_continuous_parameter = 1;
  EXPECT_EQ(MakeSampler(config, Space()).status().message(),
            "sampler.grid.points_per_continuous_parameter: must be between 2 and 1000, got 1");
  config.points_per_continuous_parameter = 1001;
  EXPECT_THAT(MakeSampler(config, Space()).status(),
              IsInvalidArgumentAt("sampler.grid.points_per_continuous_parameter", "got 1001"));
  config.points_per_continuous_parameter = -3;
  EXPECT_THAT(MakeSampler(config, Space()).status(),
              IsInvalidArgumentAt("sampler.grid.points_per_continuous_parameter", "got -3"));
}

TEST(Registry, AcceptsAGridOfExactlyOneMillionPoints) {
  GridSamplerConfig config;
  config.points_per_continuous_parameter = 1000;
  EXPECT_TRUE(MakeSampler(config, Floats(2)).ok());
}

TEST(Registry, RefusesAGridOfMoreThanOneMillionPoints) {
  GridSamplerConfig config;
  config.points_per_continuous_parameter = 1000;
  EXPECT_THAT(MakeSampler(config, Floats(3)).status(),
              IsInvalidArgumentAt("sampler.grid",
                                  "1000000000 grid points, more than the limit of 1000000"));
  const SearchSpace wide{{Int("n", 0, 1000000)}};  // 1000001 integers
  EXPECT_THAT(MakeSampler(GridSamplerConfig{}, wide).status(),
              IsInvalidArgumentAt("sampler.grid", "1000001 grid points"));
}

TEST(Registry, RefusesAnAstronomicalGridWithoutEnumeratingIt) {
  const SearchSpace huge{{Int("a", 0, int64_t{1} << 62), Int("b", 0, int64_t{1} << 62),
                          Float("c", 0, 1, Scale::kLinear, 1e-12)}};
  EXPECT_THAT(MakeSampler(GridSamplerConfig{}, huge).status(),
              IsInvalidArgumentAt("sampler.grid", "more than"));
}

TEST(Registry, SobolAcceptsUpTo1111Parameters) {
  EXPECT_TRUE(MakeSampler(SobolSamplerConfig{}, Floats(1111)).ok());
  EXPECT_THAT(MakeSampler(SobolSamplerConfig{}, Floats(1112)).status(),
              IsInvalidArgumentAt("sampler.sobol", "1112 parameters"));
}

TEST(Registry, ReportsAnInvalidSpaceWithItsFieldPath) {
  const SearchSpace bad{{Float("lr", 1, 0)}};
  EXPECT_THAT(MakeSampler(RandomSamplerConfig{}, bad).status(),
              IsInvalidArgumentAt("parameters[0].double_spec.min", "above max"));
  EXPECT_THAT(MakeSampler(GridSamplerConfig{}, SearchSpace{}).status(),
              IsInvalidArgumentAt("parameters", "at least one"));
}

TEST(Registry, SobolHonoursDisabledScrambling) {
  const SearchSpace space = Floats(2);
  SobolSamplerConfig config;
  config.scramble = false;
  absl::StatusOr<std::unique_ptr<Sampler>> sampler = MakeSampler(config, space);
  ASSERT_TRUE(sampler.ok());
  EXPECT_EQ(FormatAssignment(Draw(**sampler, space, 42, 1)[0]), "x0=0 x1=0");
}

}  // namespace
}  // namespace hyperd::algorithms
