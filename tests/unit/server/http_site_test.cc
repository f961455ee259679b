#include "server/http/http_site.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace hyperd::server::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::Contains;
using ::testing::Not;

HttpRequest Get(std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  return request;
}

HttpSite Site(bool dashboard) {
  HttpSite site;
  site.metrics_text = [] { return std::string("hyperd_healthy 1\n"); };
  if (dashboard) {
    site.dashboard_api = [](const HttpRequest& request) {
      HttpResponse response;
      response.body = "api:" + request.path;
      return response;
    };
  }
  return site;
}

TEST(HttpSite, ServesMetricsInThePrometheusTextFormat) {
  for (bool dashboard : {false, true}) {
    const HttpResponse response = ServeHttp(Site(dashboard), Get("/metrics"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(response.body, "hyperd_healthy 1\n");
  }
}

TEST(HttpSite, RootRedirectsToTheDashboard) {
  for (const char* path : {"/", "/dashboard"}) {
    const HttpResponse response = ServeHttp(Site(true), Get(path));
    EXPECT_EQ(response.status, 302) << path;
    EXPECT_THAT(response.headers, Contains(Pair("Location", "/dashboard/")));
  }
}

TEST(HttpSite, ServesTheEmbeddedPageWithALocalOnlyContentPolicy) {
  const HttpResponse index = ServeHttp(Site(true), Get("/dashboard/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_THAT(index.content_type, HasSubstr("text/html"));
  EXPECT_THAT(index.body, HasSubstr("<html"));
  EXPECT_THAT(index.headers,
              Contains(Pair("Content-Security-Policy", HasSubstr("default-src 'self'"))));
  EXPECT_EQ(ServeHttp(Site(true), Get("/dashboard/no-such-file.js")).status, 404);
}

TEST(HttpSite, GzipsWhatTheClientAccepts) {
  HttpRequest request = Get("/dashboard/dashboard.js");
  const HttpResponse plain = ServeHttp(Site(true), request);
  request.accept_encoding = "gzip, deflate, br";
  const HttpResponse gzip = ServeHttp(Site(true), request);
  EXPECT_THAT(gzip.headers, Contains(Pair("Content-Encoding", "gzip")));
  EXPECT_THAT(gzip.headers, Contains(Pair("Vary", "Accept-Encoding")));
  EXPECT_LT(gzip.body.size(), plain.body.size() / 2);
  EXPECT_THAT(plain.headers, Not(Contains(Pair("Content-Encoding", "gzip"))));
}

TEST(HttpSite, HandsApiPathsToTheDashboardApi) {
  const HttpResponse response = ServeHttp(Site(true), Get("/api/dashboard/studies"));
  EXPECT_EQ(response.body, "api:/api/dashboard/studies");
}

TEST(HttpSite, WithTheDashboardOffOnlyMetricsAnswer) {
  for (const char* path : {"/", "/dashboard/", "/api/dashboard/studies"}) {
    const HttpResponse response = ServeHttp(Site(false), Get(path));
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_THAT(response.body, HasSubstr("--dashboard=false")) << path;
  }
}

TEST(HttpSite, RefusesWritesAsReadOnly) {
  HttpRequest post = Get("/api/dashboard/studies");
  post.method = "POST";
  const HttpResponse response = ServeHttp(Site(true), post);
  EXPECT_EQ(response.status, 405);
  EXPECT_THAT(response.headers, Contains(Pair("Allow", "GET, HEAD")));
}

}  // namespace
}  // namespace hyperd::server::http
