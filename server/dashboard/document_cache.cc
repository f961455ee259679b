#include "server/dashboard/document_cache.h"

#include <utility>

namespace hyperd::server::dashboard {
namespace {

size_t SizeOf(const CachedDocument& entry) {
  return entry.document->size() + (entry.gzip != nullptr ? entry.gzip->size() : 0);
}

}  // namespace

std::optional<CachedDocument> DocumentCache::Find(const std::string& study_id) {
  absl::MutexLock lock(&mu_);
  const auto it = entries_.find(study_id);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void DocumentCache::Put(const std::string& study_id, CachedDocument entry) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(study_id);
  if (it != entries_.end()) {
    bytes_ -= SizeOf(it->second);
    entries_.erase(it);
  }
  const size_t size = SizeOf(entry);
  if (size > kMaxBytes) return;
  if (bytes_ + size > kMaxBytes) {
    entries_.clear();
    bytes_ = 0;
  }
  bytes_ += size;
  entries_.emplace(study_id, std::move(entry));
}

}  // namespace hyperd::server::dashboard
