#include "server/http/http_server.h"

#include <civetweb.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace hyperd::server::http {
namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status < 500 ? "Error" : "Internal Server Error";
  }
}

std::optional<std::string> Header(const mg_connection* connection, const char* name) {
  const char* value = mg_get_header(connection, name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// civetweb's own complaints (bad requests, socket errors) go to our log at DEBUG: they are about
// clients, not about the server.
int LogMessage(const mg_connection*, const char* message) {
  Log(LogLevel::kDebug, "http", {{"message", message}});
  return 1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& flag,
                                                             const std::string& listen,
                                                             int threads, HttpHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(handler)));
  const std::string thread_count = std::to_string(threads);
  const char* options[] = {"listening_ports", listen.c_str(),
                           "num_threads", thread_count.c_str(),
                           // A kept-alive connection holds one of the few request threads
                           // while idle; a browser opens six at once, so close after each reply.
                           "enable_keep_alive", "no",
                           "request_timeout_ms", "30000",
                           nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = &LogMessage;
  server->context_ = mg_start(&callbacks, nullptr, options);
  if (server->context_ == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        flag, ": cannot listen on ", listen,
        " (address in use or not local?); choose another address or stop the other process"));
  }
  mg_set_request_handler(server->context_, "/", &HttpServer::HandleRequest, server.get());
  mg_server_port ports[4];
  if (mg_get_server_ports(server->context_, 4, ports) > 0) server->port_ = ports[0].port;
  return server;
}

HttpServer::~HttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

int HttpServer::HandleRequest(mg_connection* connection, void* self) {
  const mg_request_info* info = mg_get_request_info(connection);
  HttpRequest request;
  request.method = info->request_method != nullptr ? info->request_method : "";
  request.path = info->local_uri != nullptr ? info->local_uri : "/";
  request.query = info->query_string != nullptr ? info->query_string : "";
  request.authorization = Header(connection, "Authorization");
  request.if_none_match = Header(connection, "If-None-Match");
  request.accept_encoding = Header(connection, "Accept-Encoding");
  const HttpResponse response = static_cast<HttpServer*>(self)->handler_(request);

  std::string head =
      absl::StrCat("HTTP/1.1 ", response.status, " ", ReasonPhrase(response.status), "\r\n");
  if (response.status != 304) {  // a 304 describes the cached body, so it sends no length of its own
    absl::StrAppend(&head, "Content-Type: ", response.content_type,
                    "\r\nContent-Length: ", response.body.size(), "\r\n");
  }
  head += "X-Content-Type-Options: nosniff\r\nConnection: close\r\n";
  for (const auto& [name, value] : response.headers) absl::StrAppend(&head, name, ": ", value, "\r\n");
  head += "\r\n";
  mg_write(connection, head.data(), head.size());
  if (request.method != "HEAD" && !response.body.empty()) {
    mg_write(connection, response.body.data(), response.body.size());
  }
  return response.status;
}

}  // namespace hyperd::server::http
