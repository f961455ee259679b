#include "client/cpp/status_conversion.h"

#include <string>

#include "absl/strings/cord.h"

namespace hyperd {
namespace {

// Both enums follow google.rpc.Code; a static_cast between them is only sound while that holds.
#define HYPERD_SAME_CODE(grpc_code, absl_code)                     \
  static_assert(static_cast<int>(grpc::StatusCode::grpc_code) ==   \
                    static_cast<int>(absl::StatusCode::absl_code), \
                "grpc::StatusCode::" #grpc_code " != absl::StatusCode::" #absl_code)
HYPERD_SAME_CODE(OK, kOk);
HYPERD_SAME_CODE(CANCELLED, kCancelled);
HYPERD_SAME_CODE(UNKNOWN, kUnknown);
HYPERD_SAME_CODE(INVALID_ARGUMENT, kInvalidArgument);
HYPERD_SAME_CODE(DEADLINE_EXCEEDED, kDeadlineExceeded);
HYPERD_SAME_CODE(NOT_FOUND, kNotFound);
HYPERD_SAME_CODE(ALREADY_EXISTS, kAlreadyExists);
HYPERD_SAME_CODE(PERMISSION_DENIED, kPermissionDenied);
HYPERD_SAME_CODE(RESOURCE_EXHAUSTED, kResourceExhausted);
HYPERD_SAME_CODE(FAILED_PRECONDITION, kFailedPrecondition);
HYPERD_SAME_CODE(ABORTED, kAborted);
HYPERD_SAME_CODE(OUT_OF_RANGE, kOutOfRange);
HYPERD_SAME_CODE(UNIMPLEMENTED, kUnimplemented);
HYPERD_SAME_CODE(INTERNAL, kInternal);
HYPERD_SAME_CODE(UNAVAILABLE, kUnavailable);
HYPERD_SAME_CODE(DATA_LOSS, kDataLoss);
HYPERD_SAME_CODE(UNAUTHENTICATED, kUnauthenticated);
#undef HYPERD_SAME_CODE

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int code = static_cast<int>(status.error_code());
  // A code outside the canonical range would be a broken peer; absl maps it to UNKNOWN itself,
  // but say which number arrived so the message is not misleading.
  absl::Status result =
      (code >= 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated))
          ? absl::Status(static_cast<absl::StatusCode>(code), status.error_message())
          : absl::UnknownError("non-canonical gRPC status code " + std::to_string(code) + ": " +
                               status.error_message());
  if (!status.error_details().empty()) {
    result.SetPayload(kGrpcErrorDetailsTypeUrl, absl::Cord(status.error_details()));
  }
  return result;
}

}  // namespace hyperd
