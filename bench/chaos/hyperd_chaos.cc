// hyperd_chaos: SIGKILL/restart soak of the real hyperd binary (bench/chaos/chaos_run.h). Workers
// run trial lifecycles with retries while hyperd is killed at seeded pseudo-random moments and
// restarted on the same data directory; then every acknowledged write is looked up on the server.
// Prints the counts checked and exits 1 unless nothing was lost, duplicated or left as a zombie
// and the server's RSS stayed under the bound.
//
//   hyperd_chaos --cycles=20                      # docs/benchmarks.md "Chaos: SIGKILL/restart"
//   hyperd_chaos --cycles=20 --durability=normal --seed=7
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "bench/chaos/chaos_run.h"

#ifndef HYPERD_BINARY
#define HYPERD_BINARY "hyperd"
#endif

ABSL_FLAG(std::string, hyperd_binary, HYPERD_BINARY, "Path of the hyperd executable to start.");
ABSL_FLAG(std::string, durability, "full", "hyperd --durability: full or normal.");
ABSL_FLAG(int, cycles, 20, "SIGKILL/restart cycles.");
ABSL_FLAG(int, workers, 8, "Concurrent workers running trial lifecycles.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the kill schedule and of the study.");
ABSL_FLAG(int, min_writes, 200, "Fewest acknowledged writes between a restart and the next kill.");
ABSL_FLAG(int, max_writes, 1000, "Most acknowledged writes between a restart and the next kill.");
ABSL_FLAG(int, steps, 5, "Measurements per trial.");
ABSL_FLAG(int, abandon_every, 4, "Abandon every n-th trial of a worker after one report (0: never).");
ABSL_FLAG(absl::Duration, lease, absl::Seconds(3), "The study's lease duration.");
ABSL_FLAG(absl::Duration, reaper_interval, absl::Milliseconds(200), "hyperd --reaper-interval.");
ABSL_FLAG(int, max_rss_mib, 512, "Bound of hyperd's VmRSS, checked before every kill and at the end.");
ABSL_FLAG(std::string, work_dir, "", "Parent of the temporary data directory; default $TMPDIR or /tmp.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("SIGKILL/restart soak of hyperd; see docs/benchmarks.md.");
  absl::ParseCommandLine(argc, argv);
  hyperd::chaos::ChaosOptions options;
  options.hyperd_binary = absl::GetFlag(FLAGS_hyperd_binary);
  options.temp_root = absl::GetFlag(FLAGS_work_dir);
  options.durability = absl::GetFlag(FLAGS_durability);
  options.workers = absl::GetFlag(FLAGS_workers);
  options.cycles = absl::GetFlag(FLAGS_cycles);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.min_writes_between_kills = absl::GetFlag(FLAGS_min_writes);
  options.max_writes_between_kills = absl::GetFlag(FLAGS_max_writes);
  options.steps_per_trial = absl::GetFlag(FLAGS_steps);
  options.abandon_every = absl::GetFlag(FLAGS_abandon_every);
  options.lease = absl::GetFlag(FLAGS_lease);
  options.reaper_interval = absl::GetFlag(FLAGS_reaper_interval);
  options.max_rss_bytes = int64_t{absl::GetFlag(FLAGS_max_rss_mib)} << 20;
  options.log = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  std::printf("hyperd_chaos: %d cycles, %d workers, durability=%s, seed %llu, kill after %d-%d "
              "writes\n",
              options.cycles, options.workers, options.durability.c_str(),
              static_cast<unsigned long long>(options.seed), options.min_writes_between_kills,
              options.max_writes_between_kills);
  auto report = hyperd::chaos::RunChaos(options);
  if (!report.ok()) {
    std::fprintf(stderr, "hyperd_chaos: %s\n", report.status().ToString().c_str());
    return 2;
  }
  std::printf("%s", report->Summary().c_str());
  return report->Clean() ? 0 : 1;
}
