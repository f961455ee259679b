// absl::Time <-> google.protobuf.Timestamp / Duration.
#ifndef HYPERD_SERVER_TIME_CONVERSION_H_
#define HYPERD_SERVER_TIME_CONVERSION_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace hyperd::server {

inline google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t nanos = absl::ToUnixNanos(t);
  ts.set_seconds(nanos / 1'000'000'000);
  ts.set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  return ts;
}

inline absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

inline absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

// The ranges google/protobuf/duration.proto and timestamp.proto define as valid.
inline bool IsValidProtoDuration(const google::protobuf::Duration& d) {
  constexpr int64_t kMaxSeconds = 315'576'000'000;
  if (d.seconds() < -kMaxSeconds || d.seconds() > kMaxSeconds) return false;
  if (d.nanos() <= -1'000'000'000 || d.nanos() >= 1'000'000'000) return false;
  return !((d.seconds() < 0 && d.nanos() > 0) || (d.seconds() > 0 && d.nanos() < 0));
}

inline bool IsValidProtoTime(const google::protobuf::Timestamp& t) {
  return t.seconds() >= -62'135'596'800 && t.seconds() <= 253'402'300'799 && t.nanos() >= 0 &&
         t.nanos() < 1'000'000'000;
}

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_TIME_CONVERSION_H_
