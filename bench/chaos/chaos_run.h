// RunChaos: SIGKILL/restart cycles of the real hyperd binary under concurrent trial lifecycles,
// then a check that nothing acknowledged was lost. Shared by the e2e test
// (tests/e2e/chaos_test.cc, a few cycles) and the benchmark (bench/chaos, hyperd_chaos).
//
//   ChaosOptions options;
//   options.hyperd_binary = HYPERD_BINARY;
//   options.cycles = 5;
//   ASSIGN_OR_RETURN(ChaosReport report, RunChaos(options));
//   if (!report.Clean()) ... report.Summary() names every finding ...
//
// What happens: hyperd starts on a fresh data directory (port 0; every restart listens on the
// same port again, so the clients only retry). `workers` threads, each with its own
// hyperd::Client, loop SuggestTrials -> steps_per_trial x ReportMeasurement -> CompleteTrial,
// retrying calls that fail with UNAVAILABLE or DEADLINE_EXCEEDED (the server is down) and
// recording every OK reply in an AckLedger. Every abandon_every-th trial of a worker is abandoned
// after its first report (the job "dies"; the worker continues under a new client id), so the
// lease reaper has work. The driver SIGKILLs the server after a seeded pseudo-random number of
// acknowledged writes (uniform in [min_writes_between_kills, max_writes_between_kills], counted
// since the last restart, so the schedule does not depend on timing), records its VmRSS just
// before, and restarts it on the same data directory; `cycles` times. Then the workers stop
// (mid-trial: more abandoned trials), the driver waits for the reaper to fail every open trial
// (polling, bounded by lease + reaper intervals) and checks the ledger against ListTrials.
//
// Not thread-safe; one run at a time per data directory. The run takes roughly
// cycles * (restart time + max_writes_between_kills / write rate) plus one lease.
#ifndef HYPERD_BENCH_CHAOS_CHAOS_RUN_H_
#define HYPERD_BENCH_CHAOS_CHAOS_RUN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/chaos/ack_ledger.h"

namespace hyperd::chaos {

struct ChaosOptions {
  // Path of the hyperd executable.
  std::string hyperd_binary;
  // Parent of the temporary work and data directory (its disk takes the fsyncs); empty: $TMPDIR
  // or /tmp.
  std::string temp_root;
  // hyperd --durability: "full" or "normal".
  std::string durability = "full";
  int workers = 8;
  int cycles = 5;
  uint64_t seed = 1;
  int min_writes_between_kills = 100;
  int max_writes_between_kills = 400;
  int steps_per_trial = 5;
  // 0: never abandon on purpose (the trials open when the workers stop are still abandoned).
  int abandon_every = 4;
  // The study's lease and hyperd's --reaper-interval: short, so the final reaping is quick. A
  // restart renews every open lease, so the lease only has to outlast a worker's pause between
  // two reports, not the server's downtime.
  absl::Duration lease = absl::Seconds(3);
  absl::Duration reaper_interval = absl::Milliseconds(200);
  // The server's VmRSS must stay at or below this, before every kill and at the end.
  int64_t max_rss_bytes = int64_t{512} << 20;
  // Longest wait for the writes of one cycle; the run fails (no progress) beyond it.
  absl::Duration cycle_timeout = absl::Seconds(60);
  // Progress lines (one per cycle), or nothing when null. Called on the driver's thread.
  std::function<void(const std::string&)> log;
};

struct CycleFigures {
  int cycle = 0;                 // from 1
  int64_t writes_target = 0;     // acknowledged writes since the restart before this kill
  int64_t writes_total = 0;      // acknowledged writes at the kill
  int64_t rss_bytes = 0;         // hyperd's VmRSS just before the SIGKILL
  absl::Duration restart_time;   // from the SIGKILL until the restarted server listened
};

struct ChaosReport {
  std::vector<CycleFigures> cycles;
  int64_t final_rss_bytes = 0;  // after the last restart, once the workers stopped
  // Client side.
  int64_t writes = 0;
  int64_t trials_handed_out = 0;
  int64_t measurements_acknowledged = 0;
  int64_t completions_acknowledged = 0;
  int64_t completions_after_lost_reply = 0;
  int64_t duplicate_replies = 0;
  int64_t trials_abandoned = 0;   // on purpose, plus those open when the workers stopped
  int64_t leases_lost = 0;        // a worker found its trial failed by the reaper (too slow)
  int64_t retries = 0;            // calls retried because the server was down
  std::vector<std::string> worker_errors;
  // Server side.
  int64_t trials_on_server = 0;
  int64_t trials_reaped = 0;      // FAILED because their lease expired
  int64_t zombies = 0;            // still ACTIVE or STOPPING past lease + reaper intervals
  LedgerCheck check;
  bool rss_bounded = true;        // every RSS figure <= max_rss_bytes
  int64_t max_rss_bytes = 0;
  absl::Duration elapsed;

  // No lost write, no duplicate, no zombie, no worker error, RSS bounded.
  bool Clean() const;
  // Multi-line: the counts checked and every finding.
  std::string Summary() const;
};

// Errors are failures of the harness itself (hyperd does not start, no progress within
// cycle_timeout, a bad option); what the server did wrong is in the report.
absl::StatusOr<ChaosReport> RunChaos(const ChaosOptions& options);

// VmRSS of process `pid` in bytes, from /proc/<pid>/status.
absl::StatusOr<int64_t> ReadRssBytes(int pid);

}  // namespace hyperd::chaos

#endif  // HYPERD_BENCH_CHAOS_CHAOS_RUN_H_
