// A minimal HTTP/1.0 client over a raw loopback socket: enough to scrape /metrics and to test
// hyperd's HTTP port (status, headers, body) without an HTTP client library. No gtest: bench/
// links it too.
//
//   ASSIGN_OR_RETURN(std::string body, HttpGet(metrics_port, "/metrics"));
//   ASSIGN_OR_RETURN(HttpReply reply, HttpFetch(port, "/api/dashboard/studies",
//                                               {{"Authorization", "Bearer t"}}));
#ifndef HYPERD_TESTS_TESTING_HTTP_FETCH_H_
#define HYPERD_TESTS_TESTING_HTTP_FETCH_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hyperd::testing {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header called `name` (case-insensitive).
  std::optional<std::string> Header(absl::string_view name) const;
};

// GETs http://127.0.0.1:`port``path` with `headers`. Each socket operation is bounded by
// `timeout`. UNAVAILABLE if the connection or I/O fails, INTERNAL for a reply that is not HTTP.
absl::StatusOr<HttpReply> HttpFetch(
    int port, absl::string_view path,
    const std::vector<std::pair<std::string, std::string>>& headers = {},
    absl::Duration timeout = absl::Seconds(5));

// The body of a 200 reply to GET `path`; INTERNAL naming the status line otherwise.
absl::StatusOr<std::string> HttpGet(int port, absl::string_view path,
                                    absl::Duration timeout = absl::Seconds(5));

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_TESTING_HTTP_FETCH_H_
