// A minimal HTTP/1.0 GET over a raw loopback socket, enough to scrape a Prometheus endpoint
// without an HTTP client library.
//
//   ASSIGN_OR_RETURN(std::string body, HttpGet(metrics_port, "/metrics"));
#ifndef HYPERD_BENCH_HTTP_GET_H_
#define HYPERD_BENCH_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hyperd::bench {

// GETs http://127.0.0.1:`port``path` and returns the body of a 200 reply. Each socket operation
// is bounded by `timeout`. Errors: UNAVAILABLE if the connection or I/O fails, INTERNAL for a
// reply that is not "HTTP/1.x 200".
absl::StatusOr<std::string> HttpGet(int port, absl::string_view path,
                                    absl::Duration timeout = absl::Seconds(5));

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_HTTP_GET_H_
