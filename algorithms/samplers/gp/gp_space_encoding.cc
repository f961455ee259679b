#include "algorithms/samplers/gp/gp_space_encoding.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <variant>

#include "algorithms/space/unit_encoding.h"
#include "algorithms/space/value_grid.h"

namespace hyperd::algorithms::gp {
namespace {

constexpr uint64_t kSaturated = uint64_t{1} << 62;

// The number of values of a discrete parameter (saturated), or 0 for a continuous float.
uint64_t ValueCount(const ParameterConfig& parameter) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    if (d->min == d->max) return 1;
    if (d->step > 0) return static_cast<uint64_t>(SteppedDoubleLastIndex(*d)) + 1;
    return 0;
  }
  if (const auto* i = std::get_if<IntegerParameter>(&parameter.kind)) {
    return std::min(IntegerValueCount(*i), kSaturated);
  }
  return std::get<CategoricalParameter>(parameter.kind).values.size();
}

ParameterValue DiscreteValueAt(const ParameterConfig& parameter, uint64_t k) {
  if (const auto* d = std::get_if<DoubleParameter>(&parameter.kind)) {
    return d->step > 0 ? SteppedDoubleAt(*d, static_cast<int64_t>(k)) : d->min;
  }
  return IntegerValueAt(std::get<IntegerParameter>(parameter.kind), k);
}

int CategoryCount(const ParameterConfig& parameter) {
  return static_cast<int>(std::get<CategoricalParameter>(parameter.kind).values.size());
}

const ParameterValue* FindValue(const Assignment& assignment, size_t position,
                                const std::string& name) {
  if (position < assignment.size() && assignment[position].first == name) {
    return &assignment[position].second;
  }
  for (const auto& [key, value] : assignment) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace

GpSpaceEncoding::GpSpaceEncoding(SearchSpace space) : space_(std::move(space)) {
  const int d = dimensions();
  categorical_.resize(d);
  discrete_values_.resize(d);
  uint64_t size = 1;
  bool finite = true;
  for (int i = 0; i < d; ++i) {
    const ParameterConfig& parameter = space_.parameters[i];
    categorical_[i] = std::holds_alternative<CategoricalParameter>(parameter.kind);
    const uint64_t count = ValueCount(parameter);
    if (count == 0) {
      finite = false;
    } else {
      size = count >= kSaturated / std::max<uint64_t>(size, 1) ? kSaturated : size * count;
    }
    if (!categorical_[i] && count > 0 && count <= kMaxExhaustiveValues) {
      for (uint64_t k = 0; k < count; ++k) {
        discrete_values_[i].push_back(EncodeUnitValue(parameter, DiscreteValueAt(parameter, k)));
      }
      std::sort(discrete_values_[i].begin(), discrete_values_[i].end());
      discrete_values_[i].erase(std::unique(discrete_values_[i].begin(), discrete_values_[i].end()),
                                discrete_values_[i].end());
    }
  }
  if (finite) finite_size_ = size;
}

std::vector<SearchDimension> GpSpaceEncoding::MaximizerDimensions(
    const Eigen::VectorXd& length_scales) const {
  std::vector<SearchDimension> dimensions(space_.parameters.size());
  for (size_t i = 0; i < dimensions.size(); ++i) {
    SearchDimension& dimension = dimensions[i];
    if (categorical_[i]) {
      dimension.kind = SearchDimension::Kind::kCategorical;
      dimension.categories = CategoryCount(space_.parameters[i]);
    } else if (!discrete_values_[i].empty()) {
      dimension.kind = SearchDimension::Kind::kDiscrete;
      dimension.values = discrete_values_[i];
    } else {
      dimension.kind = SearchDimension::Kind::kContinuous;
      dimension.scale = length_scales[static_cast<Eigen::Index>(i)];
    }
  }
  return dimensions;
}

std::optional<Eigen::VectorXd> GpSpaceEncoding::Encode(const Assignment& assignment) const {
  Eigen::VectorXd x(dimensions());
  for (int i = 0; i < dimensions(); ++i) {
    const ParameterConfig& parameter = space_.parameters[i];
    const ParameterValue* value = FindValue(assignment, i, parameter.name);
    if (value == nullptr) return std::nullopt;
    const double u = EncodeUnitValue(parameter, *value);
    x[i] = categorical_[i] ? std::min(std::floor(u * CategoryCount(parameter)),
                                      static_cast<double>(CategoryCount(parameter) - 1))
                           : u;
  }
  return x;
}

Assignment GpSpaceEncoding::Decode(const Eigen::VectorXd& x) const {
  Assignment assignment;
  assignment.reserve(dimensions());
  for (int i = 0; i < dimensions(); ++i) {
    const ParameterConfig& parameter = space_.parameters[i];
    double u = x[i];
    if (categorical_[i]) {
      const int c = CategoryCount(parameter);
      const double index = std::clamp(std::round(std::isnan(u) ? 0.0 : u), 0.0, c - 1.0);
      u = (index + 0.5) / c;
    }
    assignment.emplace_back(parameter.name, DecodeUnitValue(parameter, u));
  }
  return assignment;
}

Eigen::VectorXd GpSpaceEncoding::Snap(const Eigen::VectorXd& x) const { return *Encode(Decode(x)); }

Eigen::VectorXd GpSpaceEncoding::FromUnitPoint(const std::vector<double>& unit_point) const {
  Eigen::VectorXd x(dimensions());
  for (int i = 0; i < dimensions(); ++i) {
    const double u = i < static_cast<int>(unit_point.size()) ? unit_point[i] : 0.5;
    // Categorical coordinates are indices: pick the category whose cell holds u.
    x[i] = categorical_[i] ? std::min(std::floor(u * CategoryCount(space_.parameters[i])),
                                      CategoryCount(space_.parameters[i]) - 1.0)
                           : u;
  }
  return Snap(x);
}

}  // namespace hyperd::algorithms::gp
