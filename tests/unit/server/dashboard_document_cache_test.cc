#include "server/dashboard/document_cache.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace hyperd::server::dashboard {
namespace {

CachedDocument Document(uint64_t generation, const std::string& revision, size_t size = 8) {
  return CachedDocument{generation, revision, std::make_shared<const std::string>(size, 'x'),
                        /*gzip=*/nullptr};
}

TEST(DocumentCacheTest, KeepsTheLastDocumentPerStudy) {
  DocumentCache cache;
  EXPECT_FALSE(cache.Find("s1").has_value());
  cache.Put("s1", Document(1, "r1"));
  cache.Put("s2", Document(2, "r2"));
  cache.Put("s1", Document(3, "r3"));
  const std::optional<CachedDocument> s1 = cache.Find("s1");
  ASSERT_TRUE(s1.has_value());
  EXPECT_EQ(s1->generation, 3);
  EXPECT_EQ(s1->revision, "r3");
  ASSERT_TRUE(cache.Find("s2").has_value());
  EXPECT_EQ(cache.Find("s2")->revision, "r2");
}

TEST(DocumentCacheTest, StartsOverPastItsByteLimit) {
  DocumentCache cache;
  const size_t half = DocumentCache::kMaxBytes / 2 + 1;
  cache.Put("a", Document(1, "r", half));
  cache.Put("b", Document(2, "r", half));  // a and b together exceed the limit: a is dropped
  EXPECT_FALSE(cache.Find("a").has_value());
  EXPECT_TRUE(cache.Find("b").has_value());
  cache.Put("b", Document(3, "r", half));  // replacing b frees its old bytes first
  EXPECT_TRUE(cache.Find("b").has_value());
}

TEST(DocumentCacheTest, CountsTheGzippedBytesToo) {
  DocumentCache cache;
  CachedDocument both = Document(1, "r", DocumentCache::kMaxBytes / 2);
  both.gzip = std::make_shared<const std::string>(DocumentCache::kMaxBytes / 2 + 1, 'z');
  cache.Put("s", both);  // document and gzip together exceed the limit
  EXPECT_FALSE(cache.Find("s").has_value());
}

TEST(DocumentCacheTest, ADocumentLargerThanTheLimitIsNotKept) {
  DocumentCache cache;
  cache.Put("s", Document(1, "r"));
  cache.Put("s", Document(2, "r", DocumentCache::kMaxBytes + 1));
  EXPECT_FALSE(cache.Find("s").has_value());
}

}  // namespace
}  // namespace hyperd::server::dashboard
