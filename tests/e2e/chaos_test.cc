// Chaos, bounded: the real hyperd is SIGKILLed 5 times at seeded pseudo-random moments (counted in
// acknowledged writes, not time) while 6 workers run trial lifecycles with retries, and restarted
// on the same data directory each time. Afterwards every acknowledged write must be on the server,
// no trial may have gone to two clients, the lease reaper must have failed every abandoned trial
// and the server's RSS must have stayed bounded. The soak version is bench/chaos (hyperd_chaos,
// 20+ cycles); both run bench/chaos/chaos_run.h.
#include <iostream>
#include <string>

#include "absl/time/time.h"
#include "bench/chaos/chaos_run.h"
#include "gtest/gtest.h"

namespace hyperd::chaos {
namespace {

TEST(ChaosTest, SigkillRestartCyclesLoseNoAcknowledgedWriteAndLeaveNoZombie) {
  ChaosOptions options;
  options.hyperd_binary = HYPERD_BINARY;
  options.durability = "full";
  options.workers = 6;
  options.cycles = 5;
  options.seed = 20261127;
  options.min_writes_between_kills = 60;
  options.max_writes_between_kills = 240;
  options.steps_per_trial = 4;
  options.abandon_every = 3;
  options.lease = absl::Seconds(2);
  options.reaper_interval = absl::Milliseconds(100);
  options.max_rss_bytes = int64_t{512} << 20;
  options.cycle_timeout = absl::Seconds(30);
  options.log = [](const std::string& line) { std::cerr << line << "\n"; };

  absl::StatusOr<ChaosReport> report = RunChaos(options);
  ASSERT_TRUE(report.ok()) << report.status();
  std::cerr << report->Summary();

  EXPECT_EQ(report->cycles.size(), 5u);
  EXPECT_TRUE(report->worker_errors.empty()) << report->Summary();
  // The counts checked are real work, not an empty ledger.
  EXPECT_GE(report->check.measurements_checked, 5 * options.min_writes_between_kills / 2);
  EXPECT_GT(report->check.completions_checked, 0);
  EXPECT_GT(report->trials_abandoned, 0);
  EXPECT_EQ(report->check.lost_trials, 0) << report->Summary();
  EXPECT_EQ(report->check.lost_measurements, 0) << report->Summary();
  EXPECT_EQ(report->check.lost_completions, 0) << report->Summary();
  EXPECT_EQ(report->check.duplicate_trials, 0) << report->Summary();
  EXPECT_EQ(report->zombies, 0) << report->Summary();
  // Every trial left open (on purpose, or when the workers stopped) was failed by the reaper.
  EXPECT_GE(report->trials_reaped, report->trials_abandoned + report->leases_lost)
      << report->Summary();
  EXPECT_TRUE(report->rss_bounded) << report->Summary();
  EXPECT_TRUE(report->Clean()) << report->Summary();
}

}  // namespace
}  // namespace hyperd::chaos
