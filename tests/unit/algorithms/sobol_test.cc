// The Sobol sequence and sampler: the unscrambled points are the published Joe-Kuo sequence, the
// scrambled ones are uniform, seeded and far more even than random points.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "algorithms/samplers/random_sampler.h"
#include "algorithms/samplers/sobol_sampler.h"
#include "algorithms/samplers/sobol_sequence.h"
#include "algorithms/space/search_space.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/algorithm_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::AsDouble;
using ::hyperd::algorithms::testing::CenteredL2DiscrepancySquared;
using ::hyperd::algorithms::testing::ChiSquare;
using ::hyperd::algorithms::testing::ChiSquare2d;
using ::hyperd::algorithms::testing::Draw;
using ::hyperd::algorithms::testing::Float;
using ::hyperd::algorithms::testing::Int;
using ::hyperd::algorithms::testing::kChiSquare255DofP001;
using ::hyperd::algorithms::testing::kChiSquare63DofP001;
using ::hyperd::algorithms::testing::SuggestOk;
using ::hyperd::algorithms::testing::When;

constexpr uint64_t kSeed = 777;

// Reference values from SciPy 1.10.1 (Joe-Kuo new-joe-kuo-6.21201 direction numbers):
//   qmc.Sobol(1111, scramble=False).random(64)[:, d] * 64                 (kFirst64)
//   s = qmc.Sobol(1111, scramble=False); s.fast_forward(1021); s.random(6)[:, d] * 2048  (kLate)
//   s = qmc.Sobol(1111, scramble=False); s.fast_forward(10**6); s.random(3)[:, d] * 2**20 (kDeep)
// d is the 0-based dimension. The points are dyadic, so the numerators are exact.
struct Reference {
  int dimension;
  std::vector<int> first64;  // numerators over 64 of points 0..63
  std::vector<int> late;     // numerators over 2048 of points 1021..1026
  std::vector<int> deep;     // numerators over 2^20 of points 1000000..1000002
};

