// The grid sampler and its enumeration: every point of the (tree-shaped) grid exactly once, in
// lexicographic or seeded shuffled order, then exhausted.
#include "algorithms/samplers/grid_sampler.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "algorithms/samplers/grid_enumeration.h"
#include "algorithms/samplers/index_permutation.h"
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
using ::hyperd::algorithms::testing::SuggestOk;
using ::hyperd::algorithms::testing::When;
using ::hyperd::algorithms::testing::WhenInt;
using ::testing::ElementsAre;

constexpr uint64_t kSeed = 99;

std::vector<std::string> Formatted(const std::vector<Assignment>& points) {
  std::vector<std::string> out;
  for (const Assignment& a : points) out.push_back(FormatAssignment(a));
  return out;
}

std::vector<Assignment> AllPoints(const GridEnumeration& grid) {
  std::vector<Assignment> points;
  for (uint64_t i = 0; i < grid.size(); ++i) points.push_back(grid.PointAt(i));
  return points;
}

// Independent reference: walk the full Cartesian product of all parameters' grid values (first
// parameter slowest), drop inactive parameters, keep first occurrences. First occurrences come in
// lexicographic order because an inactive parameter's first representative is its value 0.
std::vector<Assignment> BruteForce(const SearchSpace& space, const GridEnumeration& grid) {
  const size_t n = space.parameters.size();
  std::vector<uint64_t> digits(n, 0);
  std::vector<Assignment> points;
  std::set<std::string> seen;
  while (true) {
    Assignment a;
    for (size_t i = 0; i < n; ++i) {
      if (IsActive(space, i, a))
        a.emplace_back(space.parameters[i].name, grid.ValueAt(i, digits[i]));
    }
    if (seen.insert(FormatAssignment(a)).second) points.push_back(a);
    size_t i = n;
    while (i > 0 && ++digits[i - 1] == grid.ValueCount(i - 1)) digits[--i] = 0;
    if (i == 0) break;
  }
  return points;
}

TEST(GridEnumeration, ExpandsConditionalParametersOnlyUnderActivatingValues) {
  const SearchSpace space{
      {Categorical("opt", {"sgd", "adam"}), When(Int("momentum", 1, 5), "opt", {"sgd"})}};
  const GridEnumeration grid(space, 5);
  EXPECT_EQ(grid.size(), 6u);  // 5 sgd points + 1 adam point, not 2 x 5
  EXPECT_THAT(Formatted(AllPoints(grid)),
              ElementsAre("opt=sgd momentum=1", "opt=sgd momentum=2", "opt=sgd momentum=3",
                          "opt=sgd momentum=4", "opt=sgd momentum=5", "opt=adam"));
}

TEST(GridEnumeration, OrdersPointsLexicographicallyWithTheFirstParameterSlowest) {
  const SearchSpace space{{Categorical("a", {"x", "y"}), Int("b", 1, 3)}};
  EXPECT_THAT(Formatted(AllPoints(GridEnumeration(space, 5))),
              ElementsAre("a=x b=1", "a=x b=2", "a=x b=3", "a=y b=1", "a=y b=2", "a=y b=3"));
}

TEST(GridEnumeration, ContinuousFloatsGetEvenlySpacedPointsIncludingBothEnds) {
  const SearchSpace space{{Float("x", -1, 1)}};
  EXPECT_THAT(Formatted(AllPoints(GridEnumeration(space, 5))),
              ElementsAre("x=-1", "x=-0.5", "x=0", "x=0.5", "x=1"));
  const GridEnumeration log_grid(SearchSpace{{Float("lr", 1e-4, 1, Scale::kLog)}}, 5);
  ASSERT_EQ(log_grid.size(), 5u);
  EXPECT_EQ(std::get<double>(log_grid.PointAt(0)[0].second), 1e-4);
  EXPECT_NEAR(std::get<double>(log_grid.PointAt(1)[0].second), 1e-3, 1e-15);
  EXPECT_NEAR(std::get<double>(log_grid.PointAt(2)[0].second), 1e-2, 1e-15);
  EXPECT_NEAR(std::get<double>(log_grid.PointAt(3)[0].second), 1e-1, 1e-15);
  EXPECT_EQ(std::get<double>(log_grid.PointAt(4)[0].second), 1);
}

