#include "bench/bandits/labelled_histogram.h"

#include <cmath>

#include "gtest/gtest.h"

namespace hyperd::bench {
namespace {

constexpr char kScrape[] = R"(# TYPE hyperd_suggest_seconds histogram
hyperd_suggest_seconds_count{sampler="linucb"} 4
hyperd_suggest_seconds_sum{sampler="linucb"} 0.0004
hyperd_suggest_seconds_bucket{sampler="linucb",le="0.0001"} 2
hyperd_suggest_seconds_bucket{sampler="linucb",le="0.0005"} 4
hyperd_suggest_seconds_bucket{sampler="linucb",le="+Inf"} 4
hyperd_suggest_seconds_count{sampler="ucb1"} 10
hyperd_suggest_seconds_sum{sampler="ucb1"} 0.5
hyperd_suggest_seconds_bucket{sampler="ucb1",le="0.0001"} 1
hyperd_suggest_seconds_bucket{sampler="ucb1",le="0.0005"} 1
hyperd_suggest_seconds_bucket{sampler="ucb1",le="+Inf"} 10
grpc_server_handling_seconds_bucket{grpc_method="SuggestTrials",grpc_service="hyperd.v1.Hyperd",grpc_type="unary",le="0.001"} 7
grpc_server_handling_seconds_bucket{grpc_method="SuggestTrials",grpc_service="hyperd.v1.Hyperd",grpc_type="unary",le="+Inf"} 8
grpc_server_handling_seconds_sum{grpc_method="SuggestTrials",grpc_service="hyperd.v1.Hyperd",grpc_type="unary"} 0.01
grpc_server_handling_seconds_count{grpc_method="SuggestTrials",grpc_service="hyperd.v1.Hyperd",grpc_type="unary"} 8
grpc_server_handling_seconds_count{grpc_method="SuggestTrialsX",grpc_service="hyperd.v1.Hyperd",grpc_type="unary"} 99
)";

PrometheusSamples Samples() {
  absl::StatusOr<PrometheusSamples> samples = ParsePrometheusText(kScrape);
  EXPECT_TRUE(samples.ok()) << samples.status();
  return samples.ok() ? *samples : PrometheusSamples{};
}

TEST(LabelledHistogram, ReadsOnlyTheSeriesWithTheLabelValueInBoundOrder) {
  const Histogram h =
      LabelledHistogramFrom(Samples(), "hyperd_suggest_seconds", "sampler", "linucb");
  ASSERT_EQ(h.buckets.size(), 3u);
  EXPECT_DOUBLE_EQ(h.buckets[0].upper_bound, 0.0001);
  EXPECT_DOUBLE_EQ(h.buckets[1].upper_bound, 0.0005);
  EXPECT_TRUE(std::isinf(h.buckets[2].upper_bound));
  EXPECT_DOUBLE_EQ(h.buckets[1].cumulative_count, 4);
  EXPECT_DOUBLE_EQ(h.count, 4);
  EXPECT_DOUBLE_EQ(h.Mean(), 0.0001);
}

TEST(LabelledHistogram, MatchesALabelAmongOthersExactly) {
  const Histogram h = LabelledHistogramFrom(Samples(), "grpc_server_handling_seconds",
                                            "grpc_method", "SuggestTrials");
  EXPECT_EQ(h.buckets.size(), 2u);
  EXPECT_DOUBLE_EQ(h.count, 8);  // not SuggestTrialsX's 99
  EXPECT_DOUBLE_EQ(h.sum, 0.01);
}

TEST(LabelledHistogram, IsEmptyForAnAbsentLabelValue) {
  const Histogram h = LabelledHistogramFrom(Samples(), "hyperd_suggest_seconds", "sampler", "exp3");
  EXPECT_TRUE(h.buckets.empty());
  EXPECT_EQ(h.count, 0);
}

TEST(ShareAtOrBelow, CountsWholeBucketsUpToTheBound) {
  const Histogram linucb =
      LabelledHistogramFrom(Samples(), "hyperd_suggest_seconds", "sampler", "linucb");
  EXPECT_DOUBLE_EQ(ShareAtOrBelow(linucb, 0.0001), 0.5);
  EXPECT_DOUBLE_EQ(ShareAtOrBelow(linucb, 0.0005), 1.0);
  // A bound inside a bucket counts only the buckets below it.
  EXPECT_DOUBLE_EQ(ShareAtOrBelow(linucb, 0.0003), 0.5);
  EXPECT_DOUBLE_EQ(ShareAtOrBelow(linucb, 0.00005), 0.0);
}

TEST(ShareAtOrBelow, IsZeroForAnEmptyHistogram) {
  EXPECT_EQ(ShareAtOrBelow(Histogram{}, 0.0001), 0);
}

}  // namespace
}  // namespace hyperd::bench
