// The embedded dashboard is complete and self-contained: index.html is served for "", every file it
// (or any of our modules) references is embedded, and nothing is loaded from another host.
#include "web/dashboard_assets.h"

#include <fstream>
#include <regex>
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

std::string DirectoryOf(absl::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? "" : std::string(path.substr(0, slash + 1));
}

// Resolves "./x.js", "../x.js" and "x.js" against the directory of `from` (asset paths).
std::string Resolve(absl::string_view from, absl::string_view reference) {
  std::vector<std::string> parts = absl::StrSplit(DirectoryOf(from), '/', absl::SkipEmpty());
  for (absl::string_view part : absl::StrSplit(reference, '/')) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "/") + part;
  return out;
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
  EXPECT_THAT(std::string(index->body), ::testing::HasSubstr("<script type=\"module\" src=\"app.js\">"));
  EXPECT_EQ(FindDashboardAsset("index.html"), index);
}

TEST(DashboardAssets, FindsOnlyExactPaths) {
  EXPECT_NE(FindDashboardAsset("app.js"), nullptr);
  EXPECT_EQ(FindDashboardAsset("/app.js"), nullptr);
  EXPECT_EQ(FindDashboardAsset("../app.js"), nullptr);
  EXPECT_EQ(FindDashboardAsset("app.js?x=1"), nullptr);
  EXPECT_EQ(FindDashboardAsset("missing.js"), nullptr);
}

TEST(DashboardAssets, EmbedsUplotFromTheNpmBuild) {
  const DashboardAsset* script = FindDashboardAsset("vendor/uPlot.iife.min.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_THAT(std::string(script->body), ::testing::HasSubstr("var uPlot="));
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

TEST(DashboardAssets, EmbedsEachSourceFileByteForByte) {
  int compared = 0;
  for (const DashboardAsset& asset : DashboardAssets()) {
    if (IsVendor(asset)) continue;
    const std::string path = std::string(HYPERD_WEB_SOURCE_DIR) + "/" + std::string(asset.path);
    std::ifstream file(path, std::ios::binary);
    ASSERT_TRUE(file.good()) << "cannot read " << path;
    std::ostringstream content;
    content << file.rdbuf();
    EXPECT_EQ(asset.body, content.str()) << asset.path << " differs from " << path;
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

TEST(DashboardAssets, EveryFileIndexHtmlReferencesIsEmbedded) {
  const DashboardAsset* index = FindDashboardAsset("index.html");
  ASSERT_NE(index, nullptr);
  const std::regex reference(R"re((?:src|href)="([^"#][^"]*)")re");
  const std::vector<std::string> references = Captures(index->body, reference);
  EXPECT_THAT(references, ::testing::IsSupersetOf({"app.js", "style.css", "vendor/uPlot.iife.min.js",
                                                   "vendor/uPlot.min.css"}));
  for (const std::string& path : references) {
    if (absl::StartsWith(path, "data:")) continue;  // inline (the empty favicon)
    EXPECT_NE(FindDashboardAsset(Resolve("index.html", path)), nullptr) << "index.html references " << path;
  }
}

TEST(DashboardAssets, EveryModuleImportResolvesToAnEmbeddedFile) {
  const std::regex import_from(R"re((?:\bfrom\s+|\bimport\()'([^']+)')re");
  int imports = 0;
  for (const DashboardAsset& asset : DashboardAssets()) {
    if (IsVendor(asset) || !absl::EndsWith(asset.path, ".js")) continue;
    for (const std::string& target : Captures(asset.body, import_from)) {
      ++imports;
      EXPECT_TRUE(absl::StartsWith(target, "./") || absl::StartsWith(target, "../"))
          << asset.path << " imports " << target << ": only relative imports of our own modules work";
      EXPECT_NE(FindDashboardAsset(Resolve(asset.path, target)), nullptr) << asset.path << " imports " << target;
    }
  }
  EXPECT_GT(imports, 10);
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
