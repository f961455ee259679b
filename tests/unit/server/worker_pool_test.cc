#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/notification.h"

namespace hyperd::server {
namespace {

TEST(WorkerPool, RunsEveryQueuedTaskBeforeItIsDestroyed) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2, 1000);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(pool.Submit([&] { ++ran; }).ok());
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPool, RefusesTasksBeyondItsQueueBound) {
  absl::Notification release;
  WorkerPool pool(1, 1);
  absl::Notification started;
  ASSERT_TRUE(pool.Submit([&] {
                    started.Notify();
                    release.WaitForNotification();
                  })
                  .ok());
  started.WaitForNotification();  // the single thread is busy; the queue is empty
  ASSERT_TRUE(pool.Submit([] {}).ok());
  EXPECT_EQ(pool.QueueDepth(), 1u);
  absl::Status full = pool.Submit([] {});
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  release.Notify();
}

}  // namespace
}  // namespace hyperd::server
