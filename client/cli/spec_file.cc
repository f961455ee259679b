#include "client/cli/spec_file.h"

#include <cmath>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/cli/args.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace hyperd::cli {
namespace {

constexpr char kStudyIdKey[] = "study_id";

// Removing "study_id" means re-serialising through google.protobuf.Struct, which holds numbers
// as doubles: an integer beyond 2^53 written as a JSON number would silently change.
absl::Status CheckExactNumbers(const google::protobuf::Value& value, absl::string_view file) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      // From 2^53 on, neighbouring integers share a double: the text may not have been this.
      if (std::fabs(value.number_value()) >= 9007199254740992.0) {
        return UsageError(
            absl::StrCat(file, ": the number ", value.number_value(),
                         " cannot be read exactly; write 64-bit integers as strings (\"seed\": \"",
                         "12345678901234567890\"), as the proto3 JSON mapping allows"));
      }
      return absl::OkStatus();
    case google::protobuf::Value::kStructValue:
      for (const auto& [key, field] : value.struct_value().fields()) {
        if (absl::Status s = CheckExactNumbers(field, file); !s.ok()) return s;
      }
      return absl::OkStatus();
    case google::protobuf::Value::kListValue:
      for (const google::protobuf::Value& item : value.list_value().values()) {
        if (absl::Status s = CheckExactNumbers(item, file); !s.ok()) return s;
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

// The file without its "study_id" key, and that key's value ("" when absent).
absl::Status SplitStudyId(absl::string_view json, absl::string_view file, std::string* study_json,
                          std::string* study_id) {
  google::protobuf::Struct root;
  if (auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &root);
      !status.ok()) {
    return UsageError(absl::StrCat(file, " is not a JSON object: ", status.message().ToString()));
  }
  auto it = root.fields().find(kStudyIdKey);
  if (it == root.fields().end()) {
    *study_json = std::string(json);
    return absl::OkStatus();
  }
  if (it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return UsageError(absl::StrCat(file, ": \"study_id\" must be a string, e.g. \"mnist-lr\""));
  }
  *study_id = it->second.string_value();
  root.mutable_fields()->erase(kStudyIdKey);
  google::protobuf::Value as_value;
  *as_value.mutable_struct_value() = root;
  if (absl::Status status = CheckExactNumbers(as_value, file); !status.ok()) return status;
  if (!google::protobuf::util::MessageToJsonString(root, study_json).ok()) {
    return UsageError(absl::StrCat(file, ": cannot re-encode the study after removing study_id"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::CreateStudyRequest> ParseStudySpec(absl::string_view json,
                                                      absl::string_view file_name,
                                                      absl::string_view id_flag) {
  std::string study_json;
  std::string file_id;
  if (absl::Status status = SplitStudyId(json, file_name, &study_json, &file_id); !status.ok()) {
    return status;
  }
  v1::CreateStudyRequest request;
  if (auto status =
          google::protobuf::util::JsonStringToMessage(study_json, request.mutable_study());
      !status.ok()) {
    return UsageError(absl::StrCat(
        file_name, " is not a hyperd.v1.Study in proto3 JSON: ", status.message().ToString(),
        " (field names are lowerCamelCase or as in hyperd.proto)"));
  }
  const std::string name_id(absl::StripPrefix(request.study().name(), "studies/"));
  if (!file_id.empty() && !name_id.empty() && file_id != name_id) {
    return UsageError(absl::StrCat(file_name, ": \"study_id\" is \"", file_id,
                                   "\" but \"name\" is \"", request.study().name(),
                                   "\"; remove one of them or make them agree"));
  }
  std::string study_id(id_flag);
  if (study_id.empty()) study_id = !file_id.empty() ? file_id : name_id;
  if (study_id.empty()) {
    return UsageError(
        absl::StrCat("no study id: pass --id ID, or set \"study_id\" (or \"name\": "
                     "\"studies/ID\") in ",
                     file_name));
  }
  request.set_study_id(study_id);
  request.mutable_study()->clear_name();
  return request;
}

}  // namespace hyperd::cli
