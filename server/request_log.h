// The per-request log: which calls are worth a line, at which level, with which fields.
//   - every call at DEBUG (an access log when --log-level=debug);
//   - calls slower than the threshold at WARN ("slow request"), whatever their outcome;
//   - server-side failures (INTERNAL, UNKNOWN, DATA_LOSS) at ERROR.
// Each line names the method, the gRPC code, the duration and the request's study and trial.
#ifndef HYPERD_SERVER_REQUEST_LOG_H_
#define HYPERD_SERVER_REQUEST_LOG_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/logging.h"
#include "google/protobuf/message.h"

namespace hyperd::server {

// study=… and trial=… of a request, read from its resource name ("name", "parent", "study_id" or
// "study.name"). A name that does not parse is logged as resource=… (truncated).
LogFields RequestSubject(const google::protobuf::Message& request);

class RequestLog {
 public:
  // A zero or negative threshold turns the slow-request log off.
  explicit RequestLog(absl::Duration slow_threshold) : slow_threshold_(slow_threshold) {}

  // Logs the finished call if any of the rules above applies; cheap when none does.
  void Finished(absl::string_view method, const google::protobuf::Message& request,
                const absl::Status& status, absl::Duration elapsed) const;

 private:
  absl::Duration slow_threshold_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_REQUEST_LOG_H_
