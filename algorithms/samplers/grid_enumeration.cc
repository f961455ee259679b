#include "algorithms/samplers/grid_enumeration.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "algorithms/space/value_grid.h"

namespace hyperd::algorithms {
namespace {

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return std::min(a + b, GridEnumeration::kSaturated);  // both operands are <= kSaturated
}

uint64_t SaturatingMultiply(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  if (a > GridEnumeration::kSaturated / b) return GridEnumeration::kSaturated;
  return std::min(a * b, GridEnumeration::kSaturated);
}

uint64_t ContinuousValueCount(const DoubleParameter& p, int points) {
  return p.min == p.max ? 1 : static_cast<uint64_t>(points);
}

// The value indices of `parent` listed by a child's condition, sorted and deduplicated.
std::vector<uint64_t> ActivatingIndices(const ParameterConfig& parent, const Condition& condition) {
  std::vector<uint64_t> indices;
  if (const auto* categorical = std::get_if<CategoricalParameter>(&parent.kind)) {
    for (const std::string& value : condition.categorical_values) {
      const auto it = std::find(categorical->values.begin(), categorical->values.end(), value);
      indices.push_back(static_cast<uint64_t>(it - categorical->values.begin()));
    }
  } else {
    const auto& integer = std::get<IntegerParameter>(parent.kind);
    for (int64_t value : condition.integer_values)
      indices.push_back(*IntegerIndexOf(integer, value));
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

}  // namespace

GridEnumeration::GridEnumeration(SearchSpace space, int points_per_continuous_parameter)
    : space_(std::move(space)), points_per_continuous_parameter_(points_per_continuous_parameter) {
  BuildAxes();
}

void GridEnumeration::BuildAxes() {
  const size_t n = space_.parameters.size();
  axes_.assign(n, Axis{});
  absl::flat_hash_map<std::string, size_t> index_of;
  for (size_t i = 0; i < n; ++i) {
    const ParameterConfig& parameter = space_.parameters[i];
    Axis& axis = axes_[i];
    if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
      axis.value_count = d->step > 0 ? static_cast<uint64_t>(SteppedDoubleLastIndex(*d)) + 1
                                     : ContinuousValueCount(*d, points_per_continuous_parameter_);
    } else if (const auto* integer = std::get_if<IntegerParameter>(&parameter.kind)) {
      axis.value_count = IntegerValueCount(*integer);
    } else {
      axis.value_count = std::get<CategoricalParameter>(parameter.kind).values.size();
    }
    axis.value_count = std::min(axis.value_count, kSaturated);
    if (parameter.condition.has_value()) {
      const size_t parent = index_of.at(parameter.condition->parent);
      axes_[parent].children.push_back(i);
      axes_[parent].activating.push_back(
          ActivatingIndices(space_.parameters[parent], *parameter.condition));
    }
    index_of.emplace(parameter.name, i);
  }
  // Children come after their parents, so a reverse sweep sizes every child before its parent.
  size_ = 1;
  for (size_t i = n; i-- > 0;) {
    Axis& axis = axes_[i];
    std::map<uint64_t, uint64_t> weights;  // value index -> product of activated subtree sizes
    for (size_t c = 0; c < axis.children.size(); ++c) {
      for (uint64_t k : axis.activating[c]) {
        auto [it, inserted] = weights.emplace(k, 1);
        it->second = SaturatingMultiply(it->second, axes_[axis.children[c]].subtree_size);
      }
    }
    axis.weighted_values.assign(weights.begin(), weights.end());
    axis.subtree_size = axis.value_count - weights.size();
    for (const auto& [k, weight] : weights) {
      axis.subtree_size = SaturatingAdd(axis.subtree_size, weight);
    }
    if (!space_.parameters[i].condition.has_value()) {
      size_ = SaturatingMultiply(size_, axis.subtree_size);
    }
  }
}

uint64_t GridEnumeration::ChooseValue(const Axis& axis, uint64_t others,
                                      uint64_t* remainder) const {
  uint64_t first_unvisited = 0;
  for (const auto& [k, weight] : axis.weighted_values) {
    // The plain values before k each leave `others` completions.
    const uint64_t plain_block = (k - first_unvisited) * others;
    if (*remainder < plain_block) break;
    *remainder -= plain_block;
    const uint64_t block = weight * others;
    if (*remainder < block) return k;
    *remainder -= block;
    first_unvisited = k + 1;
  }
  const uint64_t k = first_unvisited + *remainder / others;
  *remainder %= others;
  return k;
}

Assignment GridEnumeration::PointAt(uint64_t index) const {
  const size_t n = space_.parameters.size();
  // active[i]: parameter i is unconditional, or its parent has been given an activating value.
  std::vector<bool> active(n);
  for (size_t i = 0; i < n; ++i) active[i] = !space_.parameters[i].condition.has_value();
  Assignment point;
  uint64_t remainder = index;
  for (size_t j = 0; j < n; ++j) {
    if (!active[j]) continue;
    // Completions of the other open subtrees: active parameters after j whose parent (if any) is
    // already decided. Children of undecided parameters are not active yet.
    uint64_t others = 1;
    for (size_t i = j + 1; i < n; ++i) {
      if (active[i]) others = SaturatingMultiply(others, axes_[i].subtree_size);
    }
    const Axis& axis = axes_[j];
    const uint64_t k = ChooseValue(axis, others, &remainder);
    point.emplace_back(space_.parameters[j].name, ValueAt(j, k));
    for (size_t c = 0; c < axis.children.size(); ++c) {
      active[axis.children[c]] =
          std::binary_search(axis.activating[c].begin(), axis.activating[c].end(), k);
    }
  }
  return point;
}

ParameterValue GridEnumeration::ValueAt(size_t i, uint64_t k) const {
  const ParameterConfig& parameter = space_.parameters[i];
  if (const auto* integer = std::get_if<IntegerParameter>(&parameter.kind)) {
    return IntegerValueAt(*integer, k);
  }
  if (const auto* categorical = std::get_if<CategoricalParameter>(&parameter.kind)) {
    return categorical->values[k];
  }
  const auto& p = std::get<DoubleParameter>(parameter.kind);
  if (p.step > 0) return SteppedDoubleAt(p, static_cast<int64_t>(k));
  const uint64_t last = axes_[i].value_count - 1;
  if (k == 0) return p.min;
  if (k == last) return p.max;
  const double t = static_cast<double>(k) / static_cast<double>(last);
  const double x = p.scale == Scale::kLog
                       ? std::exp(std::log(p.min) + t * (std::log(p.max) - std::log(p.min)))
                       : p.min + t * (p.max - p.min);
  return std::clamp(x, p.min, p.max);
}

}  // namespace hyperd::algorithms