const std::vector<Reference>& References() {
  static const auto* kReferences = new std::vector<Reference>{
      {0,
       {0,  32, 48, 16, 24, 56, 40, 8,  12, 44, 60, 28, 20, 52, 36, 4,  6,  38, 54, 22, 30, 62,
        46, 14, 10, 42, 58, 26, 18, 50, 34, 2,  3,  35, 51, 19, 27, 59, 43, 11, 15, 47, 63, 31,
        23, 55, 39, 7,  5,  37, 53, 21, 29, 61, 45, 13, 9,  41, 57, 25, 17, 49, 33, 1},
       {1538, 1026, 2, 3, 1027, 1539},
       {27761, 552049, 814193}},
      {1,
       {0,  32, 16, 48, 24, 56, 8,  40, 20, 52, 4,  36, 12, 44, 28, 60, 30, 62, 14, 46, 6,  38,
        22, 54, 10, 42, 26, 58, 18, 50, 2,  34, 17, 49, 1,  33, 9,  41, 25, 57, 5,  37, 21, 53,
        29, 61, 13, 45, 15, 47, 31, 63, 23, 55, 7,  39, 27, 59, 11, 43, 3,  35, 19, 51},
       {1030, 518, 1542, 771, 1795, 259},
       {327071, 851359, 64927}},
      {2,
       {0,  32, 16, 48, 40, 8,  56, 24, 60, 28, 44, 12, 20, 52, 4,  36, 30, 62, 14, 46, 54, 22,
        38, 6,  34, 2,  50, 18, 10, 42, 26, 58, 45, 13, 61, 29, 5,  37, 21, 53, 17, 49, 1,  33,
        57, 25, 41, 9,  51, 19, 35, 3,  27, 59, 11, 43, 15, 47, 31, 63, 39, 7,  55, 23},
       {1766, 230, 1254, 917, 1941, 405},
       {868217, 343929, 606073}},
      {9,
       {0,  32, 48, 16, 40, 8,  24, 56, 20, 52, 36, 4,  60, 28, 12, 44, 10, 42, 58, 26, 34, 2,
        18, 50, 30, 62, 46, 14, 54, 22, 6,  38, 3,  35, 51, 19, 43, 11, 27, 59, 23, 55, 39, 7,
        63, 31, 15, 47, 9,  41, 57, 25, 33, 1,  17, 49, 29, 61, 45, 13, 53, 21, 5,  37},
       {206, 718, 1742, 1375, 351, 863},
       {266759, 791047, 528903}},
      {39,
       {0,  32, 16, 48, 56, 24, 40, 8,  36, 4,  52, 20, 28, 60, 12, 44, 58, 26, 42, 10, 2,  34,
        18, 50, 30, 62, 14, 46, 38, 6,  54, 22, 29, 61, 13, 45, 37, 5,  53, 21, 57, 25, 41, 9,
        1,  33, 17, 49, 39, 7,  55, 23, 31, 63, 15, 47, 3,  35, 19, 51, 59, 27, 43, 11},
       {1942, 406, 1430, 255, 1279, 767},
       {536251, 11963, 798395}},
      {63,
       {0,  32, 48, 16, 8,  40, 56, 24, 44, 12, 28, 60, 36, 4,  20, 52, 6,  38, 54, 22, 14, 46,
        62, 30, 42, 10, 26, 58, 34, 2,  18, 50, 29, 61, 45, 13, 21, 53, 37, 5,  49, 17, 1,  33,
        57, 25, 9,  41, 27, 59, 43, 11, 19, 51, 35, 3,  55, 23, 7,  39, 63, 31, 15, 47},
       {1618, 1106, 82, 1979, 955, 443},
       {60945, 585233, 847377}},
      {64,
       {0,  32, 48, 16, 24, 56, 40, 8,  36, 4,  20, 52, 60, 28, 12, 44, 6,  38, 54, 22, 30, 62,
        46, 14, 34, 2,  18, 50, 58, 26, 10, 42, 31, 63, 47, 15, 7,  39, 55, 23, 59, 27, 11, 43,
        35, 3,  19, 51, 25, 57, 41, 9,  1,  33, 49, 17, 61, 29, 13, 45, 37, 5,  21, 53},
       {1738, 1226, 202, 735, 1759, 1247},
       {521569, 1045857, 783713}},
      {99,
       {0,  32, 48, 16, 56, 24, 8,  40, 60, 28, 12, 44, 4,  36, 52, 20, 2,  34, 50, 18, 58, 26,
        10, 42, 62, 30, 14, 46, 6,  38, 54, 22, 19, 51, 35, 3,  43, 11, 27, 59, 47, 15, 31, 63,
        23, 55, 39, 7,  17, 49, 33, 1,  41, 9,  25, 57, 45, 13, 29, 61, 21, 53, 37, 5},
       {574, 62, 1086, 733, 1757, 1245},
       {314157, 838445, 576301}},
      {500,
       {0,  32, 16, 48, 24, 56, 8,  40, 44, 12, 60, 28, 52, 20, 36, 4,  30, 62, 14, 46, 6,  38,
        22, 54, 50, 18, 34, 2,  42, 10, 58, 26, 51, 19, 35, 3,  43, 11, 59, 27, 31, 63, 15, 47,
        7,  39, 23, 55, 45, 13, 61, 29, 53, 21, 37, 5,  1,  33, 17, 49, 25, 57, 9,  41},
       {270, 1806, 782, 1257, 233, 1769},
       {557315, 33027, 819459}},
      {1110,
       {0,  32, 48, 16, 56, 24, 8,  40, 20, 52, 36, 4,  44, 12, 28, 60, 26, 58, 42, 10, 34, 2,
        18, 50, 14, 46, 62, 30, 54, 22, 6,  38, 39, 7,  23, 55, 31, 63, 47, 15, 51, 19, 3,  35,
        11, 43, 59, 27, 61, 29, 13, 45, 5,  37, 53, 21, 41, 9,  25, 57, 17, 49, 33, 1},
       {694, 182, 1206, 1317, 293, 805},
       {424661, 948949, 686805}},
  };
  return *kReferences;
}

TEST(SobolSequence, UnscrambledFirstPointsMatchThePublishedSequence) {
  const SobolSequence sobol(SobolSequence::kMaxDimensions);
  for (int i = 0; i < 64; ++i) {
    const std::vector<double> point = sobol.Point(i);
    for (const Reference& r : References()) {
      EXPECT_EQ(point[r.dimension], r.first64[i] / 64.0) << "point " << i << " dim " << r.dimension;
    }
  }
}

TEST(SobolSequence, UnscrambledLaterPointsMatchThePublishedSequence) {
  const SobolSequence sobol(SobolSequence::kMaxDimensions);
  for (int i = 0; i < 6; ++i) {
    const std::vector<double> point = sobol.Point(1021 + i);
    for (const Reference& r : References()) {
      EXPECT_EQ(point[r.dimension], r.late[i] / 2048.0) << "point " << 1021 + i;
    }
  }
  for (int i = 0; i < 3; ++i) {
    const std::vector<double> point = sobol.Point(1000000 + i);
    for (const Reference& r : References()) {
      EXPECT_EQ(point[r.dimension], r.deep[i] / 1048576.0) << "point " << 1000000 + i;
    }
  }
}

