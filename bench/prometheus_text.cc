#include "bench/prometheus_text.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hyperd::bench {
namespace {

// Prometheus writes "+Inf", "-Inf" and "NaN", which SimpleAtod accepts only partly.
bool ParseValue(absl::string_view text, double* value) {
  if (text == "+Inf" || text == "Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "NaN") {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  return absl::SimpleAtod(text, value);
}

// Length of the series part of `line`: the name, plus a {...} label set whose quoted values may
// hold spaces, braces and escaped quotes. 0 when the label set is not closed.
size_t SeriesLength(absl::string_view line) {
  const size_t brace = line.find('{');
  const size_t space = line.find_first_of(" \t");
  if (brace == absl::string_view::npos || (space != absl::string_view::npos && space < brace)) {
    return space == absl::string_view::npos ? line.size() : space;
  }
  bool quoted = false;
  for (size_t i = brace + 1; i < line.size(); ++i) {
    if (quoted && line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && line[i] == '}') {
      return i + 1;
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<PrometheusSamples> ParsePrometheusText(absl::string_view text) {
  PrometheusSamples samples;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t length = SeriesLength(line);
    std::vector<absl::string_view> rest =
        absl::StrSplit(line.substr(length), absl::ByAnyChar(" \t"), absl::SkipEmpty());
    double value = 0;
    if (length == 0 || rest.empty() || rest.size() > 2 || !ParseValue(rest[0], &value)) {
      return absl::InvalidArgumentError(absl::StrCat("metrics text line ", line_number, ": \"",
                                                     line, "\" is not `series value [timestamp]`"));
    }
    samples[std::string(line.substr(0, length))] = value;
  }
  return samples;
}

double Histogram::Mean() const { return count > 0 ? sum / count : 0; }

std::vector<double> Histogram::PerBucketCounts() const {
  std::vector<double> counts;
  double below = 0;
  for (const Bucket& bucket : buckets) {
    counts.push_back(bucket.cumulative_count - below);
    below = bucket.cumulative_count;
  }
  return counts;
}

Histogram HistogramFrom(const PrometheusSamples& samples, absl::string_view name) {
  Histogram histogram;
  const std::string bucket_prefix = absl::StrCat(name, "_bucket{le=\"");
  for (auto it = samples.lower_bound(bucket_prefix);
       it != samples.end() && absl::StartsWith(it->first, bucket_prefix); ++it) {
    absl::string_view bound = absl::string_view(it->first).substr(bucket_prefix.size());
    bound = bound.substr(0, bound.find('"'));
    Histogram::Bucket bucket;
    bucket.cumulative_count = it->second;
    if (ParseValue(bound, &bucket.upper_bound)) histogram.buckets.push_back(bucket);
  }
  // The map orders bounds as text ("16" < "2"); cumulative counts need numeric order.
  std::sort(histogram.buckets.begin(), histogram.buckets.end(),
            [](const Histogram::Bucket& a, const Histogram::Bucket& b) {
              return a.upper_bound < b.upper_bound;
            });
  if (auto it = samples.find(absl::StrCat(name, "_sum")); it != samples.end()) {
    histogram.sum = it->second;
  }
  if (auto it = samples.find(absl::StrCat(name, "_count")); it != samples.end()) {
    histogram.count = it->second;
  }
  return histogram;
}

Histogram operator-(const Histogram& later, const Histogram& earlier) {
  Histogram delta = later;
  delta.sum -= earlier.sum;
  delta.count -= earlier.count;
  for (size_t i = 0; i < delta.buckets.size() && i < earlier.buckets.size(); ++i) {
    delta.buckets[i].cumulative_count -= earlier.buckets[i].cumulative_count;
  }
  return delta;
}

}  // namespace hyperd::bench
