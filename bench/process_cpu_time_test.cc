#include "bench/process_cpu_time.h"

#include <unistd.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace hyperd::bench {
namespace {

TEST(ProcessCpuTime, GrowsForAProcessThatComputes) {
  absl::StatusOr<absl::Duration> before = ProcessCpuTime(getpid());
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_GE(*before, absl::ZeroDuration());
  // Spin until the kernel's tick-granular counter moves; bounded so a broken reader fails.
  volatile double sink = 0;
  absl::StatusOr<absl::Duration> after = before;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (after.ok() && *after <= *before && absl::Now() < give_up) {
    for (int i = 0; i < 1000000; ++i) sink = sink + i;
    after = ProcessCpuTime(getpid());
  }
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GT(*after, *before);
}

TEST(ProcessCpuTime, ReportsAProcessThatDoesNotExistAsNotFound) {
  // Above the kernel's pid_max limit (4194304), so no process can have it.
  absl::StatusOr<absl::Duration> cpu = ProcessCpuTime(1 << 23);
  EXPECT_EQ(cpu.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hyperd::bench
