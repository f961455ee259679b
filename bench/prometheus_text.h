// Reading Prometheus text exposition (format 0.0.4): samples by their series name, and histograms
// rebuilt from their _bucket/_sum/_count series so that two scrapes can be subtracted.
//
//   ASSIGN_OR_RETURN(PrometheusSamples samples, ParsePrometheusText(body));
//   Histogram batch = HistogramFrom(samples, "hyperd_storage_batch_size");
//   double mean = (after - before).Mean();
#ifndef HYPERD_BENCH_PROMETHEUS_TEXT_H_
#define HYPERD_BENCH_PROMETHEUS_TEXT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperd::bench {

// Series as written in the text ("name" or "name{label=\"v\",...}", labels kept verbatim) ->
// value.
using PrometheusSamples = std::map<std::string, double>;

// Skips comments and blank lines. INVALID_ARGUMENT names the first line that is not
// `series value [timestamp]`.
absl::StatusOr<PrometheusSamples> ParsePrometheusText(absl::string_view text);

// An unlabelled histogram: cumulative counts per upper bound, ascending, +Inf last.
struct Histogram {
  struct Bucket {
    double upper_bound = 0;
    double cumulative_count = 0;
  };
  std::vector<Bucket> buckets;
  double sum = 0;
  double count = 0;

  // sum / count, or 0 for an empty histogram.
  double Mean() const;
  // Observations counted in each bucket alone (not cumulative), in bucket order.
  std::vector<double> PerBucketCounts() const;
};

// The histogram `name` (series name_bucket{le="..."}, name_sum, name_count); empty when absent.
Histogram HistogramFrom(const PrometheusSamples& samples, absl::string_view name);

// Observations made between two scrapes of the same histogram (buckets matched by position).
Histogram operator-(const Histogram& later, const Histogram& earlier);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_PROMETHEUS_TEXT_H_