TEST(SobolSequence, SupportsEveryCommittedDimension) {
  EXPECT_EQ(SobolSequence::kMaxDimensions, 1111);
  const SobolSequence sobol(SobolSequence::kMaxDimensions);
  // Point 1 is (1/2, ..., 1/2) in every dimension; point 0 the origin.
  for (double x : sobol.Point(1)) ASSERT_EQ(x, 0.5);
  for (double x : sobol.Point(0)) ASSERT_EQ(x, 0.0);
}

// The first 4096 points of each of the first `dimensions` coordinates.
std::vector<std::vector<double>> Columns(const SobolSequence& sobol, bool scramble, uint64_t seed) {
  std::vector<std::vector<double>> columns(sobol.dimensions());
  for (uint64_t i = 0; i < 4096; ++i) {
    const std::vector<double> p = scramble ? sobol.ScrambledPoint(i, seed) : sobol.Point(i);
    for (int j = 0; j < sobol.dimensions(); ++j) columns[j].push_back(p[j]);
  }
  return columns;
}

TEST(SobolSequence, ScrambledCoordinatesAreUniform) {
  const SobolSequence sobol(70);
  const std::vector<std::vector<double>> columns = Columns(sobol, true, kSeed);
  for (int j = 0; j < sobol.dimensions(); ++j) {
    EXPECT_LT(ChiSquare(columns[j], 64), kChiSquare63DofP001) << "dimension " << j;
    // Scrambling keeps the net property: 4096 = 2^12 points fill 64 bins exactly evenly.
    EXPECT_EQ(ChiSquare(columns[j], 64), 0) << "dimension " << j;
  }
  for (const auto& [a, b] :
       std::vector<std::pair<int, int>>{{0, 1}, {2, 9}, {9, 39}, {39, 64}, {64, 69}}) {
    EXPECT_LT(ChiSquare2d(columns[a], columns[b], 16), kChiSquare255DofP001) << a << "," << b;
  }
  // The first two dimensions form a (0, m, 2)-net: every 1/16 x 1/16 square holds 16 points.
  EXPECT_EQ(ChiSquare2d(columns[0], columns[1], 16), 0);
}

TEST(SobolSequence, ScrambledPointsAreReproducibleAndDifferBySeed) {
  const SobolSequence sobol(8);
  EXPECT_EQ(sobol.ScrambledPoint(5, kSeed), sobol.ScrambledPoint(5, kSeed));
  EXPECT_EQ(SobolSequence(8).ScrambledPoint(5, kSeed), sobol.ScrambledPoint(5, kSeed));
  for (uint64_t i = 0; i < 16; ++i) {
    const std::vector<double> a = sobol.ScrambledPoint(i, kSeed);
    const std::vector<double> b = sobol.ScrambledPoint(i, kSeed + 1);
    for (int j = 0; j < 8; ++j) EXPECT_NE(a[j], b[j]) << i << "," << j;
  }
  // Scrambled point 0 is no longer the origin.
  for (double x : sobol.ScrambledPoint(0, kSeed)) EXPECT_GT(x, 0);
}

TEST(SobolSequence, OwenScramblePermutesEachLevelOfTheDigitTree) {
  // Nested uniform scrambling maps the 2^m intervals of level m one-to-one onto themselves.
  for (int m = 1; m <= 6; ++m) {
    std::set<uint64_t> images;
    for (uint64_t k = 0; k < (uint64_t{1} << m); ++k) {
      images.insert(OwenScramble(k << (64 - m), kSeed) >> (64 - m));
    }
    EXPECT_EQ(images.size(), uint64_t{1} << m) << "level " << m;
  }
  // Points sharing their first digits stay together: the prefix decides the image's prefix.
  const uint64_t a = OwenScramble(0xA000000000000000ULL, kSeed);
  const uint64_t b = OwenScramble(0xA7FFFFFFFFFFFFFFULL, kSeed);
  EXPECT_EQ(a >> 59, b >> 59);
}

TEST(CenteredL2Discrepancy, MatchesSciPy) {
  // scipy.stats.qmc.discrepancy(..., method="CD") of the same points.
  EXPECT_NEAR(CenteredL2DiscrepancySquared({{0.5}}), 0.08333333333333326, 1e-15);
  EXPECT_NEAR(CenteredL2DiscrepancySquared({{0.1, 0.2}, {0.7, 0.9}, {0.4, 0.55}}),
              0.04615416666666672, 1e-15);
}

SearchSpace UnitCube(int d) {
  SearchSpace space;
  for (int j = 0; j < d; ++j) space.parameters.push_back(Float("x" + std::to_string(j), 0, 1));
  return space;
}

std::vector<std::vector<double>> AsPoints(const std::vector<Assignment>& assignments) {
  std::vector<std::vector<double>> points;
  for (const Assignment& a : assignments) {
    std::vector<double>& p = points.emplace_back();
    for (const auto& entry : a) p.push_back(AsDouble(entry.second));
  }
  return points;
}

