#include "client/cli/dashboard_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hyperd::cli {
namespace {

using ::testing::HasSubstr;

v1::ServerInfo Info(const std::string& http_address, bool dashboard) {
  v1::ServerInfo info;
  info.set_http_address(http_address);
  info.set_dashboard(dashboard);
  return info;
}

TEST(DashboardUrl, UsesTheBoundHttpAddress) {
  EXPECT_EQ(*DashboardUrl("127.0.0.1:50051", Info("127.0.0.1:9464", true)),
            "http://127.0.0.1:9464/dashboard/");
  EXPECT_EQ(*DashboardUrl("localhost:50051", Info("[::1]:9464", true)),
            "http://[::1]:9464/dashboard/");
}

TEST(DashboardUrl, AWildcardBindIsReachedThroughTheDialledHost) {
  EXPECT_EQ(*DashboardUrl("tuner.lab:50051", Info("0.0.0.0:9464", true)),
            "http://tuner.lab:9464/dashboard/");
  EXPECT_EQ(*DashboardUrl("dns:///tuner.lab:50051", Info("[::]:9464", true)),
            "http://tuner.lab:9464/dashboard/");
  EXPECT_EQ(*DashboardUrl("[fd00::5]:50051", Info("0.0.0.0:9464", true)),
            "http://[fd00::5]:9464/dashboard/");
}

TEST(DashboardUrl, NoDashboardNamesTheFlagToChange) {
  absl::StatusOr<std::string> off = DashboardUrl("h:1", Info("127.0.0.1:9464", false));
  EXPECT_EQ(off.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(off.status().message(), HasSubstr("--dashboard=false"));
  absl::StatusOr<std::string> no_port = DashboardUrl("h:1", Info("", false));
  EXPECT_EQ(no_port.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_port.status().message(), HasSubstr("--metrics-listen"));
}

}  // namespace
}  // namespace hyperd::cli
