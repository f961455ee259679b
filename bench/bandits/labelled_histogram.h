// One labelled series of a Prometheus histogram, e.g. hyperd_suggest_seconds{sampler="ucb1"} or
// grpc_server_handling_seconds{grpc_method="SuggestTrials",...}, rebuilt from a scrape so that
// two scrapes can be subtracted (bench/prometheus_text.h reads unlabelled histograms only).
//
//   ASSIGN_OR_RETURN(PrometheusSamples samples, ParsePrometheusText(body));
//   Histogram suggest = LabelledHistogramFrom(samples, "hyperd_suggest_seconds", "sampler",
//   "ucb1"); double fast = ShareAtOrBelow(later - earlier, 0.0001);   // share of suggestions <=
//   100 us
#ifndef HYPERD_BENCH_BANDITS_LABELLED_HISTOGRAM_H_
#define HYPERD_BENCH_BANDITS_LABELLED_HISTOGRAM_H_

#include "absl/strings/string_view.h"
#include "bench/prometheus_text.h"

namespace hyperd::bench {

// The series of histogram `name` whose labels include label_name="label_value" (other labels
// ignored): buckets by ascending bound, +Inf last, with its _sum and _count. Empty when absent.
Histogram LabelledHistogramFrom(const PrometheusSamples& samples, absl::string_view name,
                                absl::string_view label_name, absl::string_view label_value);

// The share of observations at or below `bound` (a bucket bound: observations inside a bucket
// are not split), in [0, 1]; 0 for an empty histogram.
double ShareAtOrBelow(const Histogram& histogram, double bound);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_BANDITS_LABELLED_HISTOGRAM_H_
