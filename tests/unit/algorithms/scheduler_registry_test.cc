// MakeScheduler: each scheduler config builds its scheduler, and out-of-range settings are
// INVALID_ARGUMENT with the field path relative to the study spec, what was wrong and the value.
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "algorithms/registry.h"
#include "algorithms/schedulers/fifo_scheduler.h"
#include "algorithms/schedulers/scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::algorithms {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Error(const SchedulerConfig& config) {
  absl::StatusOr<std::unique_ptr<Scheduler>> scheduler = MakeScheduler(config);
  if (scheduler.ok()) return "OK";
  EXPECT_EQ(scheduler.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(scheduler.status().message());
}

std::string NameOf(const SchedulerConfig& config) {
  absl::StatusOr<std::unique_ptr<Scheduler>> scheduler = MakeScheduler(config);
  if (!scheduler.ok()) return std::string(scheduler.status().message());
  return std::string((*scheduler)->name());
}

TEST(SchedulerRegistry, BuildsEachSchedulerByConfig) {
  EXPECT_EQ(NameOf(FifoSchedulerConfig{}), "fifo");
  EXPECT_EQ(NameOf(MedianStoppingConfig{}), "median");
  EXPECT_EQ(NameOf(SuccessiveHalvingConfig{1, 81, 3, 0}), "successive_halving");
  EXPECT_EQ(NameOf(HyperbandConfig{1, 81, 3, 0, 42}), "hyperband");
}

TEST(SchedulerRegistry, FifoNeverStopsAndHasNoRungs) {
  FifoScheduler fifo;
  EXPECT_EQ(fifo.AssignBracket(17), 0);
  for (int64_t step = 0; step < 100; ++step) {
    const SchedulerDecision decision = fifo.OnMeasurement(1, 0, step, 1e9 * step);
    EXPECT_FALSE(decision.stop);
    EXPECT_EQ(decision.next_check_step, 0);
  }
  fifo.OnTrialEnd(1, TrialEnd::kFailed);
  EXPECT_TRUE(fifo.Summary().empty());
}

TEST(SchedulerRegistry, RejectsMedianSettingsOutOfRangeWithTheirFieldPaths) {
  MedianStoppingConfig config;
  config.warmup_steps = -1;
  EXPECT_EQ(Error(config), "scheduler.median.warmup_steps: must be >= 0, got -1");
  config = MedianStoppingConfig{};
  config.n_startup_trials = -2;
  EXPECT_EQ(Error(config), "scheduler.median.n_startup_trials: must be >= 0, got -2");
  config = MedianStoppingConfig{};
  config.min_trials = 0;
  EXPECT_EQ(Error(config), "scheduler.median.min_trials: must be >= 1, got 0");
  config = MedianStoppingConfig{};
  config.interval_steps = 0;
  EXPECT_EQ(Error(config), "scheduler.median.interval_steps: must be >= 1, got 0");
  config = MedianStoppingConfig{};
  config.warmup_steps = 0;
  config.n_startup_trials = 0;
  config.min_trials = 1;
  config.interval_steps = 1;
  EXPECT_EQ(Error(config), "OK");
}

TEST(SchedulerRegistry, RequiresADeclaredMaxResourceForRungSchedulers) {
  const std::string expected =
      "resource.max_resource: must be declared (> 0) for successive_halving/hyperband, got 0";
  EXPECT_THAT(Error(SuccessiveHalvingConfig{}), StartsWith(expected));
  EXPECT_THAT(Error(HyperbandConfig{}), StartsWith(expected));
}

TEST(SchedulerRegistry, RejectsSuccessiveHalvingSettingsOutOfRange) {
  EXPECT_THAT(Error(SuccessiveHalvingConfig{0, 81, 3, 0}),
              StartsWith("scheduler.successive_halving.min_resource: must be >= 1"));
  EXPECT_THAT(Error(SuccessiveHalvingConfig{100, 81, 3, 0}),
              StartsWith("scheduler.successive_halving.min_resource: must be <= "
                         "resource.max_resource (81), got 100"));
  EXPECT_THAT(Error(SuccessiveHalvingConfig{1, 81, 1, 0}),
              StartsWith("scheduler.successive_halving.reduction_factor: must be between 2 and "
                         "100"));
  EXPECT_THAT(Error(SuccessiveHalvingConfig{1, 81, 101, 0}), HasSubstr("got 101"));
  EXPECT_EQ(Error(SuccessiveHalvingConfig{1, 81, 3, -1}),
            "scheduler.successive_halving.bootstrap_count: must be >= 0, got -1");
  EXPECT_EQ(Error(SuccessiveHalvingConfig{81, 81, 100, 0}), "OK");
  EXPECT_EQ(Error(SuccessiveHalvingConfig{1, 81, 2, 5}), "OK");
}

TEST(SchedulerRegistry, RejectsHyperbandSettingsOutOfRange) {
  EXPECT_THAT(Error(HyperbandConfig{-3, 81, 3, 0, 0}),
              StartsWith("scheduler.hyperband.min_resource: must be >= 1"));
  EXPECT_THAT(Error(HyperbandConfig{1, -5, 3, 0, 0}),
              StartsWith("resource.max_resource: must be declared (> 0)"));
  EXPECT_THAT(Error(HyperbandConfig{82, 81, 3, 0, 0}),
              StartsWith("scheduler.hyperband.min_resource: must be <= resource.max_resource"));
  EXPECT_THAT(Error(HyperbandConfig{1, 81, 0, 0, 0}),
              StartsWith("scheduler.hyperband.reduction_factor: must be between 2 and 100, got 0"));
  EXPECT_EQ(Error(HyperbandConfig{1, 81, 3, -1, 0}),
            "scheduler.hyperband.bootstrap_count: must be >= 0, got -1");
  EXPECT_EQ(Error(HyperbandConfig{1, int64_t{1} << 62, 2, 0, 9}), "OK");
}

}  // namespace
}  // namespace hyperd::algorithms
