#include "client/cpp/status_conversion.h"

#include <string>

#include "gtest/gtest.h"

namespace hyperd {
namespace {

TEST(FromGrpcStatus, OkBecomesOk) { EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok()); }

TEST(FromGrpcStatus, EveryCanonicalCodeKeepsItsNumberAndMessage) {
  for (int code = 1; code <= 16; ++code) {
    const std::string message = "message for code " + std::to_string(code);
    const absl::Status status =
        FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(code), message));
    EXPECT_EQ(static_cast<int>(status.code()), code);
    EXPECT_EQ(status.message(), message);
  }
}

TEST(FromGrpcStatus, NamedCodesMatch) {
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "x")).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x")).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "x")).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(FromGrpcStatus, KeepsErrorDetailsAsPayload) {
  const absl::Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad", "\x08\x03"));
  ASSERT_TRUE(status.GetPayload(kGrpcErrorDetailsTypeUrl).has_value());
  EXPECT_EQ(std::string(*status.GetPayload(kGrpcErrorDetailsTypeUrl)), "\x08\x03");
}

TEST(FromGrpcStatus, NonCanonicalCodeIsUnknownAndSaysWhichNumberArrived) {
  const absl::Status status =
      FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(42), "odd"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
  EXPECT_NE(status.message().find("42"), absl::string_view::npos);
  EXPECT_NE(status.message().find("odd"), absl::string_view::npos);
}

}  // namespace
}  // namespace hyperd
