// StepReporter: batching by count and by age, flushing, failures, and replies fed back to the
// trial's schedule. A scripted sender and a manual clock make every test deterministic.
#include "client/cpp/step_reporter.h"

#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/messages.h"

namespace hyperd {
namespace {

using ::hyperd::testing::ParseText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records every request; answers with `replies` in order (then empty OK replies).
struct FakeSender {
  std::vector<v1::ReportStepsRequest> requests;
  std::vector<absl::StatusOr<v1::ReportStepsResponse>> replies;

  StepReporter::Sender AsSender() {
    return
        [this](const v1::ReportStepsRequest& request) -> absl::StatusOr<v1::ReportStepsResponse> {
          const size_t i = requests.size();
          requests.push_back(request);
          if (i < replies.size()) return replies[i];
          v1::ReportStepsResponse reply;
          reply.set_accepted(request.steps_size());
          return reply;
        };
  }

  // The steps of each request, e.g. {{0, 1, 2}, {3, 4, 5}}.
  std::vector<std::vector<int64_t>> Batches() const {
    std::vector<std::vector<int64_t>> batches;
    for (const v1::ReportStepsRequest& request : requests) {
      batches.emplace_back();
      for (const v1::StepReport& step : request.steps()) batches.back().push_back(step.step());
    }
    return batches;
  }
};

struct ManualTime {
  absl::Time now = absl::FromUnixSeconds(1000);
  std::function<absl::Time()> Clock() {
    return [this] { return now; };
  }
};

v1::StepReport Step(int64_t step) {
  v1::StepReport record;
  record.set_step(step);
  record.set_lr_applied(0.1);
  record.set_grad_norm_l2(1.5);
  return record;
}

StepReporterOptions Options(int batch_steps, ManualTime& time) {
  StepReporterOptions options;
  options.max_batch_steps = batch_steps;
  options.max_batch_age = absl::Seconds(10);
  options.now = time.Clock();
  return options;
}

TEST(StepReporter, SendsOneRequestPerFullBatchNamingTheTrialAndWorker) {
  FakeSender sender;
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/2", "worker-1", nullptr,
                        Options(3, time));
  for (int64_t t = 0; t < 7; ++t) ASSERT_TRUE(reporter.Report(Step(t)).ok());
  EXPECT_THAT(sender.Batches(), ElementsAre(ElementsAre(0, 1, 2), ElementsAre(3, 4, 5)));
  EXPECT_EQ(reporter.pending_steps(), 1);
  EXPECT_EQ(reporter.sent_steps(), 6);
  EXPECT_EQ(sender.requests[0].name(), "studies/s/trials/2");
  EXPECT_EQ(sender.requests[0].client_id(), "worker-1");
  EXPECT_DOUBLE_EQ(sender.requests[0].steps(1).grad_norm_l2(), 1.5);
}

TEST(StepReporter, SendsAPartialBatchOnceItsOldestRecordIsMaxBatchAgeOld) {
  FakeSender sender;
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, Options(50, time));
  ASSERT_TRUE(reporter.Report(Step(0)).ok());
  time.now += absl::Seconds(9);
  ASSERT_TRUE(reporter.Report(Step(1)).ok());
  EXPECT_TRUE(sender.requests.empty());
  time.now += absl::Seconds(1);
  ASSERT_TRUE(reporter.Report(Step(2)).ok());
  EXPECT_THAT(sender.Batches(), ElementsAre(ElementsAre(0, 1, 2)));
  // The age counts from the oldest pending record, not from the last send.
  time.now += absl::Seconds(5);
  ASSERT_TRUE(reporter.Report(Step(3)).ok());
  EXPECT_EQ(sender.requests.size(), 1u);
}

TEST(StepReporter, FlushAndDestructionSendWhatIsPending) {
  FakeSender sender;
  ManualTime time;
  {
    StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, Options(50, time));
    ASSERT_TRUE(reporter.Flush().ok());  // nothing pending: no call
    EXPECT_TRUE(sender.requests.empty());
    ASSERT_TRUE(reporter.Report(Step(0)).ok());
    ASSERT_TRUE(reporter.Flush().ok());
    ASSERT_TRUE(reporter.Report(Step(1)).ok());
    ASSERT_TRUE(reporter.Report(Step(2)).ok());
  }
  EXPECT_THAT(sender.Batches(), ElementsAre(ElementsAre(0), ElementsAre(1, 2)));
}

TEST(StepReporter, FeedsTheNextLearningRateAndNewSchedulesToTheTrialSchedule) {
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::Create(
      ParseText<v1::Schedule>(R"pb(family: CONSTANT base_lr: 0.1 total_steps: 100)pb"));
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  FakeSender sender;
  v1::ReportStepsResponse hypergradient;
  hypergradient.set_next_learning_rate(0.11);
  v1::ReportStepsResponse rerefined;
  *rerefined.mutable_schedule() = ParseText<v1::Schedule>(
      R"pb(family: LINEAR base_lr: 0.1 total_steps: 100 effective_from_step: 4)pb");
  sender.replies = {hypergradient, rerefined};
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", &*schedule, Options(2, time));
  ASSERT_TRUE(reporter.Report(Step(0)).ok());
  EXPECT_DOUBLE_EQ(schedule->LearningRateAt(2), 0.1);
  ASSERT_TRUE(reporter.Report(Step(1)).ok());
  EXPECT_DOUBLE_EQ(schedule->LearningRateAt(1), 0.1);
  EXPECT_DOUBLE_EQ(schedule->LearningRateAt(2), 0.11);  // from the step after the batch
  ASSERT_TRUE(reporter.Report(Step(2)).ok());
  ASSERT_TRUE(reporter.Report(Step(3)).ok());
  EXPECT_DOUBLE_EQ(schedule->LearningRateAt(3), 0.11);
  EXPECT_DOUBLE_EQ(schedule->LearningRateAt(4), 0.1 * 96 / 100.0);
}

