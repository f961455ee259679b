// How hyperctl writes single values: numbers, times, parameter values, enum names.
//
// Three precisions: "display" for tables (6 significant digits, short), "compact" for wide tables
// of estimates (3 significant digits) and "exact" for exports (the shortest text that reads back
// as the same double, RFC 3339 times to the nanosecond).
#ifndef HYPERD_CLIENT_CLI_FORMAT_H_
#define HYPERD_CLIENT_CLI_FORMAT_H_

#include <string>

#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

enum class Precision { kDisplay, kCompact, kExact };

// NaN and infinities as "nan", "inf", "-inf".
std::string FormatDouble(double value, Precision precision);

// "" for an unset timestamp (zero), else RFC 3339 in UTC: "2026-03-01T12:00:05Z" (display,
// compact) or with the fraction of a second (exact).
std::string FormatTimestamp(const google::protobuf::Timestamp& time, Precision precision);

// The value of whichever field of the `value` oneof is set; "" if none is.
std::string FormatParameterValue(const v1::Parameter& parameter, Precision precision);

// "" when the trial has no objective value.
std::string FormatObjective(const v1::Trial& trial, Precision precision);

// The name of the set field of `message`'s oneof called `oneof_name` ("random", "grid"), or
// `fallback` when none is set. Generic so new algorithms need no change here.
std::string OneofFieldName(const google::protobuf::Message& message, const std::string& oneof_name,
                           const std::string& fallback);

// Compact proto3 JSON of a message ("{}" when empty).
std::string CompactJson(const google::protobuf::Message& message);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_FORMAT_H_
