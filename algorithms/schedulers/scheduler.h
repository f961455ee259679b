// The scheduler interface: how training budget is allocated and when a trial stops early
// (specs/multifidelity.md). Any scheduler combines with any sampler.
//
// A scheduler sees every measurement of the study's open trials as they arrive and answers
// continue or stop. It keeps incremental state (rung tables, per-step statistics) so a decision
// never scans the whole history. Its state is rebuilt after a restart by replaying the stored
// measurements (Record*), which yields the same rung tables and therefore the same future
// decisions. Pure: no clocks, threads or I/O; not thread-safe (the runtime holds the study lock).
//
// Values are on the minimisation scale (the runtime negates maximised objectives). A NaN value
// is a diverged run: it ranks worst (as +inf), it is never "missing".
#ifndef HYPERD_ALGORITHMS_SCHEDULERS_SCHEDULER_H_
#define HYPERD_ALGORITHMS_SCHEDULERS_SCHEDULER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperd::algorithms {

struct SchedulerDecision {
  bool stop = false;
  // Why the trial stops, for people ("below the top 1/3 at rung 2 (step 9) of bracket 0").
  std::string reason;
  // The next step at which a measurement can change the decision (0: none before the end).
  int64_t next_check_step = 0;
};

// One rung of one bracket, for `hyperctl study show` and the study's status.
struct RungSummary {
  int bracket = 0;
  int rung = 0;
  int64_t step = 0;      // resource at which the rung is reached
  int64_t recorded = 0;  // trials recorded at the rung
  int64_t stopped = 0;   // trials stopped by their decision at this rung
};

// How a finished trial ended, as the scheduler needs it (median stopping counts successes and
// leaves failed/infeasible trials out of its reference set).
enum class TrialEnd { kSucceeded, kPruned, kFailed, kInfeasible };

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual absl::string_view name() const = 0;

  // The bracket of a new trial: a pure function of the trial number (and the scheduler's seed),
  // decided once when the trial is created and stored with it. 0 for single-bracket schedulers.
  virtual int AssignBracket(int64_t trial_number) const = 0;

  // A new measurement of an open trial (steps of one trial arrive in increasing order; `bracket`
  // is the trial's stored bracket). Records it and decides.
  virtual SchedulerDecision OnMeasurement(int64_t trial_number, int bracket, int64_t step,
                                          double value) = 0;

  // The trial finished; it stays in the rung tables.
  virtual void OnTrialEnd(int64_t trial_number, TrialEnd end) = 0;

  // Per-rung counts (empty for schedulers without rungs).
  virtual std::vector<RungSummary> Summary() const = 0;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SCHEDULERS_SCHEDULER_H_
