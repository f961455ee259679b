// hyperd's HTTP port: a small civetweb server that hands every request to one handler (see
// http_site.h for what the port serves). civetweb types stay in http_server.cc.
#ifndef HYPERD_SERVER_HTTP_HTTP_SERVER_H_
#define HYPERD_SERVER_HTTP_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/http/http_message.h"

struct mg_context;
struct mg_connection;

namespace hyperd::server::http {

// Called on the server's threads, concurrently: must be thread-safe.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Listens on `listen` ("host:port"; port 0 picks a free one) with `threads` request threads.
  // UNAVAILABLE naming `flag` when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& flag,
                                                           const std::string& listen, int threads,
                                                           HttpHandler handler);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // stops accepting and waits for requests in progress

  int port() const { return port_; }

 private:
  explicit HttpServer(HttpHandler handler) : handler_(std::move(handler)) {}
  static int HandleRequest(struct mg_connection* connection, void* self);

  HttpHandler handler_;
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace hyperd::server::http

#endif  // HYPERD_SERVER_HTTP_HTTP_SERVER_H_
