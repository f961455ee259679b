// A plain HTTP request and response as the HTTP port's handlers see them: no web-server types, so
// handlers (the dashboard's JSON API, the embedded assets, /metrics) are unit-tested without a
// socket and the web server (http_server.h) converts once.
#ifndef HYPERD_SERVER_HTTP_HTTP_MESSAGE_H_
#define HYPERD_SERVER_HTTP_HTTP_MESSAGE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hyperd::server::http {

struct HttpRequest {
  std::string method = "GET";
  std::string path;   // decoded, without the query string: "/api/dashboard/studies"
  std::string query;  // raw, without '?': "a=1&b=2"
  std::optional<std::string> authorization;  // the Authorization header, when sent
  std::optional<std::string> if_none_match;  // the If-None-Match header, when sent
  std::optional<std::string> accept_encoding;  // the Accept-Encoding header, when sent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (ETag, ...)
};

}  // namespace hyperd::server::http

#endif  // HYPERD_SERVER_HTTP_HTTP_MESSAGE_H_
