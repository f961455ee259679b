#include "server/http/http_site.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/http/content_encoding.h"
#include "web/dashboard_assets.h"

namespace hyperd::server::http {
namespace {

constexpr absl::string_view kDashboardPrefix = "/dashboard/";
constexpr absl::string_view kApiPrefix = "/api/dashboard/";

// The page may load only what hyperd itself serves: no outside scripts, styles or connections.
// Inline style attributes are allowed because uPlot positions its legend and cursor with them.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

HttpResponse Text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

HttpResponse Redirect(std::string location) {
  HttpResponse response = Text(302, "");
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

HttpResponse NotFound(const HttpRequest& request, bool dashboard_on) {
  return Text(404, absl::StrCat("no page at ", request.path, "; this port serves /metrics",
                                dashboard_on ? " and the dashboard at /dashboard/"
                                             : " (the dashboard is off: --dashboard=false)",
                                "\n"));
}

HttpResponse Asset(const web::DashboardAsset& asset) {
  HttpResponse response;
  response.content_type = std::string(asset.content_type);
  response.body = std::string(asset.body);
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

HttpResponse Route(const HttpSite& site, const HttpRequest& request) {
  const bool dashboard_on = static_cast<bool>(site.dashboard_api);
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = Text(405, absl::StrCat(request.method, " ", request.path,
                                                   ": this port is read-only; use GET\n"));
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  if (request.path == "/metrics") {
    HttpResponse response = Text(200, site.metrics_text());
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return response;
  }
  if (!dashboard_on) return NotFound(request, false);
  if (request.path == "/" || request.path == "/dashboard") return Redirect("/dashboard/");
  if (absl::StartsWith(request.path, kApiPrefix)) return site.dashboard_api(request);
  if (absl::StartsWith(request.path, kDashboardPrefix)) {
    const absl::string_view file = absl::string_view(request.path).substr(kDashboardPrefix.size());
    if (const web::DashboardAsset* asset = web::FindDashboardAsset(file); asset != nullptr) {
      return Asset(*asset);
    }
  }
  return NotFound(request, true);
}

}  // namespace

HttpResponse ServeHttp(const HttpSite& site, const HttpRequest& request) {
  HttpResponse response = Route(site, request);
  CompressIfAccepted(request, response);
  return response;
}

}  // namespace hyperd::server::http
