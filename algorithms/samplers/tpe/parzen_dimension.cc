#include "algorithms/samplers/tpe/parzen_dimension.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "algorithms/space/value_grid.h"

namespace hyperd::algorithms {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool IsLogInteger(const IntegerParameter& p) { return p.scale == Scale::kLog; }

// The grid index of an internal coordinate, as Optuna's np.round (half to even is irrelevant:
// draws are continuous) clamped to [0, last].
double RoundIndex(double x, int64_t last) {
  if (std::isnan(x)) return 0;
  return std::clamp(std::round(x), 0.0, static_cast<double>(last));
}

int64_t NearestLogInteger(double x, int64_t min, int64_t max) {
  const double k = std::round(std::exp(x));
  if (!(k > static_cast<double>(min))) return min;  // also catches NaN
  if (k >= static_cast<double>(max)) return max;
  return static_cast<int64_t>(k);
}

}  // namespace

ParzenDimension ParzenDimension::Continuous(double low, double high) {
  ParzenDimension d;
  d.kind = Kind::kContinuous;
  d.low = low;
  d.high = high;
  return d;
}

ParzenDimension ParzenDimension::Grid(int64_t last_index) {
  ParzenDimension d;
  d.kind = Kind::kGrid;
  d.last_index = last_index;
  d.low = -0.5;
  d.high = static_cast<double>(last_index) + 0.5;
  return d;
}

ParzenDimension ParzenDimension::LogInteger(int64_t min, int64_t max) {
  ParzenDimension d;
  d.kind = Kind::kLogInteger;
  d.int_min = min;
  d.int_max = max;
  d.low = std::log(static_cast<double>(min) - 0.5);
  d.high = std::log(static_cast<double>(max) + 0.5);
  return d;
}

ParzenDimension ParzenDimension::Categorical(int num_categories) {
  ParzenDimension d;
  d.kind = Kind::kCategorical;
  d.num_categories = num_categories;
  return d;
}

double ParzenDimension::Snap(double x) const {
  switch (kind) {
    case Kind::kContinuous:
      return std::clamp(x, low, high);
    case Kind::kGrid:
      return RoundIndex(x, last_index);
    case Kind::kLogInteger:
      return std::log(static_cast<double>(NearestLogInteger(x, int_min, int_max)));
    case Kind::kCategorical:
      return std::clamp(std::round(x), 0.0, static_cast<double>(num_categories - 1));
  }
  return x;
}

std::pair<double, double> ParzenDimension::Cell(double x) const {
  if (kind == Kind::kLogInteger) {
    const auto k = static_cast<double>(NearestLogInteger(x, int_min, int_max));
    return {std::max(std::log(k - 0.5), low), std::min(std::log(k + 0.5), high)};
  }
  return {std::max(x - 0.5, low), std::min(x + 0.5, high)};
}

bool IsFixedParameter(const ParameterConfig& parameter) {
  const auto* d = std::get_if<DoubleParameter>(&parameter.kind);
  return d != nullptr && d->min == d->max;
}

ParzenDimension DimensionOf(const ParameterConfig& parameter) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    if (d->step > 0) return ParzenDimension::Grid(SteppedDoubleLastIndex(*d));
    if (d->scale == Scale::kLog) {
      return ParzenDimension::Continuous(std::log(d->min), std::log(d->max));
    }
    return ParzenDimension::Continuous(d->min, d->max);
  }
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) {
    if (IsLogInteger(*i)) return ParzenDimension::LogInteger(i->min, i->max);
    return ParzenDimension::Grid(static_cast<int64_t>(IntegerValueCount(*i) - 1));
  }
  const auto& values = std::get<CategoricalParameter>(parameter.kind).values;
  return ParzenDimension::Categorical(static_cast<int>(values.size()));
}

double ToInternal(const ParameterConfig& parameter, const ParameterValue& value) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    const auto* x = std::get_if<double>(&value);
    if (x == nullptr || !std::isfinite(*x)) return kNaN;
    if (d->step > 0) {
      const std::optional<int64_t> k = SteppedDoubleIndexOf(*d, *x);
      return k.has_value() ? static_cast<double>(*k) : kNaN;
    }
    const double clamped = std::clamp(*x, d->min, d->max);
    return d->scale == Scale::kLog ? std::log(clamped) : clamped;
  }
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) {
    const auto* x = std::get_if<int64_t>(&value);
    if (x == nullptr) return kNaN;
    if (IsLogInteger(*i)) return std::log(static_cast<double>(std::clamp(*x, i->min, i->max)));
    const std::optional<uint64_t> k = IntegerIndexOf(*i, *x);
    return k.has_value() ? static_cast<double>(*k) : kNaN;
  }
  const auto& values = std::get<CategoricalParameter>(parameter.kind).values;
  const auto* x = std::get_if<std::string>(&value);
  if (x == nullptr) return kNaN;
  const auto it = std::find(values.begin(), values.end(), *x);
  return it == values.end() ? kNaN : static_cast<double>(it - values.begin());
}

ParameterValue FromInternal(const ParameterConfig& parameter, double internal) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    if (d->step > 0) {
      const int64_t last = SteppedDoubleLastIndex(*d);
      return SteppedDoubleAt(*d, static_cast<int64_t>(RoundIndex(internal, last)));
    }
    if (d->min == d->max) return d->min;
    const double x = d->scale == Scale::kLog ? std::exp(internal) : internal;
    if (!(x > d->min)) return d->min;  // also catches NaN
    return std::min(x, d->max);
  }
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) {
    if (IsLogInteger(*i)) return NearestLogInteger(internal, i->min, i->max);
    const auto last = static_cast<int64_t>(IntegerValueCount(*i) - 1);
    return IntegerValueAt(*i, static_cast<uint64_t>(RoundIndex(internal, last)));
  }
  const auto& values = std::get<CategoricalParameter>(parameter.kind).values;
  const double k = std::clamp(std::round(internal), 0.0, static_cast<double>(values.size() - 1));
  return values[std::isnan(k) ? 0 : static_cast<size_t>(k)];
}

}  // namespace hyperd::algorithms
