// The last study document built per study, by revision. A study document is a pure function of the
// study's snapshot, and the revision hashes the snapshot, so a page load or poll that finds the
// revision it was built for is answered without building it again: the second browser tab, the
// next viewer, every reload of a finished study (building costs 100-200 ms for 10,000 trials;
// reading the snapshot for the revision is still paid).
#ifndef HYPERD_SERVER_DASHBOARD_DOCUMENT_CACHE_H_
#define HYPERD_SERVER_DASHBOARD_DOCUMENT_CACHE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace hyperd::server::dashboard {

// Thread-safe. Holds one document per study and at most kMaxBytes of documents in all (then it
// starts over: it is only a cache).
class DocumentCache {
 public:
  static constexpr size_t kMaxBytes = size_t{64} << 20;

  // `study_id`'s document at `revision`: the cached one, or build() (called outside the lock,
  // so two concurrent first requests may both build it) kept for the next request.
  std::shared_ptr<const std::string> Get(const std::string& study_id, const std::string& revision,
                                         const std::function<std::string()>& build);

 private:
  struct Entry {
    std::string revision;
    std::shared_ptr<const std::string> document;
  };
  absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_DOCUMENT_CACHE_H_
