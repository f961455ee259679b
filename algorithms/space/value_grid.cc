#include "algorithms/space/value_grid.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace hyperd::algorithms {
namespace {

// max - min as an unsigned distance; exact because validation keeps it within int64.
uint64_t Span(const IntegerParameter& parameter) {
  return static_cast<uint64_t>(parameter.max) - static_cast<uint64_t>(parameter.min);
}

}  // namespace

int64_t EffectiveStep(const IntegerParameter& parameter) {
  return parameter.step == 0 ? 1 : parameter.step;
}

uint64_t IntegerValueCount(const IntegerParameter& parameter) {
  return Span(parameter) / static_cast<uint64_t>(EffectiveStep(parameter)) + 1;
}

int64_t IntegerValueAt(const IntegerParameter& parameter, uint64_t k) {
  // Unsigned arithmetic wraps instead of overflowing; the result is within [min, max].
  const uint64_t offset = k * static_cast<uint64_t>(EffectiveStep(parameter));
  return static_cast<int64_t>(static_cast<uint64_t>(parameter.min) + offset);
}

std::optional<uint64_t> IntegerIndexOf(const IntegerParameter& parameter, int64_t value) {
  if (value < parameter.min || value > parameter.max) return std::nullopt;
  const uint64_t offset = static_cast<uint64_t>(value) - static_cast<uint64_t>(parameter.min);
  const uint64_t step = static_cast<uint64_t>(EffectiveStep(parameter));
  if (offset % step != 0) return std::nullopt;
  return offset / step;
}

int64_t SteppedDoubleLastIndex(const DoubleParameter& parameter) {
  const double ratio = (parameter.max - parameter.min) / parameter.step;
  const double nearest = std::round(ratio);
  // Two roundings (the difference and the quotient) put ratio within a few ulps of the truth.
  const double tolerance = std::max(1e-9, 8 * std::numeric_limits<double>::epsilon() * ratio);
  const double last = std::abs(ratio - nearest) <= tolerance ? nearest : std::floor(ratio);
  return static_cast<int64_t>(last);
}

double SteppedDoubleAt(const DoubleParameter& parameter, int64_t k) {
  return std::min(parameter.min + static_cast<double>(k) * parameter.step, parameter.max);
}

std::optional<int64_t> SteppedDoubleIndexOf(const DoubleParameter& parameter, double value) {
  if (!std::isfinite(value)) return std::nullopt;
  const double ratio = std::round((value - parameter.min) / parameter.step);
  if (ratio < 0 || ratio > static_cast<double>(SteppedDoubleLastIndex(parameter))) {
    return std::nullopt;
  }
  const auto k = static_cast<int64_t>(ratio);
  // A value typed in decimal differs from the computed grid value by a few ulps of the bounds.
  const double magnitude =
      std::max({std::abs(value), std::abs(parameter.min), std::abs(parameter.max)});
  const double tolerance =
      std::max(1e-9 * parameter.step, 8 * std::numeric_limits<double>::epsilon() * magnitude);
  if (std::abs(value - SteppedDoubleAt(parameter, k)) > tolerance) return std::nullopt;
  return k;
}

}  // namespace hyperd::algorithms
