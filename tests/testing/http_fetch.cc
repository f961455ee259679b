#include "tests/testing/http_fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hyperd::testing {
namespace {

// Closes the socket on every return path.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  const int fd_;
};

absl::Status Unavailable(absl::string_view what, int port) {
  return absl::UnavailableError(
      absl::StrCat("GET 127.0.0.1:", port, ": ", what, ": ", strerror(errno)));
}

}  // namespace

std::optional<std::string> HttpReply::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

absl::StatusOr<HttpReply> HttpFetch(int port, absl::string_view path,
                                    const std::vector<std::pair<std::string, std::string>>& headers,
                                    absl::Duration timeout) {
  Socket socket(::socket(AF_INET, SOCK_STREAM, 0));
  if (socket.fd() < 0) return Unavailable("socket", port);
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return Unavailable("connect", port);
  }
  // HTTP/1.0: the server closes the connection after the body and sends no chunked encoding.
  std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&request, name, ": ", value, "\r\n");
  request += "\r\n";
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(socket.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return Unavailable("send", port);
    sent += static_cast<size_t>(n);
  }
  std::string reply;
  char buffer[16384];
  for (;;) {
    const ssize_t n = recv(socket.fd(), buffer, sizeof(buffer), 0);
    if (n < 0) return Unavailable("recv", port);
    if (n == 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  const size_t body = reply.find("\r\n\r\n");
  HttpReply parsed;
  if (!absl::StartsWith(reply, "HTTP/1.") || reply.size() < 12 || body == std::string::npos ||
      !absl::SimpleAtoi(reply.substr(9, 3), &parsed.status)) {
    return absl::InternalError(absl::StrCat("GET 127.0.0.1:", port, path, ": not an HTTP reply: \"",
                                            reply.substr(0, reply.find('\r')), "\""));
  }
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(reply).substr(0, body), "\r\n");
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    parsed.headers.emplace_back(std::string(lines[i].substr(0, colon)),
                                std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
  }
  parsed.body = reply.substr(body + 4);
  return parsed;
}

absl::StatusOr<std::string> HttpGet(int port, absl::string_view path, absl::Duration timeout) {
  absl::StatusOr<HttpReply> reply = HttpFetch(port, path, {}, timeout);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) {
    return absl::InternalError(
        absl::StrCat("GET 127.0.0.1:", port, path, ": not a 200 reply: ", reply->status));
  }
  return std::move(reply->body);
}

}  // namespace hyperd::testing
