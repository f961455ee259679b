#include "bench/closed_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <vector>

namespace hyperd::bench {
namespace {

using ::testing::HasSubstr;

constexpr int kWorkers = 4;

// Counts calls per worker; optionally fails one worker's Prepare or its n-th Call.
class CountingWorkload : public Workload {
 public:
  absl::Status Prepare(int worker) override {
    prepared_.fetch_add(1);
    if (worker == failing_prepare_) return absl::UnavailableError("no trial");
    return absl::OkStatus();
  }
  absl::Status Call(int worker) override {
    if (prepared_.load() != kWorkers) call_before_all_prepared_ = true;
    const int n = ++calls_[worker];
    if (worker == failing_worker_ && n == failing_call_) {
      return absl::ResourceExhaustedError("quota");
    }
    return absl::OkStatus();
  }
  int TotalCalls() const {
    int total = 0;
    for (int calls : calls_) total += calls;
    return total;
  }

  int failing_prepare_ = -1;
  int failing_worker_ = -1;
  int failing_call_ = 0;
  std::atomic<int> prepared_{0};
  std::atomic<bool> call_before_all_prepared_{false};
  std::vector<int> calls_ = std::vector<int>(kWorkers, 0);
};

ClosedLoopOptions ShortRun() {
  ClosedLoopOptions options;
  options.workers = kWorkers;
  options.duration = absl::Milliseconds(100);
  return options;
}

// For runs that an error ends: long enough that every worker gets to its failing call.
ClosedLoopOptions UntilAborted() {
  ClosedLoopOptions options;
  options.workers = kWorkers;
  options.duration = absl::Minutes(10);
  return options;
}

TEST(RunClosedLoop, PreparesEveryWorkerBeforeTheFirstCallAndCountsEveryOkCall) {
  CountingWorkload workload;
  absl::StatusOr<ClosedLoopResult> result = RunClosedLoop(workload, ShortRun());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(workload.call_before_all_prepared_.load());
  EXPECT_GT(result->ok_calls, 0);
  EXPECT_EQ(result->ok_calls, workload.TotalCalls());
  EXPECT_EQ(result->latency_seconds.size(), static_cast<size_t>(result->ok_calls));
  EXPECT_TRUE(std::is_sorted(result->latency_seconds.begin(), result->latency_seconds.end()));
  EXPECT_GE(result->elapsed, absl::Milliseconds(100));
  EXPECT_GT(result->Rate(), 0);
}

TEST(RunClosedLoop, RunsTheHooksAroundTheTimedCalls) {
  CountingWorkload workload;
  int calls_at_start = -1;
  int calls_at_stop = -1;
  ClosedLoopOptions options = ShortRun();
  options.before_start = [&] {
    calls_at_start = workload.TotalCalls();
    return absl::OkStatus();
  };
  options.after_stop = [&] {
    calls_at_stop = workload.TotalCalls();
    return absl::OkStatus();
  };
  absl::StatusOr<ClosedLoopResult> result = RunClosedLoop(workload, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(calls_at_start, 0);
  EXPECT_EQ(calls_at_stop, result->ok_calls);
}

TEST(RunClosedLoop, AFailedCallAbortsTheRunAndNamesTheWorker) {
  CountingWorkload workload;
  workload.failing_worker_ = 2;
  workload.failing_call_ = 3;
  absl::StatusOr<ClosedLoopResult> result = RunClosedLoop(workload, UntilAborted());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(result.status().message(), HasSubstr("worker 2 call: quota"));
}

TEST(RunClosedLoop, AFailedPrepareAbortsBeforeAnyCall) {
  CountingWorkload workload;
  workload.failing_prepare_ = 1;
  absl::StatusOr<ClosedLoopResult> result = RunClosedLoop(workload, UntilAborted());
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("worker 1 set-up: no trial"));
  EXPECT_EQ(workload.TotalCalls(), 0);
}

TEST(RunClosedLoop, AFailedStartHookAbortsBeforeAnyCall) {
  CountingWorkload workload;
  ClosedLoopOptions options = UntilAborted();
  options.before_start = [] { return absl::UnavailableError("metrics down"); };
  absl::StatusOr<ClosedLoopResult> result = RunClosedLoop(workload, options);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("metrics down"));
  EXPECT_EQ(workload.TotalCalls(), 0);
}

TEST(RunClosedLoop, RejectsZeroWorkers) {
  CountingWorkload workload;
  ClosedLoopOptions options = ShortRun();
  options.workers = 0;
  absl::StatusOr<ClosedLoopResult> result = RunClosedLoop(workload, options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hyperd::bench
