#include "server/http/content_encoding.h"

#include <zlib.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hyperd::server::http {
namespace {

bool HasHeader(const HttpResponse& response, absl::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (absl::EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

}  // namespace

bool AcceptsGzip(const HttpRequest& request) {
  if (!request.accept_encoding.has_value()) return false;
  bool gzip = false;
  bool wildcard = false;
  bool gzip_named = false;
  for (absl::string_view item : absl::StrSplit(*request.accept_encoding, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    const std::string coding = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&parameter, "q=") && !absl::SimpleAtod(parameter, &q)) q = 0;
    }
    if (coding == "gzip" || coding == "x-gzip") {
      gzip_named = true;
      gzip = q > 0;
    } else if (coding == "*") {
      wildcard = q > 0;
    }
  }
  // An explicit "gzip;q=0" wins over "*".
  return gzip_named ? gzip : wildcard;
}

std::string Gzip(absl::string_view bytes) {
  z_stream stream{};
  // windowBits 15 + 16: the gzip wrapper, not zlib's.
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::string();
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : std::string();
}

void SetGzipBody(std::string gzip, HttpResponse& response) {
  response.body = std::move(gzip);
  response.headers.emplace_back("Content-Encoding", "gzip");
}

void CompressIfAccepted(const HttpRequest& request, HttpResponse& response) {
  if (response.status != 200) return;
  if (!HasHeader(response, "Vary")) response.headers.emplace_back("Vary", "Accept-Encoding");
  if (response.body.size() < kMinGzipBytes || HasHeader(response, "Content-Encoding") ||
      !AcceptsGzip(request)) {
    return;
  }
  std::string gzip = Gzip(response.body);
  if (gzip.empty()) return;  // zlib failed: send it as it is
  SetGzipBody(std::move(gzip), response);
}

}  // namespace hyperd::server::http
