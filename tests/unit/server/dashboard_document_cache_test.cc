#include "server/dashboard/document_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace hyperd::server::dashboard {
namespace {

TEST(DocumentCacheTest, BuildsOncePerStudyRevision) {
  DocumentCache cache;
  int builds = 0;
  const auto build = [&] {
    ++builds;
    return std::string("document ") + std::to_string(builds);
  };
  EXPECT_EQ(*cache.Get("s1", "r1", build), "document 1");
  EXPECT_EQ(*cache.Get("s1", "r1", build), "document 1");
  EXPECT_EQ(builds, 1);
  // Another study has its own entry; a new revision replaces the study's document.
  EXPECT_EQ(*cache.Get("s2", "r1", build), "document 2");
  EXPECT_EQ(*cache.Get("s1", "r2", build), "document 3");
  EXPECT_EQ(*cache.Get("s1", "r2", build), "document 3");
  EXPECT_EQ(*cache.Get("s2", "r1", build), "document 2");
  EXPECT_EQ(builds, 3);
  // Going back to an old revision (a study deleted and created again) builds it again.
  EXPECT_EQ(*cache.Get("s1", "r1", build), "document 4");
}

TEST(DocumentCacheTest, StartsOverPastItsByteLimit) {
  DocumentCache cache;
  int builds = 0;
  const size_t half = DocumentCache::kMaxBytes / 2 + 1;
  const auto big = [&] {
    ++builds;
    return std::string(half, 'x');
  };
  cache.Get("a", "r", big);
  cache.Get("b", "r", big);  // a and b together exceed the limit: a is dropped
  EXPECT_EQ(builds, 2);
  cache.Get("b", "r", big);
  EXPECT_EQ(builds, 2);
  cache.Get("a", "r", big);
  EXPECT_EQ(builds, 3);
}

TEST(DocumentCacheTest, ADocumentLargerThanTheLimitIsServedButNotKept) {
  DocumentCache cache;
  int builds = 0;
  const auto huge = [&] {
    ++builds;
    return std::string(DocumentCache::kMaxBytes + 1, 'x');
  };
  EXPECT_EQ(cache.Get("s", "r", huge)->size(), DocumentCache::kMaxBytes + 1);
  cache.Get("s", "r", huge);
  EXPECT_EQ(builds, 2);
}

}  // namespace
}  // namespace hyperd::server::dashboard