TEST(GridEnumeration, SteppedAndIntegerParametersUseTheirStepGrid) {
  const SearchSpace space{{Float("d", 0, 1, Scale::kLinear, 0.25),
                           Int("b", 16, 100, Scale::kLinear, 16), Int("w", 1, 6, Scale::kLog)}};
  const GridEnumeration grid(space, 7);  // points_per_continuous_parameter does not apply
  EXPECT_EQ(grid.size(), 5u * 6u * 6u);
  std::set<double> d;
  std::set<int64_t> b, w;
  for (const Assignment& a : AllPoints(grid)) {
    ASSERT_TRUE(ValidateAssignment(space, a).ok());
    d.insert(std::get<double>(a[0].second));
    b.insert(std::get<int64_t>(a[1].second));
    w.insert(std::get<int64_t>(a[2].second));
  }
  EXPECT_EQ(d, (std::set<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(b, (std::set<int64_t>{16, 32, 48, 64, 80, 96}));
  EXPECT_EQ(w, (std::set<int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(GridEnumeration, FixedRangeHasOnePoint) {
  EXPECT_EQ(GridEnumeration(SearchSpace{{Float("x", 2, 2), Int("n", 1, 2)}}, 5).size(), 2u);
}

TEST(GridEnumeration, MatchesBruteForceOnNestedConditions) {
  const SearchSpace space{{Categorical("opt", {"sgd", "adam", "lamb"}), Int("layers", 1, 4),
                           When(Float("momentum", 0, 0.9), "opt", {"sgd"}),
                           When(Categorical("nesterov", {"yes", "no"}), "opt", {"sgd", "lamb"}),
                           When(Int("dampening", 0, 2), "nesterov", {"no"}),
                           WhenInt(Int("width3", 8, 32, Scale::kLinear, 8), "layers", {3, 4}),
                           WhenInt(Categorical("act", {"relu", "gelu"}), "layers", {4}),
                           When(Float("alpha", 0.1, 1, Scale::kLog), "act", {"gelu"}),
                           Categorical("bias", {"on", "off"})}};
  ASSERT_TRUE(ValidateSearchSpace(space).ok());
  const GridEnumeration grid(space, 3);
  const std::vector<Assignment> expected = BruteForce(space, grid);
  EXPECT_EQ(grid.size(), expected.size());
  EXPECT_EQ(Formatted(AllPoints(grid)), Formatted(expected));
}

TEST(GridEnumeration, HandlesAWideIntegerParentWithFewActivatingValues) {
  // 100000 values, of which only 5 activates the child: 99999 + 3 points, found without a scan.
  const SearchSpace space{
      {Int("n", 1, 100000), WhenInt(Categorical("c", {"a", "b", "c"}), "n", {5})}};
  const GridEnumeration grid(space, 5);
  ASSERT_EQ(grid.size(), 100002u);
  EXPECT_EQ(FormatAssignment(grid.PointAt(3)), "n=4");
  EXPECT_EQ(FormatAssignment(grid.PointAt(4)), "n=5 c=a");
  EXPECT_EQ(FormatAssignment(grid.PointAt(6)), "n=5 c=c");
  EXPECT_EQ(FormatAssignment(grid.PointAt(7)), "n=6");
  EXPECT_EQ(FormatAssignment(grid.PointAt(100001)), "n=100000");
}

// With 4 points per continuous parameter: sgd gives 3 layers x 4 momenta = 12 points, adam 3.
SearchSpace SmallSpace() {
  return SearchSpace{{Categorical("opt", {"sgd", "adam"}), Int("layers", 1, 3),
                      When(Float("momentum", 0, 0.9), "opt", {"sgd"})}};
}

TEST(GridSampler, VisitsEveryPointOnceThenReportsExhausted) {
  const SearchSpace space = SmallSpace();
  const GridSampler sampler(GridEnumeration(space, 4), /*shuffle=*/false);
  ASSERT_EQ(sampler.size(), 15u);
  std::string state;
  std::set<std::string> seen;
  for (int call = 0; call < 3; ++call) {  // 7 + 7 + 1
    const SamplerOutput output = SuggestOk(sampler, space, kSeed, state, 7);
    for (const Assignment& a : output.suggestions) {
      EXPECT_TRUE(ValidateAssignment(space, a).ok()) << FormatAssignment(a);
      EXPECT_TRUE(seen.insert(FormatAssignment(a)).second) << "repeated " << FormatAssignment(a);
    }
    EXPECT_EQ(output.suggestions.size(), call < 2 ? 7u : 1u);
    EXPECT_EQ(output.exhausted, call == 2);
    state = output.state;
  }
  EXPECT_EQ(seen.size(), 15u);
  const SamplerOutput after = SuggestOk(sampler, space, kSeed, state, 3);
  EXPECT_TRUE(after.suggestions.empty());
  EXPECT_TRUE(after.exhausted);
  EXPECT_EQ(after.status, "grid: 15 of 15 points handed out");
}

TEST(GridSampler, ReportsExhaustedWhenTheLastPointIsHandedOut) {
  const SearchSpace space = SmallSpace();
  const GridSampler sampler(GridEnumeration(space, 4), /*shuffle=*/false);
  const SamplerOutput first = SuggestOk(sampler, space, kSeed, "", 12);
  EXPECT_FALSE(first.exhausted);
  EXPECT_EQ(first.status, "grid: 12 of 15 points handed out");
  const SamplerOutput last = SuggestOk(sampler, space, kSeed, first.state, 3);
  EXPECT_EQ(last.suggestions.size(), 3u);
  EXPECT_TRUE(last.exhausted);
}

TEST(GridSampler, StateRoundTripGivesTheSamePointsAsOneCall) {
  const SearchSpace space = SmallSpace();
  for (bool shuffle : {false, true}) {
    const GridSampler sampler(GridEnumeration(space, 4), shuffle);
    const SamplerOutput all = SuggestOk(sampler, space, kSeed, "", 5);
    const SamplerOutput head = SuggestOk(sampler, space, kSeed, "", 3);
    const SamplerOutput tail = SuggestOk(sampler, space, kSeed, head.state, 2);
    std::vector<Assignment> joined = head.suggestions;
    joined.insert(joined.end(), tail.suggestions.begin(), tail.suggestions.end());
    EXPECT_EQ(joined, all.suggestions) << "shuffle=" << shuffle;
    EXPECT_EQ(tail.state, all.state);
  }
}

TEST(GridSampler, ShuffledOrderIsASeededPermutationOfTheGrid) {
  const SearchSpace space{{Categorical("a", {"x", "y", "z"}), Int("b", 0, 9), Float("c", 0, 1)}};
  const GridSampler ordered(GridEnumeration(space, 4), /*shuffle=*/false);
  const GridSampler shuffled(GridEnumeration(space, 4), /*shuffle=*/true);
  const std::vector<std::string> lexicographic = Formatted(Draw(ordered, space, kSeed, 200));
  const std::vector<std::string> first = Formatted(Draw(shuffled, space, kSeed, 200));
  ASSERT_EQ(lexicographic.size(), 120u);
  ASSERT_EQ(first.size(), 120u);
  EXPECT_NE(first, lexicographic);
  EXPECT_EQ(std::multiset<std::string>(first.begin(), first.end()),
            std::multiset<std::string>(lexicographic.begin(), lexicographic.end()));
  EXPECT_EQ(Formatted(Draw(shuffled, space, kSeed, 200)), first);
  EXPECT_NE(Formatted(Draw(shuffled, space, kSeed + 1, 200)), first);
}

TEST(IndexPermutation, IsABijectionForEverySize) {
  for (uint64_t n : {1, 2, 3, 7, 64, 1000, 1025, 4097}) {
    const IndexPermutation permutation(n, kSeed);
    std::vector<bool> hit(n, false);
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t j = permutation(i);
      ASSERT_LT(j, n);
      EXPECT_FALSE(hit[j]) << "n=" << n << " repeats " << j;
      hit[j] = true;
    }
  }
}

TEST(IndexPermutation, DependsOnTheKeyAndMovesMostIndices) {
  const IndexPermutation a(1000, 1);
  const IndexPermutation b(1000, 2);
  int fixed = 0, same = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    fixed += a(i) == i;
    same += a(i) == b(i);
  }
  EXPECT_LT(fixed, 20);
  EXPECT_LT(same, 20);
}

}  // namespace
}  // namespace hyperd::algorithms