TEST(StepReporter, RecordsShouldStopAndTheLease) {
  FakeSender sender;
  v1::ReportStepsResponse stop;
  stop.set_should_stop(true);
  stop.mutable_lease_expire_time()->set_seconds(5000);
  sender.replies = {stop};
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, Options(1, time));
  EXPECT_FALSE(reporter.should_stop());
  ASSERT_TRUE(reporter.Report(Step(0)).ok());
  EXPECT_TRUE(reporter.should_stop());
  EXPECT_EQ(reporter.lease_expire_time(), absl::FromUnixSeconds(5000));
  ASSERT_TRUE(reporter.Report(Step(1)).ok());  // later replies do not clear it
  EXPECT_TRUE(reporter.should_stop());
}

TEST(StepReporter, KeepsABatchTheServerCouldNotTakeAndRetriesAfterAnotherBatch) {
  FakeSender sender;
  sender.replies = {absl::UnavailableError("server down")};
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, Options(2, time));
  ASSERT_TRUE(reporter.Report(Step(0)).ok());
  EXPECT_EQ(reporter.Report(Step(1)).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(reporter.pending_steps(), 2);
  EXPECT_EQ(reporter.last_status().code(), absl::StatusCode::kUnavailable);
  // Not again on every step while the server is down ...
  ASSERT_TRUE(reporter.Report(Step(2)).ok());
  EXPECT_EQ(sender.requests.size(), 1u);
  // ... but after another full batch: everything pending, in batches of max_batch_steps.
  ASSERT_TRUE(reporter.Report(Step(3)).ok());
  EXPECT_THAT(sender.Batches(),
              ElementsAre(ElementsAre(0, 1), ElementsAre(0, 1), ElementsAre(2, 3)));
  EXPECT_EQ(reporter.pending_steps(), 0);
  EXPECT_EQ(reporter.sent_steps(), 4);
  EXPECT_EQ(reporter.dropped_steps(), 0);
}

TEST(StepReporter, RetriesAFailedBatchAfterMaxBatchAge) {
  FakeSender sender;
  sender.replies = {absl::DeadlineExceededError("slow")};
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, Options(50, time));
  ASSERT_TRUE(reporter.Report(Step(0)).ok());
  time.now += absl::Seconds(10);
  EXPECT_EQ(reporter.Report(Step(1)).code(), absl::StatusCode::kDeadlineExceeded);
  time.now += absl::Seconds(9);
  ASSERT_TRUE(reporter.Report(Step(2)).ok());
  EXPECT_EQ(sender.requests.size(), 1u);
  time.now += absl::Seconds(1);
  ASSERT_TRUE(reporter.Report(Step(3)).ok());
  EXPECT_THAT(sender.Batches(), ElementsAre(ElementsAre(0, 1), ElementsAre(0, 1, 2, 3)));
}

TEST(StepReporter, DropsABatchThatCanNeverBeAccepted) {
  FakeSender sender;
  sender.replies = {absl::FailedPreconditionError("trial is SUCCEEDED")};
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, Options(2, time));
  ASSERT_TRUE(reporter.Report(Step(0)).ok());
  const absl::Status status = reporter.Report(Step(1));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("SUCCEEDED"));
  EXPECT_EQ(reporter.pending_steps(), 0);
  EXPECT_EQ(reporter.dropped_steps(), 2);
}

TEST(StepReporter, BoundsWhatItKeepsWhileTheServerIsDown) {
  FakeSender sender;
  for (int i = 0; i < 100; ++i) sender.replies.push_back(absl::UnavailableError("down"));
  ManualTime time;
  StepReporterOptions options = Options(2, time);
  options.max_pending_steps = 5;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, options);
  for (int64_t t = 0; t < 9; ++t) reporter.Report(Step(t)).IgnoreError();
  EXPECT_EQ(reporter.pending_steps(), 5);
  EXPECT_EQ(reporter.dropped_steps(), 4);
  EXPECT_EQ(reporter.Flush().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sender.Batches().back(), (std::vector<int64_t>{4, 5}));  // the oldest went first
}

TEST(StepReporter, RefusesStepsThatDoNotIncrease) {
  FakeSender sender;
  ManualTime time;
  StepReporter reporter(sender.AsSender(), "studies/s/trials/0", "", nullptr, Options(50, time));
  ASSERT_TRUE(reporter.Report(Step(5)).ok());
  const absl::Status repeated = reporter.Report(Step(5));
  EXPECT_EQ(repeated.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(repeated.message(), HasSubstr("new StepReporter"));
  EXPECT_EQ(reporter.Report(Step(-1)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reporter.pending_steps(), 1);
}

}  // namespace
}  // namespace hyperd
