// The embedded dashboard is complete and self-contained: index.html is served for "", every file it
// references is embedded, the bundle holds exactly the modules web/CMakeLists.txt lists (and uPlot)
// and imports nothing, and nothing is loaded from another host.
#include "web/dashboard_assets.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::web {
namespace {

bool IsVendor(const DashboardAsset& asset) { return absl::StartsWith(asset.path, "vendor/"); }
bool IsBundle(const DashboardAsset& asset) { return asset.path == "dashboard.js"; }

const DashboardAsset& Bundle() {
  const DashboardAsset* bundle = FindDashboardAsset("dashboard.js");
  if (bundle == nullptr) {
    ADD_FAILURE() << "dashboard.js is not embedded";
    static const DashboardAsset kNone{"", "", ""};
    return kNone;
  }
  return *bundle;
}

// Every match of group 1 of `pattern` in `text`.
std::vector<std::string> Captures(absl::string_view text, const std::regex& pattern) {
  std::vector<std::string> out;
  const std::string subject(text);
  for (auto it = std::sregex_iterator(subject.begin(), subject.end(), pattern); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

TEST(DashboardAssets, ServesIndexHtmlForTheEmptyPath) {
  const DashboardAsset* index = FindDashboardAsset("");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->path, "index.html");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_THAT(std::string(index->body), ::testing::HasSubstr("<script type=\"module\" src=\"dashboard.js\">"));
  EXPECT_EQ(FindDashboardAsset("index.html"), index);
}

TEST(DashboardAssets, FindsOnlyExactPaths) {
  EXPECT_NE(FindDashboardAsset("dashboard.js"), nullptr);
  EXPECT_EQ(FindDashboardAsset("/dashboard.js"), nullptr);
  EXPECT_EQ(FindDashboardAsset("../dashboard.js"), nullptr);
  EXPECT_EQ(FindDashboardAsset("dashboard.js?x=1"), nullptr);
  EXPECT_EQ(FindDashboardAsset("app.js"), nullptr) << "modules are served only inside the bundle";
  EXPECT_EQ(FindDashboardAsset("missing.js"), nullptr);
}

TEST(DashboardAssets, BundlesUplotFromTheNpmBuild) {
  EXPECT_EQ(Bundle().content_type, "text/javascript; charset=utf-8");
  EXPECT_THAT(std::string(Bundle().body), ::testing::HasSubstr("node_modules/uplot/dist/uPlot.esm.js"));
  EXPECT_THAT(std::string(Bundle().body), ::testing::HasSubstr("function uPlot("));
  const DashboardAsset* css = FindDashboardAsset("vendor/uPlot.min.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_THAT(std::string(css->body), ::testing::HasSubstr(".uplot"));
}

TEST(DashboardAssets, EveryAssetHasABodyAndAKnownContentType) {
  ASSERT_GE(DashboardAssets().size(), 5u);
  for (const DashboardAsset& asset : DashboardAssets()) {
    SCOPED_TRACE(std::string(asset.path));
    EXPECT_FALSE(asset.body.empty());
    if (absl::EndsWith(asset.path, ".js")) {
      EXPECT_EQ(asset.content_type, "text/javascript; charset=utf-8");
    }
    if (absl::EndsWith(asset.path, ".css")) {
      EXPECT_EQ(asset.content_type, "text/css; charset=utf-8");
    }
    if (absl::EndsWith(asset.path, ".html")) {
      EXPECT_EQ(asset.content_type, "text/html; charset=utf-8");
    }
    EXPECT_EQ(FindDashboardAsset(asset.path), &asset) << "paths must be unique";
  }
}

TEST(DashboardAssets, EmbedsEachPageFileByteForByte) {
  int compared = 0;
  for (const DashboardAsset& asset : DashboardAssets()) {
    if (IsVendor(asset) || IsBundle(asset)) continue;
    const std::string path = std::string(HYPERD_WEB_SOURCE_DIR) + "/" + std::string(asset.path);
    std::ifstream file(path, std::ios::binary);
    ASSERT_TRUE(file.good()) << "cannot read " << path;
    std::ostringstream content;
    content << file.rdbuf();
    EXPECT_EQ(asset.body, content.str()) << asset.path << " differs from " << path;
    ++compared;
  }
  EXPECT_EQ(compared, 3) << "index.html, style.css and early_fetch.js";
}

TEST(DashboardAssets, EveryFileIndexHtmlReferencesIsEmbedded) {
  const DashboardAsset* index = FindDashboardAsset("index.html");
  ASSERT_NE(index, nullptr);
  const std::regex reference(R"re((?:src|href)="([^"#][^"]*)")re");
  const std::vector<std::string> references = Captures(index->body, reference);
  EXPECT_THAT(references, ::testing::IsSupersetOf({"early_fetch.js", "dashboard.js", "style.css",
                                                   "vendor/uPlot.min.css"}));
  for (const std::string& path : references) {
    if (absl::StartsWith(path, "data:")) continue;  // inline (the empty favicon)
    // index.html is at the root, so its references are asset paths as they are.
    EXPECT_NE(FindDashboardAsset(path), nullptr) << "index.html references " << path;
  }
}

// esbuild starts each module's code (or each piece of it) with a "// <path>" line relative to
// web/src; a module missing from HYPERD_DASHBOARD_MODULES would be bundled but not rebuilt when it
// changes.
TEST(DashboardAssets, TheBundleHoldsExactlyTheListedModules) {
  const std::regex module_comment(R"re((?:^|\n)// ((?:[a-z_]+/)*[a-z_]+\.js)\n)re");
  const std::vector<std::string> comments = Captures(Bundle().body, module_comment);
  const std::set<std::string> bundled(comments.begin(), comments.end());
  const std::vector<std::string> list = absl::StrSplit(HYPERD_WEB_MODULES, '|');
  const std::set<std::string> listed(list.begin(), list.end());
  EXPECT_EQ(bundled, listed);
}

TEST(DashboardAssets, TheBundleImportsNothing) {
  const std::regex import_from(R"re((?:\bfrom\s+|\bimport\()["']([^"']+)["'])re");
  EXPECT_THAT(Captures(Bundle().body, import_from), ::testing::IsEmpty());
}

TEST(DashboardAssets, OurOwnFilesNameNoOtherHost) {
  for (const DashboardAsset& asset : DashboardAssets()) {
    if (IsVendor(asset)) continue;
    EXPECT_FALSE(absl::StrContains(asset.body, "http://")) << asset.path;
    EXPECT_FALSE(absl::StrContains(asset.body, "https://")) << asset.path;
    EXPECT_FALSE(absl::StrContains(asset.body, "//cdn")) << asset.path;
  }
}

TEST(DashboardAssets, VendorFilesLoadNothingRemote) {
  const std::regex remote(R"re((?:src\s*=\s*["']?|import\s*\(?\s*["']|url\(\s*["']?|@import\s+["']?)(?:https?:)?//)re",
                          std::regex::icase);
  for (const DashboardAsset& asset : DashboardAssets()) {
    if (!IsVendor(asset)) continue;
    EXPECT_FALSE(std::regex_search(std::string(asset.body), remote)) << asset.path;
  }
}

}  // namespace
}  // namespace hyperd::web
