#include "bench/prometheus_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace hyperd::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kScrape[] = R"(# HELP hyperd_storage_batch_size Requests per transaction.
# TYPE hyperd_storage_batch_size histogram
hyperd_storage_batch_size_count 10
hyperd_storage_batch_size_sum 42
hyperd_storage_batch_size_bucket{le="1"} 2
hyperd_storage_batch_size_bucket{le="2"} 3
hyperd_storage_batch_size_bucket{le="16"} 9
hyperd_storage_batch_size_bucket{le="4"} 5
hyperd_storage_batch_size_bucket{le="+Inf"} 10
hyperd_rpc_total{method="Get Study",code="OK"} 7 1700000000000
)";

TEST(ParsePrometheusText, KeysSamplesBySeriesWithLabelsVerbatim) {
  absl::StatusOr<PrometheusSamples> samples = ParsePrometheusText(kScrape);
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_EQ(samples->size(), 8u);
  EXPECT_DOUBLE_EQ(samples->at("hyperd_storage_batch_size_sum"), 42);
  EXPECT_DOUBLE_EQ(samples->at("hyperd_storage_batch_size_bucket{le=\"+Inf\"}"), 10);
  // A label value with a space, and a trailing timestamp.
  EXPECT_DOUBLE_EQ(samples->at("hyperd_rpc_total{method=\"Get Study\",code=\"OK\"}"), 7);
}

TEST(ParsePrometheusText, RejectsALineWithoutAValueAndNamesIt) {
  absl::StatusOr<PrometheusSamples> samples = ParsePrometheusText("a 1\nbroken_series\n");
  ASSERT_FALSE(samples.ok());
  EXPECT_EQ(samples.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(samples.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(samples.status().message(), HasSubstr("broken_series"));
}

TEST(HistogramFrom, OrdersBucketsByNumericBoundWithInfinityLast) {
  const Histogram histogram =
      HistogramFrom(*ParsePrometheusText(kScrape), "hyperd_storage_batch_size");
  ASSERT_EQ(histogram.buckets.size(), 5u);
  EXPECT_DOUBLE_EQ(histogram.buckets[2].upper_bound, 4);
  EXPECT_DOUBLE_EQ(histogram.buckets[3].upper_bound, 16);
  EXPECT_TRUE(std::isinf(histogram.buckets[4].upper_bound));
  EXPECT_THAT(histogram.PerBucketCounts(), ElementsAre(2, 1, 2, 4, 1));
  EXPECT_DOUBLE_EQ(histogram.Mean(), 4.2);
}

TEST(HistogramFrom, IsEmptyForAnAbsentHistogram) {
  const Histogram histogram = HistogramFrom(*ParsePrometheusText(kScrape), "no_such_histogram");
  EXPECT_TRUE(histogram.buckets.empty());
  EXPECT_DOUBLE_EQ(histogram.count, 0);
  EXPECT_DOUBLE_EQ(histogram.Mean(), 0);
}

TEST(Histogram, DifferenceOfTwoScrapesHoldsTheObservationsBetweenThem) {
  const Histogram before =
      HistogramFrom(*ParsePrometheusText(kScrape), "hyperd_storage_batch_size");
  Histogram after = before;
  after.count += 2;
  after.sum += 40;  // two transactions of 20 requests, in the 16 < x <= +Inf bucket
  after.buckets[4].cumulative_count += 2;
  const Histogram delta = after - before;
  EXPECT_DOUBLE_EQ(delta.count, 2);
  EXPECT_DOUBLE_EQ(delta.Mean(), 20);
  EXPECT_THAT(delta.PerBucketCounts(), ElementsAre(0, 0, 0, 0, 2));
}

}  // namespace
}  // namespace hyperd::bench
