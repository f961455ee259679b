// Order statistics for benchmark samples: medians across repetitions, latency percentiles.
#ifndef HYPERD_BENCH_SAMPLE_STATS_H_
#define HYPERD_BENCH_SAMPLE_STATS_H_

#include <vector>

namespace hyperd::bench {

// The median (mean of the two middle values for an even count); 0 for no values.
double Median(std::vector<double> values);

// The nearest-rank `fraction` quantile (0 < fraction <= 1) of ascending `sorted`: the smallest
// value with at least fraction * size values at or below it. 0 for no values.
double Percentile(const std::vector<double>& sorted, double fraction);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_SAMPLE_STATS_H_
