#include "storage/trial_store.h"

#include "absl/synchronization/notification.h"

namespace hyperd::storage {

absl::Status TrialStore::CommitAndWait(WriteBatch batch) {
  absl::Notification done;
  absl::Status result;
  Commit(std::move(batch), [&](absl::Status status) {
    result = std::move(status);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

}  // namespace hyperd::storage
