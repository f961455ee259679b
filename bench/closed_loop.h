// A closed-loop load generator: N worker threads, each issuing one call at a time, back to back,
// for a fixed duration. The rate it measures is what N synchronous clients (N training jobs)
// get, not an open-loop arrival rate.
//
//   ASSIGN_OR_RETURN(ClosedLoopResult r, RunClosedLoop(workload, {.workers = 32,
//                                                                 .duration = absl::Seconds(3)}));
//   printf("%.0f calls/s, p99 %.2f ms\n", r.Rate(), 1e3 * Percentile(r.latency_seconds, 0.99));
#ifndef HYPERD_BENCH_CLOSED_LOOP_H_
#define HYPERD_BENCH_CLOSED_LOOP_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hyperd::bench {

// What each worker does. Prepare and Call are called concurrently for different workers, never
// for the same worker at once.
class Workload {
 public:
  virtual ~Workload() = default;
  // Untimed set-up of `worker` on its own thread, before the clock starts (e.g. get a trial).
  virtual absl::Status Prepare(int worker) = 0;
  // One timed call; only OK calls are counted, and any error aborts the run.
  virtual absl::Status Call(int worker) = 0;
};

struct ClosedLoopOptions {
  int workers = 1;
  absl::Duration duration = absl::Seconds(1);
  // Run on the calling thread once every worker is prepared, just before the clock starts, and
  // just after every worker has stopped (e.g. to read server counters). An error aborts the run.
  std::function<absl::Status()> before_start;
  std::function<absl::Status()> after_stop;
};

struct ClosedLoopResult {
  int64_t ok_calls = 0;
  // From the start signal until the last worker's last call returned (the calls in flight at the
  // deadline finish and count, so this slightly exceeds the duration).
  absl::Duration elapsed;
  std::vector<double> latency_seconds;  // one per OK call, ascending

  double Rate() const;  // OK calls per second
};

// Runs the workload; returns the first error of Prepare, Call or a hook (prefixed with the worker
// number), after every worker thread has been joined.
absl::StatusOr<ClosedLoopResult> RunClosedLoop(Workload& workload,
                                               const ClosedLoopOptions& options);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_CLOSED_LOOP_H_
