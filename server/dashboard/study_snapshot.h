// One read of a study for the dashboard, through server::Runtime's public methods only (GetStudy,
// ListTrials in pages of kMaxPageSize, GetTrial, ListOptimalTrials, ListArms): the study, every
// trial's header (no measurements), each trial's objective curve, the best trial and, for bandit
// studies, the arms.
//
// Copying every measurement of a big study out of the runtime on every 2-second poll would cost
// more than the rest of the document together (10,000 trials x 20 measurements: ~300 ms to copy
// and free), so the reader keeps the curves of finished trials, which never change: a finished
// trial's measurements are final (the runtime accepts reports only for open trials). Each poll
// reads the headers (skip_measurements) and fetches measurements only for trials that are open or
// new since the last read (one GetTrial each, or ListTrials pages when there are many).
// Pages are read one after another, so a trial may change between pages; the next poll shows it.
#ifndef HYPERD_SERVER_DASHBOARD_STUDY_SNAPSHOT_H_
#define HYPERD_SERVER_DASHBOARD_STUDY_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/runtime.h"

namespace hyperd::server::dashboard {

// A trial's objective metric by measurement, in step order.
struct Curve {
  std::vector<int64_t> steps;
  std::vector<double> values;
};

// The curve of `trial`'s measurements of `metric` (every measurement holds the objective), ended
// by its final measurement when that is at a later step than the last report.
Curve CurveOf(const hyperd::v1::Trial& trial, const std::string& metric);

struct StudySnapshot {
  std::string study_id;
  hyperd::v1::Study study;
  std::vector<hyperd::v1::Trial> trials;             // by number, without measurements
  std::vector<std::shared_ptr<const Curve>> curves;  // one per trial
  // The best SUCCEEDED trial (Runtime::ListOptimalTrials), if any.
  std::optional<hyperd::v1::Trial> best;
  // Bandit studies only; every arm.
  std::optional<hyperd::v1::ListArmsResponse> arms;
  std::string revision;  // StudyRevision(study, trials, curves)
};

// Thread-safe. Keeps the finished trials' curves of at most kMaxStudies studies.
class StudyReader {
 public:
  static constexpr size_t kMaxStudies = 64;

  // NOT_FOUND when the study does not exist (the runtime's message).
  absl::StatusOr<StudySnapshot> Read(Runtime& runtime, absl::string_view study_id);

 private:
  // A finished trial's curve and what identifies that trial (a study deleted and created again
  // under the same id has new trials under the same numbers).
  struct FinishedCurve {
    hyperd::v1::Trial::State state = hyperd::v1::Trial::STATE_UNSPECIFIED;
    int64_t create_nanos = 0;
    int64_t end_nanos = 0;
    std::shared_ptr<const Curve> curve;
  };
  using StudyCurves = std::map<int64_t, FinishedCurve>;

  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const StudyCurves>> studies_ ABSL_GUARDED_BY(mu_);
};

// The best SUCCEEDED trial of a study, if any (Runtime::ListOptimalTrials).
absl::StatusOr<std::optional<hyperd::v1::Trial>> ReadBestTrial(Runtime& runtime,
                                                               absl::string_view study_id);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_STUDY_SNAPSHOT_H_
