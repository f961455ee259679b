// Parameter importance of a study for the dashboard: the finished trials' parameters and
// objective values, encoded for algorithms::PermutationImportance (permutation importance on a
// random forest, Breiman 2001), and a small cache so 2-second polling does not refit the forest.
//
// Encoding (one "importance row" per trial): numeric values as they are, log-scaled parameters as
// log10(value) (the scale the sampler searches); categorical values as their index in the spec's
// value list; an inactive conditional parameter as NaN. Rows: SUCCEEDED trials and PRUNED trials
// with a finite objective value (the pruned value is the last measurement's); the target is the
// objective value.
#ifndef HYPERD_SERVER_DASHBOARD_STUDY_IMPORTANCE_H_
#define HYPERD_SERVER_DASHBOARD_STUDY_IMPORTANCE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::server::dashboard {

inline constexpr int kMinImportanceTrials = 8;
inline constexpr char kImportanceMethod[] =
    "permutation importance on a random forest (Breiman 2001)";

struct StudyImportance {
  bool available = false;
  std::string reason;  // why it is not available
  int trials_used = 0;
  // (parameter name, importance), by decreasing importance (ties: space order).
  std::vector<std::pair<std::string, double>> params;
};

// Needs at least 2 parameters and kMinImportanceTrials finished trials with a finite objective.
StudyImportance ComputeStudyImportance(const hyperd::v1::Study& study,
                                       const std::vector<hyperd::v1::Trial>& trials);

// The last result per study, so 2-second polling does not refit the forest (a fit over 10,000
// trials costs a few hundred ms). A result is reused while its input (the importance rows, see
// the file comment) is the same; and in a study with at least kLargeStudyRows rows, until the rows
// have grown by kRefitGrowth (importance over thousands of trials moves slowly, while trials finish
// every few seconds). trials_used says which rows a result is from. Thread-safe. Holds at most
// kMaxEntries studies (then it starts over: it is only a cache).
class ImportanceCache {
 public:
  static constexpr size_t kMaxEntries = 256;
  static constexpr size_t kLargeStudyRows = 1000;
  static constexpr double kRefitGrowth = 0.05;

  std::shared_ptr<const StudyImportance> Get(const std::string& study_id,
                                             const hyperd::v1::Study& study,
                                             const std::vector<hyperd::v1::Trial>& trials);

 private:
  struct Entry {
    uint64_t input_hash = 0;
    uint64_t space_hash = 0;
    size_t rows = 0;
    std::shared_ptr<const StudyImportance> result;
  };
  absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_STUDY_IMPORTANCE_H_
