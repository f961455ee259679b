// hyperd's HTTP port over a real socket: /metrics, the embedded dashboard page, the dashboard's
// JSON API with and without tokens, and where GetServerInfo says the port is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "hyperd/v1/hyperd.grpc.pb.h"
#include "server/auth/sha256.h"
#include "tests/testing/http_fetch.h"
#include "tests/testing/messages.h"
#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

namespace v1 = hyperd::v1;
using ::testing::HasSubstr;
using ::testing::Optional;
using testing::HttpFetch;
using testing::HttpGet;
using testing::TestServer;
using testing::TestServerOptions;

TestServerOptions WithHttp(std::string token_file = "") {
  TestServerOptions options;
  options.http_port = true;
  options.auth_token_file = std::move(token_file);
  return options;
}

void CreateStudy(TestServer& server, const std::string& id, const std::string& token = "") {
  v1::CreateStudyRequest request;
  request.set_study_id(id);
  *request.mutable_study() = testing::BasicStudy();
  v1::Study study;
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  ASSERT_TRUE(server.stub().CreateStudy(&context, request, &study).ok());
}

TEST(HttpPort, ServesMetricsThePageAndTheApiOnOnePort) {
  TestServer server(WithHttp());
  const int port = server.server().metrics_port();
  ASSERT_GT(port, 0);
  CreateStudy(server, "mnist");

  absl::StatusOr<std::string> metrics = HttpGet(port, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics, HasSubstr("hyperd_healthy 1"));

  absl::StatusOr<testing::HttpReply> root = HttpFetch(port, "/");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->status, 302);
  EXPECT_THAT(root->Header("Location"), Optional(std::string("/dashboard/")));

  absl::StatusOr<testing::HttpReply> page = HttpFetch(port, "/dashboard/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->Header("Content-Type"), Optional(HasSubstr("text/html")));
  EXPECT_THAT(page->body, HasSubstr("<html"));

  absl::StatusOr<testing::HttpReply> studies = HttpFetch(port, "/api/dashboard/studies");
  ASSERT_TRUE(studies.ok()) << studies.status();
  EXPECT_EQ(studies->status, 200);
  EXPECT_THAT(studies->Header("Content-Type"), Optional(HasSubstr("application/json")));
  EXPECT_THAT(studies->body, HasSubstr("\"mnist\""));
}

TEST(HttpPort, ServerInfoSaysWhereTheDashboardIs) {
  TestServer server(WithHttp());
  v1::ServerInfo info;
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub().GetServerInfo(&context, v1::GetServerInfoRequest(), &info).ok());
  EXPECT_EQ(info.http_address(), absl::StrCat("127.0.0.1:", server.server().metrics_port()));
  EXPECT_TRUE(info.dashboard());

  TestServer no_http;
  v1::ServerInfo none;
  grpc::ClientContext context2;
  ASSERT_TRUE(no_http.stub().GetServerInfo(&context2, v1::GetServerInfoRequest(), &none).ok());
  EXPECT_EQ(none.http_address(), "");
  EXPECT_FALSE(none.dashboard());
}

TEST(HttpPort, WithTokensTheApiNeedsAViewerTokenButThePageDoesNot) {
  const std::string path = ::testing::TempDir() + "hyperd-http-tokens";
  auto line = [](const std::string& name, const std::string& role, const std::string& rest) {
    return absl::StrCat(name, " ", role, " sha256:",
                        server::auth::Sha256Hex(server::auth::Sha256(name + "-token")), " ", rest,
                        "\n");
  };
  std::ofstream(path, std::ios::trunc) << line("admin", "admin", "") << line("viewer", "viewer", "")
                                       << line("team", "viewer", "studies=team-*");
  TestServer server(WithHttp(path));
  const int port = server.server().metrics_port();
  CreateStudy(server, "mnist", "admin-token");
  CreateStudy(server, "team-a", "admin-token");

  absl::StatusOr<testing::HttpReply> page = HttpFetch(port, "/dashboard/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 200) << "static files hold no data";

  absl::StatusOr<testing::HttpReply> anonymous = HttpFetch(port, "/api/dashboard/studies");
  ASSERT_TRUE(anonymous.ok()) << anonymous.status();
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_THAT(anonymous->Header("WWW-Authenticate"), Optional(HasSubstr("Bearer")));
  EXPECT_THAT(anonymous->body, HasSubstr("UNAUTHENTICATED"));

  absl::StatusOr<testing::HttpReply> viewer =
      HttpFetch(port, "/api/dashboard/studies", {{"Authorization", "Bearer viewer-token"}});
  ASSERT_TRUE(viewer.ok()) << viewer.status();
  EXPECT_EQ(viewer->status, 200);
  EXPECT_THAT(viewer->body, HasSubstr("\"mnist\""));

  absl::StatusOr<testing::HttpReply> team =
      HttpFetch(port, "/api/dashboard/studies/mnist", {{"Authorization", "Bearer team-token"}});
  ASSERT_TRUE(team.ok()) << team.status();
  EXPECT_EQ(team->status, 403);

  absl::StatusOr<std::string> metrics = HttpGet(port, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics, HasSubstr("hyperd_auth_failures_total{reason=\"missing\"} 1"));
  EXPECT_THAT(*metrics, HasSubstr("hyperd_auth_failures_total{reason=\"study\"} 1"));
}

}  // namespace
}  // namespace hyperd
