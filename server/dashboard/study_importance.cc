#include "server/dashboard/study_importance.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "algorithms/importance/permutation_importance.h"
#include "server/dashboard/revision.h"

namespace hyperd::server::dashboard {
namespace {

using hyperd::v1::ParameterSpec;
using hyperd::v1::Trial;

bool IsLog(const ParameterSpec& spec) {
  return (spec.has_double_spec() && spec.double_spec().scale() == hyperd::v1::LOG) ||
         (spec.has_integer_spec() && spec.integer_spec().scale() == hyperd::v1::LOG);
}

// One column's value for a trial parameter (see the header for the encoding).
double Encode(const ParameterSpec& spec, const hyperd::v1::Parameter& value) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double x = kNaN;
  switch (value.value_case()) {
    case hyperd::v1::Parameter::kDoubleValue:
      x = value.double_value();
      break;
    case hyperd::v1::Parameter::kIntValue:
      x = static_cast<double>(value.int_value());
      break;
    case hyperd::v1::Parameter::kCategoricalValue: {
      const auto& values = spec.categorical_spec().values();
      const auto it = std::find(values.begin(), values.end(), value.categorical_value());
      return it == values.end() ? kNaN : static_cast<double>(it - values.begin());
    }
    case hyperd::v1::Parameter::VALUE_NOT_SET:
      return kNaN;
  }
  return IsLog(spec) ? (x > 0 ? std::log10(x) : kNaN) : x;
}

bool IsImportanceRow(const Trial& trial) {
  return (trial.state() == Trial::SUCCEEDED || trial.state() == Trial::PRUNED) &&
         trial.has_objective_value() && std::isfinite(trial.objective_value());
}

// The importance rows of a study and what they are for.
struct ImportanceInput {
  std::vector<std::vector<double>> features;
  std::vector<bool> categorical;
  std::vector<double> targets;
  std::string unavailable;  // why importance cannot be computed, if so
};

ImportanceInput BuildInput(const hyperd::v1::Study& study, const std::vector<Trial>& trials) {
  ImportanceInput input;
  const auto& space = study.spec().search_space().parameters();
  if (space.size() < 2) {
    input.unavailable =
        absl::StrCat("needs at least 2 parameters, the search space has ", space.size());
    return input;
  }
  absl::flat_hash_map<std::string, int> column_of;
  input.categorical.resize(space.size());
  for (int j = 0; j < space.size(); ++j) {
    column_of[space[j].name()] = j;
    input.categorical[j] = space[j].has_categorical_spec();
  }
  for (const Trial& trial : trials) {
    if (!IsImportanceRow(trial)) continue;
    std::vector<double> row(space.size(), std::numeric_limits<double>::quiet_NaN());
    for (const hyperd::v1::Parameter& parameter : trial.parameters()) {
      const auto it = column_of.find(parameter.name());
      if (it != column_of.end()) row[it->second] = Encode(space[it->second], parameter);
    }
    input.features.push_back(std::move(row));
    input.targets.push_back(trial.objective_value());
  }
  if (static_cast<int>(input.targets.size()) < kMinImportanceTrials) {
    input.unavailable =
        absl::StrCat("needs at least ", kMinImportanceTrials,
                     " finished trials with an objective value, has ", input.targets.size());
  }
  return input;
}

StudyImportance Fit(const hyperd::v1::Study& study, const ImportanceInput& input) {
  StudyImportance out;
  if (!input.unavailable.empty()) {
    out.reason = input.unavailable;
    return out;
  }
  const auto& space = study.spec().search_space().parameters();
  algorithms::ImportanceOptions options;
  options.min_rows = kMinImportanceTrials;
  options.seed = study.spec().seed();
  absl::StatusOr<algorithms::ImportanceResult> result =
      algorithms::PermutationImportance(input.features, input.categorical, input.targets, options);
  if (!result.ok()) {
    out.reason = std::string(result.status().message());
    return out;
  }
  out.available = true;
  out.trials_used = result->rows_used;
  for (int j = 0; j < space.size(); ++j) {
    out.params.emplace_back(space[j].name(), result->importance[j]);
  }
  std::stable_sort(out.params.begin(), out.params.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace

StudyImportance ComputeStudyImportance(const hyperd::v1::Study& study,
                                       const std::vector<Trial>& trials) {
  return Fit(study, BuildInput(study, trials));
}

std::shared_ptr<const StudyImportance> ImportanceCache::Get(const std::string& study_id,
                                                            const hyperd::v1::Study& study,
                                                            const std::vector<Trial>& trials) {
  ImportanceInput input = BuildInput(study, trials);
  Fnv1a space_hash;
  space_hash.Message(study.spec().search_space());
  space_hash.Int(static_cast<int64_t>(study.spec().seed()));
  Fnv1a input_hash = space_hash;
  for (size_t i = 0; i < input.targets.size(); ++i) {
    for (const double x : input.features[i]) input_hash.Double(x);
    input_hash.Double(input.targets[i]);
  }
  const size_t rows = input.targets.size();
  {
    absl::MutexLock lock(&mu_);
    const auto it = entries_.find(study_id);
    if (it != entries_.end()) {
      const Entry& entry = it->second;
      if (entry.input_hash == input_hash.value()) return entry.result;
      if (entry.space_hash == space_hash.value() && entry.rows >= kLargeStudyRows &&
          rows >= entry.rows && rows < entry.rows * (1 + kRefitGrowth)) {
        return entry.result;
      }
    }
  }
  // Fitted outside the lock: two concurrent first requests may both fit (the same result).
  auto result = std::make_shared<const StudyImportance>(Fit(study, input));
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= kMaxEntries && entries_.count(study_id) == 0) entries_.clear();
  entries_[study_id] = Entry{input_hash.value(), space_hash.value(), rows, result};
  return result;
}

}  // namespace hyperd::server::dashboard
