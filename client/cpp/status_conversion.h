// The one place where a gRPC status becomes an absl::Status on the client side.
//
//   absl::Status status = hyperd::FromGrpcStatus(stub->GetStudy(&ctx, request, &study));
//
// The 17 canonical codes have the same numbers in both libraries (checked at compile time in
// status_conversion.cc), so the code and the message carry over unchanged.
#ifndef HYPERD_CLIENT_CPP_STATUS_CONVERSION_H_
#define HYPERD_CLIENT_CPP_STATUS_CONVERSION_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hyperd {

// Same code and message; an OK status converts to absl::OkStatus(). gRPC's binary
// error_details, if any, are kept as the payload under kGrpcErrorDetailsTypeUrl.
absl::Status FromGrpcStatus(const grpc::Status& status);

inline constexpr char kGrpcErrorDetailsTypeUrl[] = "type.googleapis.com/google.rpc.Status";

}  // namespace hyperd

#endif  // HYPERD_CLIENT_CPP_STATUS_CONVERSION_H_
