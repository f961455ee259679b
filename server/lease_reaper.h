// A background thread that asks the runtime to end trials whose lease expired, every `interval`.
#ifndef HYPERD_SERVER_LEASE_REAPER_H_
#define HYPERD_SERVER_LEASE_REAPER_H_

#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/runtime.h"

namespace hyperd::server {

class LeaseReaper {
 public:
  // `after_each_pass` (optional) runs after every pass, e.g. to update health.
  LeaseReaper(Runtime* runtime, absl::Duration interval, std::function<void()> after_each_pass);
  // Stops the thread promptly (it waits on a notification, not a sleep).
  ~LeaseReaper();
  LeaseReaper(const LeaseReaper&) = delete;
  LeaseReaper& operator=(const LeaseReaper&) = delete;

 private:
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_LEASE_REAPER_H_
