#include "client/cpp/client_id.h"

#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd {
namespace {

TEST(DefaultClientId, IsHostnamePidAndSixteenHexDigits) {
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof(host) - 1), 0);
  const std::vector<std::string> parts = absl::StrSplit(DefaultClientId(), ':');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], host);
  EXPECT_EQ(parts[1], absl::StrCat(getpid()));
  EXPECT_THAT(parts[2], ::testing::MatchesRegex("[0-9a-f]{16}"));
}

TEST(DefaultClientId, IsFreshOnEveryCallAcrossThreads) {
  absl::Mutex mutex;
  std::set<std::string> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        std::string id = DefaultClientId();
        absl::MutexLock lock(&mutex);
        ids.insert(std::move(id));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace hyperd
