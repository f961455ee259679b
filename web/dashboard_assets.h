// The study dashboard's static front end (web/src: index.html, app.js, ..., and uPlot from npm),
// embedded into the binary at build time by web/embed_assets.cmake. Served by server/http under
// /dashboard/; the files hold no data, so they need no token.
//
//   if (const DashboardAsset* asset = FindDashboardAsset("app.js")) Reply(asset->content_type, asset->body);
//
// Every string_view points into static storage and lives as long as the program.
#ifndef HYPERD_WEB_DASHBOARD_ASSETS_H_
#define HYPERD_WEB_DASHBOARD_ASSETS_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace hyperd::web {

struct DashboardAsset {
  absl::string_view path;          // "index.html", "dashboard.js", "vendor/uPlot.min.css", ...
  absl::string_view content_type;  // "text/html; charset=utf-8", ...
  absl::string_view body;
};

// The asset at `path` (relative to /dashboard/, "" means index.html), or null. Matches exactly:
// no "..", no leading "/", no query string.
const DashboardAsset* FindDashboardAsset(absl::string_view path);

// Every asset (for tests), in a fixed order: web/src files first, then vendor/ files.
absl::Span<const DashboardAsset> DashboardAssets();

}  // namespace hyperd::web

#endif  // HYPERD_WEB_DASHBOARD_ASSETS_H_
