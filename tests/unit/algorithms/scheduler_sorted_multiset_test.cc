// SortedMultiset, the rung tables' and median columns' container, against std::multiset.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <set>
#include <vector>

#include "algorithms/samplers/random_bits.h"
#include "algorithms/schedulers/sorted_multiset.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::ElementsAre;

TEST(SortedMultiset, KeepsValuesSortedWithDuplicatesAndInfinity) {
  SortedMultiset values;
  for (double v : {3.0, 1.0, std::numeric_limits<double>::infinity(), 2.0, 1.0}) values.Insert(v);
  EXPECT_THAT(values.ToVector(),
              ElementsAre(1.0, 1.0, 2.0, 3.0, std::numeric_limits<double>::infinity()));
  EXPECT_EQ(values.At(2), 2.0);
  EXPECT_EQ(values.Median(), 2.0);
  EXPECT_TRUE(values.EraseOne(1.0));
  EXPECT_FALSE(values.EraseOne(5.0));
  EXPECT_EQ(values.Median(), 2.5);  // 1 2 3 inf: the mean of the middle two
  EXPECT_EQ(values.size(), 4u);
}

TEST(SortedMultiset, EmptiesAndRefills) {
  SortedMultiset values;
  EXPECT_TRUE(values.empty());
  EXPECT_FALSE(values.EraseOne(1.0));
  values.Insert(1.0);
  EXPECT_TRUE(values.EraseOne(1.0));
  EXPECT_TRUE(values.empty());
  values.Insert(4.0);
  EXPECT_EQ(values.Median(), 4.0);
}

TEST(SortedMultiset, BulkLoadsASortedVectorAndKeepsInserting) {
  std::vector<double> sorted;
  for (int i = 0; i < 3000; ++i) sorted.push_back(i / 7);
  SortedMultiset values = SortedMultiset::FromSorted(sorted);
  EXPECT_EQ(values.size(), 3000u);
  EXPECT_EQ(values.ToVector(), sorted);
  EXPECT_EQ(values.At(1500), sorted[1500]);
  values.Insert(-1);
  values.Insert(1e9);
  EXPECT_EQ(values.At(0), -1);
  EXPECT_EQ(values.At(3001), 1e9);
  EXPECT_TRUE(SortedMultiset::FromSorted({}).empty());
}

// Random inserts (many ties, sorted runs) and erases, from empty or from a bulk load.
void CheckAgainstStdMultiset(bool bulk_start) {
  SplitMix64 rng(7);
  SortedMultiset values;
  std::multiset<double> reference;
  if (bulk_start) {
    std::vector<double> start;
    for (int i = 0; i < 2000; ++i) start.push_back(static_cast<double>(i % 40));
    std::sort(start.begin(), start.end());
    values = SortedMultiset::FromSorted(start);
    reference.insert(start.begin(), start.end());
  }
  std::vector<double> inserted;
  for (int i = 0; i < 20000; ++i) {
    const uint64_t draw = rng.Next();
    if (draw % 5 == 0 && !inserted.empty()) {
      const double victim = inserted[(draw >> 8) % inserted.size()];
      const bool in_reference = reference.count(victim) > 0;
      EXPECT_EQ(values.EraseOne(victim), in_reference);
      if (in_reference) reference.erase(reference.find(victim));
    } else {
      const double v = draw % 2 ? static_cast<double>((draw >> 16) % 50)
                                : (i % 3000 < 1500 ? i : UnitDoubleFromBits(draw));
      values.Insert(v);
      reference.insert(v);
      inserted.push_back(v);
    }
    ASSERT_EQ(values.size(), reference.size());
    if (i % 997 == 0 && !reference.empty()) {
      ASSERT_EQ(values.ToVector(), std::vector<double>(reference.begin(), reference.end()));
      const size_t k = (draw >> 20) % reference.size();
      EXPECT_EQ(values.At(k), *std::next(reference.begin(), static_cast<std::ptrdiff_t>(k)));
    }
  }
  EXPECT_GT(values.size(), 4 * SortedMultiset::kMaxBlock);
}

TEST(SortedMultiset, AgreesWithStdMultisetAcrossManyBlocks) { CheckAgainstStdMultiset(false); }

TEST(SortedMultiset, AgreesWithStdMultisetAfterABulkLoad) { CheckAgainstStdMultiset(true); }

}  // namespace
}  // namespace hyperd::algorithms
