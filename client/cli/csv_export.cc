#include "client/cli/csv_export.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "client/cli/format.h"

namespace hyperd::cli {
namespace {

constexpr const char* kLeadingColumns[] = {"number", "state", "objective"};
constexpr const char* kTrailingColumns[] = {"start_time", "end_time"};

bool IsFixedColumn(absl::string_view name) {
  return std::find(std::begin(kLeadingColumns), std::end(kLeadingColumns), name) !=
             std::end(kLeadingColumns) ||
         std::find(std::begin(kTrailingColumns), std::end(kTrailingColumns), name) !=
             std::end(kTrailingColumns);
}

std::vector<std::string> ParameterNames(const v1::Study& study,
                                        const std::vector<v1::Trial>& trials) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const v1::ParameterSpec& spec : study.spec().search_space().parameters()) add(spec.name());
  for (const v1::Trial& trial : trials) {
    for (const v1::Parameter& parameter : trial.parameters()) add(parameter.name());
  }
  return names;
}

std::string Line(const std::vector<std::string>& fields) {
  return absl::StrCat(
      absl::StrJoin(fields, ",",
                    [](std::string* out, const std::string& f) { out->append(CsvField(f)); }),
      "\n");
}

}  // namespace

std::string CsvField(absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(field);
  return absl::StrCat("\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
}

std::string TrialsToCsv(const v1::Study& study, const std::vector<v1::Trial>& trials) {
  const std::vector<std::string> parameters = ParameterNames(study, trials);
  std::vector<std::string> header(std::begin(kLeadingColumns), std::end(kLeadingColumns));
  for (const std::string& name : parameters) {
    header.push_back(IsFixedColumn(name) ? absl::StrCat("param.", name) : name);
  }
  header.insert(header.end(), std::begin(kTrailingColumns), std::end(kTrailingColumns));

  std::string csv = Line(header);
  for (const v1::Trial& trial : trials) {
    std::map<std::string, std::string> values;
    for (const v1::Parameter& parameter : trial.parameters()) {
      values[parameter.name()] = FormatParameterValue(parameter, Precision::kExact);
    }
    std::vector<std::string> row = {absl::StrCat(trial.number()),
                                    v1::Trial::State_Name(trial.state()),
                                    FormatObjective(trial, Precision::kExact)};
    for (const std::string& name : parameters) {
      auto it = values.find(name);
      row.push_back(it == values.end() ? "" : it->second);
    }
    row.push_back(FormatTimestamp(trial.start_time(), Precision::kExact));
    row.push_back(FormatTimestamp(trial.end_time(), Precision::kExact));
    absl::StrAppend(&csv, Line(row));
  }
  return csv;
}

}  // namespace hyperd::cli