TEST(SobolSampler, DiscrepancyIsWellBelowRandomSampling) {
  const SearchSpace space = UnitCube(5);
  const double sobol = CenteredL2DiscrepancySquared(
      AsPoints(Draw(SobolSampler(space, /*scramble=*/true), space, kSeed, 256)));
  const double random =
      CenteredL2DiscrepancySquared(AsPoints(Draw(RandomSampler(space), space, kSeed, 256)));
  EXPECT_LT(sobol, random / 10) << "sobol " << sobol << " random " << random;
}

TEST(SobolSampler, UnscrambledStartsAtTheOriginOfThePublishedSequence) {
  const SearchSpace space = UnitCube(3);
  const std::vector<std::vector<double>> points =
      AsPoints(Draw(SobolSampler(space, /*scramble=*/false), space, kSeed, 4));
  EXPECT_EQ(points[0], (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(points[1], (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_EQ(points[2], (std::vector<double>{0.75, 0.25, 0.25}));
  EXPECT_EQ(points[3], (std::vector<double>{0.25, 0.75, 0.75}));
}

TEST(SobolSampler, IsReproducibleForASeedAndDiffersAcrossSeeds) {
  const SearchSpace space = UnitCube(4);
  const SobolSampler sampler(space, /*scramble=*/true);
  EXPECT_EQ(Draw(sampler, space, kSeed, 20), Draw(SobolSampler(space, true), space, kSeed, 20));
  EXPECT_NE(Draw(sampler, space, kSeed, 20), Draw(sampler, space, kSeed + 1, 20));
  // Unscrambled ignores the seed.
  const SobolSampler plain(space, /*scramble=*/false);
  EXPECT_EQ(Draw(plain, space, kSeed, 20), Draw(plain, space, kSeed + 1, 20));
}

TEST(SobolSampler, StateRoundTripGivesTheSamePointsAsOneCall) {
  const SearchSpace space{{Float("lr", 1e-4, 1, Scale::kLog), Int("n", 1, 9),
                           ::hyperd::algorithms::testing::Categorical("opt", {"a", "b"}),
                           When(Float("m", 0, 1), "opt", {"a"})}};
  const SobolSampler sampler(space, /*scramble=*/true);
  const SamplerOutput all = SuggestOk(sampler, space, kSeed, "", 5);
  const SamplerOutput head = SuggestOk(sampler, space, kSeed, "", 3);
  const SamplerOutput tail = SuggestOk(sampler, space, kSeed, head.state, 2);
  std::vector<Assignment> joined = head.suggestions;
  joined.insert(joined.end(), tail.suggestions.begin(), tail.suggestions.end());
  EXPECT_EQ(joined, all.suggestions);
  EXPECT_EQ(tail.state, all.state);
  EXPECT_EQ(all.status, "sobol: 5 points of the scrambled sequence handed out");
}

TEST(SobolSampler, ValuesRespectBoundsStepsAndConditions) {
  const SearchSpace space{{Int("n", 1, 4), Float("x", 0, 1, Scale::kLinear, 0.25),
                           Int("w", 1, 512, Scale::kLog),
                           ::hyperd::algorithms::testing::Categorical("opt", {"a", "b", "c"}),
                           When(Int("k", -3, 3), "opt", {"b"})}};
  std::set<int64_t> ns;
  std::set<double> xs;
  std::set<int64_t> ks;
  int with_k = 0;
  const std::vector<Assignment> points = Draw(SobolSampler(space, true), space, kSeed, 1024);
  for (const Assignment& a : points) {
    ASSERT_TRUE(ValidateAssignment(space, a).ok()) << ValidateAssignment(space, a);
    ns.insert(std::get<int64_t>(a[0].second));
    xs.insert(std::get<double>(a[1].second));
    if (a.size() == 5) {
      ks.insert(std::get<int64_t>(a[4].second));
      ++with_k;
    }
  }
  EXPECT_EQ(ns, (std::set<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(xs, (std::set<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(ks, (std::set<int64_t>{-3, -2, -1, 0, 1, 2, 3}));
  EXPECT_NEAR(with_k / 1024.0, 1.0 / 3, 0.01);
}

TEST(SobolSampler, SmallIntegersGetExactlyEqualShares) {
  // 1024 points of a stratified sequence split [0, 1) into 4 cells of exactly 256 points.
  const SearchSpace space{{Int("n", 1, 4)}};
  std::vector<int> counts(5, 0);
  for (const Assignment& a : Draw(SobolSampler(space, true), space, kSeed, 1024)) {
    ++counts[std::get<int64_t>(a[0].second)];
  }
  EXPECT_EQ(counts, (std::vector<int>{0, 256, 256, 256, 256}));
}

}  // namespace
}  // namespace hyperd::algorithms
