#include "server/http/content_encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>

#include "tests/testing/gunzip.h"

namespace hyperd::server::http {
namespace {

using ::hyperd::testing::Gunzip;
using ::testing::Contains;
using ::testing::Not;
using ::testing::Pair;

HttpRequest WithAcceptEncoding(std::optional<std::string> accept_encoding) {
  HttpRequest request;
  request.path = "/x";
  request.accept_encoding = std::move(accept_encoding);
  return request;
}

TEST(ContentEncoding, AcceptsGzipByNameOrWildcardUnlessItsQualityIsZero) {
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("gzip")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("gzip, deflate, br, zstd")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("br;q=1.0, GZIP;q=0.5")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("*")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("x-gzip")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding(std::nullopt)));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("identity")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("deflate, br")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("gzip;q=0")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("*, gzip;q=0")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("*;q=0")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("gzip;q=nonsense")));
}

TEST(ContentEncoding, GzipRoundTrips) {
  std::string json = "{\"values\":[";
  for (int i = 0; i < 5000; ++i) json += std::to_string(i * 0.37) + ",";
  json += "0]}";
  const std::string gzip = Gzip(json);
  ASSERT_FALSE(gzip.empty());
  EXPECT_LT(gzip.size(), json.size() / 2);
  EXPECT_EQ(Gunzip(gzip), json);
  EXPECT_EQ(Gunzip(Gzip("")), "");
  EXPECT_EQ(Gunzip("not gzip"), std::nullopt);
}

TEST(ContentEncoding, CompressesLargeOkBodiesWhenAccepted) {
  const std::string body(4 * kMinGzipBytes, 'a');
  HttpResponse response;
  response.body = body;
  CompressIfAccepted(WithAcceptEncoding("gzip"), response);
  EXPECT_THAT(response.headers, Contains(Pair("Content-Encoding", "gzip")));
  EXPECT_THAT(response.headers, Contains(Pair("Vary", "Accept-Encoding")));
  EXPECT_EQ(Gunzip(response.body), body);
}

TEST(ContentEncoding, LeavesSmallUnacceptedOrNonOkResponsesAlone) {
  HttpResponse small;
  small.body = "tiny";
  CompressIfAccepted(WithAcceptEncoding("gzip"), small);
  EXPECT_EQ(small.body, "tiny");
  EXPECT_THAT(small.headers, Not(Contains(Pair("Content-Encoding", "gzip"))));
  EXPECT_THAT(small.headers, Contains(Pair("Vary", "Accept-Encoding")));

  HttpResponse plain;
  plain.body = std::string(4 * kMinGzipBytes, 'a');
  CompressIfAccepted(WithAcceptEncoding("identity"), plain);
  EXPECT_EQ(plain.body.size(), 4 * kMinGzipBytes);

  HttpResponse missing;
  missing.status = 404;
  missing.body = std::string(4 * kMinGzipBytes, 'a');
  CompressIfAccepted(WithAcceptEncoding("gzip"), missing);
  EXPECT_EQ(missing.body.size(), 4 * kMinGzipBytes);
  EXPECT_TRUE(missing.headers.empty());

  // Already encoded (the dashboard's cached study documents): not compressed twice.
  HttpResponse encoded;
  SetGzipBody(Gzip(std::string(4 * kMinGzipBytes, 'b')), encoded);
  const std::string before = encoded.body;
  CompressIfAccepted(WithAcceptEncoding("gzip"), encoded);
  EXPECT_EQ(encoded.body, before);
}

}  // namespace
}  // namespace hyperd::server::http
