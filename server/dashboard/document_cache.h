// The last study document built per study, with the study's generation (Runtime::StudyGeneration)
// and revision it was built at. A page load or poll that finds the study at the same generation
// is answered from here without reading the study at all (reading 10,000 trial headers to compute
// the revision costs ~140 ms; the generation is O(1)); one that finds a new generation but the
// same revision (a change the document does not show) reuses the document's bytes. The gzipped
// bytes are kept too, so a document is compressed once, not per request.
#ifndef HYPERD_SERVER_DASHBOARD_DOCUMENT_CACHE_H_
#define HYPERD_SERVER_DASHBOARD_DOCUMENT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace hyperd::server::dashboard {

struct CachedDocument {
  uint64_t generation = 0;
  std::string revision;
  std::shared_ptr<const std::string> document;
  std::shared_ptr<const std::string> gzip;  // the document gzipped, once someone asked; or null
};

// Thread-safe. Holds one document per study and at most kMaxBytes of documents in all (then it
// starts over: it is only a cache).
class DocumentCache {
 public:
  static constexpr size_t kMaxBytes = size_t{64} << 20;

  std::optional<CachedDocument> Find(const std::string& study_id);
  // Replaces the study's entry. A document larger than kMaxBytes is not kept.
  void Put(const std::string& study_id, CachedDocument entry);

 private:
  absl::Mutex mu_;
  std::map<std::string, CachedDocument> entries_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_DOCUMENT_CACHE_H_
