// The random sampler: reproducible per (seed, index), uniform in the encoded space, and exact on
// integer bounds, steps, log scales and conditions.
#include "algorithms/samplers/random_sampler.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "algorithms/space/search_space.h"
#include "algorithms/space/value_grid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::AsDouble;
using ::hyperd::algorithms::testing::Categorical;
using ::hyperd::algorithms::testing::ChiSquare;
using ::hyperd::algorithms::testing::ChiSquare2d;
using ::hyperd::algorithms::testing::Draw;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;
using ::hyperd::algorithms::testing::kChiSquare255DofP001;
using ::hyperd::algorithms::testing::kChiSquare3DofP001;
using ::hyperd::algorithms::testing::kChiSquare63DofP001;
using ::hyperd::algorithms::testing::SuggestOk;
using ::hyperd::algorithms::testing::When;

constexpr uint64_t kSeed = 20240611;

SearchSpace MixedSpace() {
  return SearchSpace{{Float("lr", 1e-5, 1e-1, Scale::kLog),
                      Float("dropout", 0, 0.5, Scale::kLinear, 0.1), Int("layers", 1, 4),
                      Int("batch", 16, 100, Scale::kLinear, 16), Int("width", 1, 1024, Scale::kLog),
                      Categorical("opt", {"sgd", "adam", "lamb"}),
                      When(Float("momentum", 0, 0.99), "opt", {"sgd"})}};
}

const ParameterValue& ValueOf(const Assignment& a, const std::string& name) {
  for (const auto& [n, v] : a) {
    if (n == name) return v;
  }
  static const ParameterValue kMissing;
  ADD_FAILURE() << name << " missing from " << FormatAssignment(a);
  return kMissing;
}

bool Has(const Assignment& a, const std::string& name) {
  for (const auto& entry : a) {
    if (entry.first == name) return true;
  }
  return false;
}

TEST(RandomSampler, IsReproducibleForASeedAndDiffersAcrossSeeds) {
  const SearchSpace space = MixedSpace();
  const RandomSampler sampler(space);
  const std::vector<Assignment> first = Draw(sampler, space, kSeed, 50);
  EXPECT_EQ(Draw(RandomSampler(space), space, kSeed, 50), first);
  const std::vector<Assignment> other = Draw(sampler, space, kSeed + 1, 50);
  ASSERT_EQ(other.size(), first.size());
  int same = 0;
  for (size_t i = 0; i < first.size(); ++i) same += first[i] == other[i];
  EXPECT_EQ(same, 0);
}

TEST(RandomSampler, StateRoundTripGivesTheSamePointsAsOneCall) {
  const SearchSpace space = MixedSpace();
  const RandomSampler sampler(space);
  const SamplerOutput all = SuggestOk(sampler, space, kSeed, "", 5);
  const SamplerOutput head = SuggestOk(sampler, space, kSeed, "", 3);
  const SamplerOutput tail = SuggestOk(sampler, space, kSeed, head.state, 2);
  std::vector<Assignment> joined = head.suggestions;
  joined.insert(joined.end(), tail.suggestions.begin(), tail.suggestions.end());
  EXPECT_EQ(joined, all.suggestions);
  EXPECT_EQ(tail.state, all.state);
  EXPECT_FALSE(all.exhausted);
  EXPECT_EQ(all.status, "random: 5 points drawn");
}

TEST(RandomSampler, PointDependsOnlyOnSeedAndIndex) {
  const SearchSpace space = MixedSpace();
  const RandomSampler sampler(space);
  // Point 7 computed directly equals the 8th point of a study, whatever happened before.
  const SamplerOutput later = SuggestOk(sampler, space, kSeed, "next_index=7", 1);
  EXPECT_EQ(later.suggestions[0], Draw(sampler, space, kSeed, 8, 3)[7]);
  EXPECT_EQ(later.suggestions[0], DecodeUnitPoint(space, sampler.UnitPoint(kSeed, 7)));
}

