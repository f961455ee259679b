#include "server/lease_reaper.h"

#include <utility>

namespace hyperd::server {

LeaseReaper::LeaseReaper(Runtime* runtime, absl::Duration interval,
                         std::function<void()> after_each_pass)
    : thread_([this, runtime, interval, after = std::move(after_each_pass)] {
        while (!stop_.WaitForNotificationWithTimeout(interval)) {
          runtime->ReapExpiredLeases();
          if (after) after();
        }
      }) {}

LeaseReaper::~LeaseReaper() {
  stop_.Notify();
  thread_.join();
}

}  // namespace hyperd::server
