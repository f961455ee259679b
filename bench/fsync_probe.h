// Measures how long the disk under a directory takes to make a small append durable
// (write 4 KiB + fdatasync), the floor under every --durability=full commit.
//
//   ASSIGN_OR_RETURN(std::vector<double> seconds, MeasureFdatasync("/tmp", 100));
#ifndef HYPERD_BENCH_FSYNC_PROBE_H_
#define HYPERD_BENCH_FSYNC_PROBE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hyperd::bench {

// Appends 4 KiB and calls fdatasync `count` times on a temporary file in `dir` (removed after);
// returns each fdatasync's duration in seconds, ascending. FAILED_PRECONDITION if the file
// cannot be created or written.
absl::StatusOr<std::vector<double>> MeasureFdatasync(const std::string& dir, int count);

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_FSYNC_PROBE_H_