TEST(RandomSampler, EveryValueIsValidAndBoundsAreReached) {
  const SearchSpace space = MixedSpace();
  const std::vector<Assignment> points = Draw(RandomSampler(space), space, kSeed, 4000);
  std::set<int64_t> layers, batches;
  std::set<double> dropouts;
  int64_t min_width = 1 << 20, max_width = 0;
  for (const Assignment& a : points) {
    ASSERT_TRUE(ValidateAssignment(space, a).ok()) << ValidateAssignment(space, a);
    layers.insert(std::get<int64_t>(ValueOf(a, "layers")));
    batches.insert(std::get<int64_t>(ValueOf(a, "batch")));
    dropouts.insert(std::get<double>(ValueOf(a, "dropout")));
    const int64_t width = std::get<int64_t>(ValueOf(a, "width"));
    min_width = std::min(min_width, width);
    max_width = std::max(max_width, width);
  }
  EXPECT_EQ(layers, (std::set<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(batches, (std::set<int64_t>{16, 32, 48, 64, 80, 96}));
  std::set<double> expected_dropouts;
  for (int k = 0; k <= 5; ++k) expected_dropouts.insert(std::min(0.0 + k * 0.1, 0.5));
  EXPECT_EQ(dropouts, expected_dropouts);
  EXPECT_EQ(min_width, 1);
  EXPECT_EQ(max_width, 1024);
}

TEST(RandomSampler, SmallIntegersAreEquallyLikely) {
  const SearchSpace space{{Int("n", 1, 4)}};
  std::map<int64_t, int> counts;
  for (const Assignment& a : Draw(RandomSampler(space), space, kSeed, 40000, 1000)) {
    ++counts[std::get<int64_t>(a[0].second)];
  }
  ASSERT_EQ(counts.size(), 4u);
  double chi2 = 0;
  for (const auto& [value, count] : counts) chi2 += (count - 10000.0) * (count - 10000.0) / 10000.0;
  EXPECT_LT(chi2, kChiSquare3DofP001);
}

TEST(RandomSampler, LogScaleIsUniformInLogSpace) {
  const SearchSpace space{{Float("lr", 1e-5, 1e-1, Scale::kLog)}};
  std::vector<double> log_positions;
  for (const Assignment& a : Draw(RandomSampler(space), space, kSeed, 4096, 1024)) {
    log_positions.push_back((std::log10(std::get<double>(a[0].second)) + 5) / 4);
  }
  EXPECT_LT(ChiSquare(log_positions, 64), kChiSquare63DofP001);
}

TEST(RandomSampler, CoordinatesAreUniformAndIndependent) {
  const SearchSpace space{{Float("x", 0, 1), Float("y", 0, 1), Float("z", 0, 1)}};
  std::vector<std::vector<double>> columns(3);
  for (const Assignment& a : Draw(RandomSampler(space), space, kSeed, 4096, 1024)) {
    for (int k = 0; k < 3; ++k) columns[k].push_back(std::get<double>(a[k].second));
  }
  for (int k = 0; k < 3; ++k) EXPECT_LT(ChiSquare(columns[k], 64), kChiSquare63DofP001) << k;
  EXPECT_LT(ChiSquare2d(columns[0], columns[1], 16), kChiSquare255DofP001);
  EXPECT_LT(ChiSquare2d(columns[1], columns[2], 16), kChiSquare255DofP001);
}

TEST(RandomSampler, ConditionalParameterAppearsExactlyWhenItsParentActivatesIt) {
  const SearchSpace space = MixedSpace();
  int with_momentum = 0;
  const std::vector<Assignment> points = Draw(RandomSampler(space), space, kSeed, 3000);
  for (const Assignment& a : points) {
    const bool sgd = std::get<std::string>(ValueOf(a, "opt")) == "sgd";
    EXPECT_EQ(Has(a, "momentum"), sgd) << FormatAssignment(a);
    with_momentum += sgd;
  }
  EXPECT_NEAR(with_momentum / 3000.0, 1.0 / 3, 0.04);
}

TEST(RandomSampler, ZeroCountKeepsTheState) {
  const SearchSpace space = MixedSpace();
  const SamplerOutput output = SuggestOk(RandomSampler(space), space, kSeed, "next_index=4", 0);
  EXPECT_TRUE(output.suggestions.empty());
  EXPECT_EQ(output.state, "next_index=4");
}

TEST(RandomSampler, RejectsAForeignStateAndANegativeCount) {
  const SearchSpace space = MixedSpace();
  const RandomSampler sampler(space);
  SamplerInput input;
  input.space = &space;
  input.state = "gp:v1 fitted";
  EXPECT_EQ(sampler.Suggest(input).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(sampler.Suggest(input).status().message()),
              ::testing::StartsWith("sampler state: "));
  input.state = "";
  input.count = -1;
  EXPECT_EQ(sampler.Suggest(input).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hyperd::algorithms
