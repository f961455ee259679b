#include "client/cli/format.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"

namespace hyperd::cli {

std::string FormatDouble(double value, Precision precision) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (precision == Precision::kDisplay) return absl::StrFormat("%.6g", value);
  if (precision == Precision::kCompact) return absl::StrFormat("%.3g", value);
  char buffer[64];
  // Shortest round-trip representation.
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time, Precision precision) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  const absl::Time t = absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
  // %E*S: seconds with as many fractional digits as needed (none for whole seconds).
  return absl::FormatTime(
      precision == Precision::kExact ? "%Y-%m-%dT%H:%M:%E*SZ" : "%Y-%m-%dT%H:%M:%SZ", t,
      absl::UTCTimeZone());
}

std::string FormatParameterValue(const v1::Parameter& parameter, Precision precision) {
  switch (parameter.value_case()) {
    case v1::Parameter::kDoubleValue:
      return FormatDouble(parameter.double_value(), precision);
    case v1::Parameter::kIntValue:
      return absl::StrCat(parameter.int_value());
    case v1::Parameter::kCategoricalValue:
      return parameter.categorical_value();
    case v1::Parameter::VALUE_NOT_SET:
      break;
  }
  return "";
}

std::string FormatObjective(const v1::Trial& trial, Precision precision) {
  return trial.has_objective_value() ? FormatDouble(trial.objective_value(), precision) : "";
}

std::string OneofFieldName(const google::protobuf::Message& message, const std::string& oneof_name,
                           const std::string& fallback) {
  const google::protobuf::OneofDescriptor* oneof =
      message.GetDescriptor()->FindOneofByName(oneof_name);
  if (oneof == nullptr) return fallback;
  const google::protobuf::FieldDescriptor* field =
      message.GetReflection()->GetOneofFieldDescriptor(message, oneof);
  return field == nullptr ? fallback : field->name();
}

std::string CompactJson(const google::protobuf::Message& message) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) return "{}";
  return json;
}

}  // namespace hyperd::cli
