// ProcessCpuTime: how much CPU another process has used, to put a server's cost per call next to
// the client's.
#ifndef HYPERD_BENCH_PROCESS_CPU_TIME_H_
#define HYPERD_BENCH_PROCESS_CPU_TIME_H_

#include <sys/types.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hyperd::bench {

// User + system CPU time the process has used so far (from /proc/PID/stat, 10 ms resolution).
// NOT_FOUND if the process does not exist or its stat file is malformed.
absl::StatusOr<absl::Duration> ProcessCpuTime(pid_t pid);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_PROCESS_CPU_TIME_H_
