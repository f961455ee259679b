#include "algorithms/space/unit_encoding.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <variant>

#include "algorithms/space/value_grid.h"

namespace hyperd::algorithms {
namespace {

double ClampUnit(double u) {
  if (std::isnan(u)) return 0;
  return std::clamp(u, 0.0, 1.0);
}

// The cell index floor(u*cells) of u among `cells` equal cells, clamped to the last cell (u = 1).
uint64_t CellIndex(double u, uint64_t cells) {
  const double scaled = std::floor(u * static_cast<double>(cells));
  // cells <= 2^63, so `scaled` fits in uint64 even when u*cells rounds up to cells.
  return std::min(static_cast<uint64_t>(scaled), cells - 1);
}

double CellCentre(uint64_t index, uint64_t cells) {
  return (static_cast<double>(index) + 0.5) / static_cast<double>(cells);
}

double DecodeDouble(const DoubleParameter& p, double u) {
  if (p.step > 0) {
    const int64_t last = SteppedDoubleLastIndex(p);
    return SteppedDoubleAt(p, static_cast<int64_t>(CellIndex(u, static_cast<uint64_t>(last) + 1)));
  }
  if (u <= 0 || p.min == p.max) return p.min;
  if (u >= 1) return p.max;
  const double x = p.scale == Scale::kLog
                       ? std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min)))
                       : p.min + u * (p.max - p.min);
  return std::clamp(x, p.min, p.max);
}

double EncodeDouble(const DoubleParameter& p, double x) {
  if (p.step > 0) {
    const int64_t last = SteppedDoubleLastIndex(p);
    const double k = std::clamp(std::round((x - p.min) / p.step), 0.0, static_cast<double>(last));
    return CellCentre(static_cast<uint64_t>(k), static_cast<uint64_t>(last) + 1);
  }
  if (p.min == p.max) return 0.5;
  const double u = p.scale == Scale::kLog
                       ? (std::log(x) - std::log(p.min)) / (std::log(p.max) - std::log(p.min))
                       : (x - p.min) / (p.max - p.min);
  return ClampUnit(u);
}

int64_t DecodeInteger(const IntegerParameter& p, double u) {
  if (p.scale == Scale::kLinear) return IntegerValueAt(p, CellIndex(u, IntegerValueCount(p)));
  // Log scale (min >= 1, step 1): widen by half a unit so both bounds get a share of the interval.
  if (u <= 0) return p.min;
  if (u >= 1) return p.max;
  const double lo = std::log(static_cast<double>(p.min) - 0.5);
  const double hi = std::log(static_cast<double>(p.max) + 0.5);
  const double x = std::round(std::exp(lo + u * (hi - lo)));
  // Compare as doubles first: converting a double >= 2^63 to int64 is undefined.
  if (x <= static_cast<double>(p.min)) return p.min;
  if (x >= static_cast<double>(p.max)) return p.max;
  return std::clamp(static_cast<int64_t>(x), p.min, p.max);
}

double EncodeInteger(const IntegerParameter& p, int64_t value) {
  if (p.scale == Scale::kLinear) {
    const int64_t clamped = std::clamp(value, p.min, p.max);
    const uint64_t offset = static_cast<uint64_t>(clamped) - static_cast<uint64_t>(p.min);
    const uint64_t k = offset / static_cast<uint64_t>(EffectiveStep(p));
    return CellCentre(k, IntegerValueCount(p));
  }
  const double lo = std::log(static_cast<double>(p.min) - 0.5);
  const double hi = std::log(static_cast<double>(p.max) + 0.5);
  return ClampUnit((std::log(static_cast<double>(value)) - lo) / (hi - lo));
}

}  // namespace

ParameterValue DecodeUnitValue(const ParameterConfig& parameter, double u) {
  u = ClampUnit(u);
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) return DecodeDouble(*d, u);
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) return DecodeInteger(*i, u);
  const auto& values = std::get<CategoricalParameter>(parameter.kind).values;
  return values[CellIndex(u, values.size())];
}

double EncodeUnitValue(const ParameterConfig& parameter, const ParameterValue& value) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    const auto* x = std::get_if<double>(&value);
    return x == nullptr ? 0.5 : EncodeDouble(*d, *x);
  }
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) {
    const auto* x = std::get_if<int64_t>(&value);
    return x == nullptr ? 0.5 : EncodeInteger(*i, *x);
  }
  const auto& values = std::get<CategoricalParameter>(parameter.kind).values;
  const auto* x = std::get_if<std::string>(&value);
  if (x == nullptr) return 0.5;
  const auto it = std::find(values.begin(), values.end(), *x);
  if (it == values.end()) return 0.5;
  return CellCentre(static_cast<uint64_t>(it - values.begin()), values.size());
}

}  // namespace hyperd::algorithms
