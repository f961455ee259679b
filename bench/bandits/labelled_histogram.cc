#include "bench/bandits/labelled_histogram.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hyperd::bench {
namespace {

// The value of label `label` in a series' "{a=\"x\",b=\"y\"}" part, or false if it has none.
bool LabelValue(absl::string_view series, absl::string_view label, std::string* value) {
  const size_t open = series.find('{');
  if (open == absl::string_view::npos) return false;
  const std::string key = absl::StrCat(label, "=\"");
  size_t at = open + 1;
  while (at < series.size()) {
    if (series.substr(at, key.size()) == key) {
      const size_t start = at + key.size();
      const size_t end = series.find('"', start);
      if (end == absl::string_view::npos) return false;
      *value = std::string(series.substr(start, end - start));
      return true;
    }
    // Skip to the next label: past this label's closing quote and the comma.
    const size_t quote = series.find('"', series.find('"', at) + 1);
    if (quote == absl::string_view::npos) return false;
    at = quote + 2;
  }
  return false;
}

bool HasLabel(absl::string_view series, absl::string_view name, absl::string_view value) {
  std::string found;
  return LabelValue(series, name, &found) && found == value;
}

double ParseBound(const std::string& text) {
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace

Histogram LabelledHistogramFrom(const PrometheusSamples& samples, absl::string_view name,
                                absl::string_view label_name, absl::string_view label_value) {
  Histogram histogram;
  const std::string bucket_prefix = absl::StrCat(name, "_bucket{");
  const std::string sum_prefix = absl::StrCat(name, "_sum{");
  const std::string count_prefix = absl::StrCat(name, "_count{");
  for (const auto& [series, value] : samples) {
    if (!HasLabel(series, label_name, label_value)) continue;
    std::string le;
    if (absl::StartsWith(series, bucket_prefix) && LabelValue(series, "le", &le)) {
      histogram.buckets.push_back({ParseBound(le), value});
    } else if (absl::StartsWith(series, sum_prefix)) {
      histogram.sum = value;
    } else if (absl::StartsWith(series, count_prefix)) {
      histogram.count = value;
    }
  }
  std::sort(histogram.buckets.begin(), histogram.buckets.end(),
            [](const Histogram::Bucket& a, const Histogram::Bucket& b) {
              return a.upper_bound < b.upper_bound;
            });
  return histogram;
}

double ShareAtOrBelow(const Histogram& histogram, double bound) {
  if (histogram.buckets.empty() || histogram.buckets.back().cumulative_count <= 0) return 0;
  double at_or_below = 0;
  for (const Histogram::Bucket& bucket : histogram.buckets) {
    if (bucket.upper_bound <= bound) at_or_below = bucket.cumulative_count;
  }
  return at_or_below / histogram.buckets.back().cumulative_count;
}

}  // namespace hyperd::bench
