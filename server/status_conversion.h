// The one place where domain statuses become gRPC statuses.
#ifndef HYPERD_SERVER_STATUS_CONVERSION_H_
#define HYPERD_SERVER_STATUS_CONVERSION_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hyperd::server {

// absl::StatusCode and grpc::StatusCode share all 17 numeric values (checked by static_asserts in
// status_conversion.cc), so the code carries over unchanged.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The grpc-go spelling of a code ("OK", "NotFound", ...), as go-grpc-prometheus labels it and as
// the request log names it.
const char* GrpcCodeName(absl::StatusCode code);

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_STATUS_CONVERSION_H_
