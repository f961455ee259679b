// What hyperd's HTTP port serves (docs/architecture.md "HTTP port and dashboard"):
//   /metrics            Prometheus text exposition (always)
//   /                   302 to /dashboard/ (dashboard on)
//   /dashboard/...      the study dashboard's static front end, embedded in the binary
//   /api/dashboard/...  the dashboard's read-only JSON documents (server/dashboard)
// With the dashboard off, only /metrics answers. Responses are gzipped for clients that accept
// it (content_encoding.h). A pure function of the request: unit-tested without a socket.
#ifndef HYPERD_SERVER_HTTP_HTTP_SITE_H_
#define HYPERD_SERVER_HTTP_HTTP_SITE_H_

#include <functional>
#include <string>

#include "server/http/http_message.h"

namespace hyperd::server::http {

struct HttpSite {
  std::function<std::string()> metrics_text;                 // the /metrics body
  std::function<HttpResponse(const HttpRequest&)> dashboard_api;  // empty: dashboard off
};

HttpResponse ServeHttp(const HttpSite& site, const HttpRequest& request);

}  // namespace hyperd::server::http

#endif  // HYPERD_SERVER_HTTP_HTTP_SITE_H_
