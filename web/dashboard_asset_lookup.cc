// FindDashboardAsset over the generated table (dashboard_assets.cc in the build directory).
#include "web/dashboard_assets.h"

namespace hyperd::web {

const DashboardAsset* FindDashboardAsset(absl::string_view path) {
  if (path.empty()) path = "index.html";
  // A linear scan: the dashboard is a couple of dozen files.
  for (const DashboardAsset& asset : DashboardAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace hyperd::web
