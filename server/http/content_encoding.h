// gzip for the HTTP port's responses. A 10,000-trial study document is 3.25 MB of JSON and about
// a quarter of that gzipped: what a dashboard viewer on another machine waits for. Prometheus
// asks for gzip too.
#ifndef HYPERD_SERVER_HTTP_CONTENT_ENCODING_H_
#define HYPERD_SERVER_HTTP_CONTENT_ENCODING_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "server/http/http_message.h"

namespace hyperd::server::http {

// Bodies smaller than this are sent as they are (a gzip header and a round trip cost more).
inline constexpr size_t kMinGzipBytes = 1024;

// Whether the request's Accept-Encoding allows gzip (RFC 9110 §12.5.3): "gzip" or "*" with a
// non-zero q. No header: no.
bool AcceptsGzip(const HttpRequest& request);

// The gzip file format (RFC 1952) of `bytes`, at zlib's fastest level: the study document is
// compressed once per change, ~4 times smaller.
std::string Gzip(absl::string_view bytes);

// Marks `response` as compressed (`gzip`: the compressed body) and as varying by
// Accept-Encoding.
void SetGzipBody(std::string gzip, HttpResponse& response);

// Compresses a 200 response's body in place when the request accepts gzip, the body is at least
// kMinGzipBytes and not already encoded. Every 200 gets `Vary: Accept-Encoding` either way.
void CompressIfAccepted(const HttpRequest& request, HttpResponse& response);

}  // namespace hyperd::server::http

#endif  // HYPERD_SERVER_HTTP_CONTENT_ENCODING_H_
