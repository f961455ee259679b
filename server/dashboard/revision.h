// Document revisions: the dashboard's ETags. A revision is a 64-bit FNV-1a hash (stable across
// processes and builds, unlike absl::Hash) of what a document is built from, printed as 16 hex
// digits. Two reads give the same revision iff the hashed data is the same (up to collisions).
//
// What each revision covers (so it changes whenever anything in the study changes):
// - study documents: the study message (state, reason, limits, description, trial counts, rungs,
//   sampler status; deterministic serialization) and, per trial, its number, state, reason, the
//   length of its curve and the curve's last step and value, objective value, stopped_at_step, end
//   time, schedule and bandit pull: so a new trial, a state change, a measurement or a study
//   change all move it. Lease renewals (heartbeats) do not: the study document shows no leases.
// - trial documents: the whole trial message (leases included: the page shows them) and the
//   study's state.
#ifndef HYPERD_SERVER_DASHBOARD_REVISION_H_
#define HYPERD_SERVER_DASHBOARD_REVISION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/dashboard/study_snapshot.h"

namespace hyperd::server::dashboard {

// FNV-1a, 64 bits (Fowler, Noll, Vo; the IETF draft's offset basis and prime).
class Fnv1a {
 public:
  void Bytes(absl::string_view bytes);
  void Int(int64_t value);
  void Double(double value);
  // The message's deterministic serialization (map entries sorted).
  void Message(const google::protobuf::Message& message);
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 14695981039346656037ULL;
};

// 16 lowercase hex digits.
std::string RevisionString(uint64_t hash);

// `trials` are headers (their measurements are in `curves`, one per trial).
std::string StudyRevision(const hyperd::v1::Study& study,
                          const std::vector<hyperd::v1::Trial>& trials,
                          const std::vector<std::shared_ptr<const Curve>>& curves);
std::string TrialRevision(const hyperd::v1::Study& study, const hyperd::v1::Trial& trial);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_REVISION_H_
