#include "server/status_conversion.h"

#include <array>
#include <string>

namespace hyperd::server {
namespace {

#define HYPERD_SAME_CODE(absl_code, grpc_code)                     \
  static_assert(static_cast<int>(absl::StatusCode::absl_code) ==   \
                    static_cast<int>(grpc::StatusCode::grpc_code), \
                "absl and gRPC status codes differ: " #absl_code)
HYPERD_SAME_CODE(kOk, OK);
HYPERD_SAME_CODE(kCancelled, CANCELLED);
HYPERD_SAME_CODE(kUnknown, UNKNOWN);
HYPERD_SAME_CODE(kInvalidArgument, INVALID_ARGUMENT);
HYPERD_SAME_CODE(kDeadlineExceeded, DEADLINE_EXCEEDED);
HYPERD_SAME_CODE(kNotFound, NOT_FOUND);
HYPERD_SAME_CODE(kAlreadyExists, ALREADY_EXISTS);
HYPERD_SAME_CODE(kPermissionDenied, PERMISSION_DENIED);
HYPERD_SAME_CODE(kResourceExhausted, RESOURCE_EXHAUSTED);
HYPERD_SAME_CODE(kFailedPrecondition, FAILED_PRECONDITION);
HYPERD_SAME_CODE(kAborted, ABORTED);
HYPERD_SAME_CODE(kOutOfRange, OUT_OF_RANGE);
HYPERD_SAME_CODE(kUnimplemented, UNIMPLEMENTED);
HYPERD_SAME_CODE(kInternal, INTERNAL);
HYPERD_SAME_CODE(kUnavailable, UNAVAILABLE);
HYPERD_SAME_CODE(kDataLoss, DATA_LOSS);
HYPERD_SAME_CODE(kUnauthenticated, UNAUTHENTICATED);
#undef HYPERD_SAME_CODE

// In code order 0-16.
constexpr std::array<const char*, 17> kCodeNames = {
    "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated"};

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

const char* GrpcCodeName(absl::StatusCode code) {
  const auto index = static_cast<size_t>(code);
  return index < kCodeNames.size() ? kCodeNames[index] : "Unknown";
}

}  // namespace hyperd::server
