#include "bench/http_get.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hyperd::bench {
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

absl::StatusOr<std::string> HttpGet(int port, absl::string_view path, absl::Duration timeout) {
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
  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
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
  if (!absl::StartsWith(reply, "HTTP/1.") || reply.size() < 12 || reply.compare(9, 3, "200") != 0 ||
      body == std::string::npos) {
    return absl::InternalError(absl::StrCat("GET 127.0.0.1:", port, path, ": not a 200 reply: \"",
                                            reply.substr(0, reply.find('\r')), "\""));
  }
  return reply.substr(body + 4);
}

}  // namespace hyperd::bench
