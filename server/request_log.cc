#include "server/request_log.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "server/request_validation.h"
#include "server/status_conversion.h"

namespace hyperd::server {
namespace {

constexpr size_t kMaxLoggedResource = 200;

// The first resource-name field the request has, or "".
std::string ResourceName(const google::protobuf::Message& request) {
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  for (const char* field_name : {"name", "parent", "study_id"}) {
    const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(field_name);
    if (field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        !field->is_repeated()) {
      std::string value = reflection->GetString(request, field);
      if (!value.empty()) return value;
    }
  }
  // UpdateStudy names its study inside the message.
  const google::protobuf::FieldDescriptor* study = descriptor->FindFieldByName("study");
  if (study != nullptr && study->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
      !study->is_repeated() && reflection->HasField(request, study)) {
    return ResourceName(reflection->GetMessage(request, study));
  }
  return "";
}

LogLevel LevelOf(const absl::Status& status, bool slow) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      return LogLevel::kError;
    default:
      return slow ? LogLevel::kWarning : LogLevel::kDebug;
  }
}

}  // namespace

LogFields RequestSubject(const google::protobuf::Message& request) {
  const std::string name = ResourceName(request);
  if (name.empty()) return {};
  if (absl::StatusOr<TrialKey> trial = ParseTrialName("name", name); trial.ok()) {
    return {{"study", trial->study_id}, {"trial", absl::StrCat(trial->number)}};
  }
  if (absl::StatusOr<std::string> study = ParseStudyName("name", name); study.ok()) {
    return {{"study", *study}};
  }
  if (ValidateStudyId("study_id", name).ok()) return {{"study", name}};
  return {{"resource", name.substr(0, kMaxLoggedResource)}};
}

void RequestLog::Finished(absl::string_view method, const google::protobuf::Message& request,
                          const absl::Status& status, absl::Duration elapsed) const {
  const bool slow = slow_threshold_ > absl::ZeroDuration() && elapsed >= slow_threshold_;
  const LogLevel level = LevelOf(status, slow);
  if (!LogLevelEnabled(level)) return;
  LogFields fields = {{"method", std::string(method)},
                      {"code", GrpcCodeName(status.code())},
                      {"seconds", absl::StrCat(absl::ToDoubleSeconds(elapsed))}};
  for (auto& field : RequestSubject(request)) fields.push_back(std::move(field));
  if (!status.ok()) fields.emplace_back("error", std::string(status.message()));
  Log(level, slow ? "slow request" : "request", fields);
}

}  // namespace hyperd::server
