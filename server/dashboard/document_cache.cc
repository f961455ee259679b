#include "server/dashboard/document_cache.h"

#include <utility>

namespace hyperd::server::dashboard {

std::shared_ptr<const std::string> DocumentCache::Get(const std::string& study_id,
                                                      const std::string& revision,
                                                      const std::function<std::string()>& build) {
  {
    absl::MutexLock lock(&mu_);
    const auto it = entries_.find(study_id);
    if (it != entries_.end() && it->second.revision == revision) return it->second.document;
  }
  auto document = std::make_shared<const std::string>(build());
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(study_id);
  if (it != entries_.end()) {
    bytes_ -= it->second.document->size();
    entries_.erase(it);
  }
  if (bytes_ + document->size() > kMaxBytes) {
    entries_.clear();
    bytes_ = 0;
  }
  if (document->size() <= kMaxBytes) {
    bytes_ += document->size();
    entries_.emplace(study_id, Entry{revision, document});
  }
  return document;
}

}  // namespace hyperd::server::dashboard
