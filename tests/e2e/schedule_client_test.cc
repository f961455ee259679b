// The C++ client's schedule objects end to end against the real hyperd binary: a trial's schedule
// evaluated locally (TrialSchedule), step reports batched by a StepReporter, and the online
// rules' replies (hypergradient LRs, re-refined schedules) fed back into the training loop.
#include <memory>
#include <string>

#include "client/cpp/hyperd_client.h"
#include "client/cpp/step_reporter.h"
#include "client/cpp/trial_schedule.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/messages.h"
#include "tests/testing/server_process.h"

namespace hyperd {
namespace {

using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;

constexpr char kClientId[] = "schedule-e2e-worker";

class ScheduleClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ServerProcessOptions options;
    options.binary = HYPERD_BINARY;
    options.extra_args = {"--durability=normal"};
    server_ = std::make_unique<testing::ServerProcess>(options);
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
    ClientOptions client_options;
    client_options.address = server_->address();
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(client_options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }

  void TearDown() override {
    client_.reset();  // an open channel would hold up the server's graceful shutdown
    if (server_ != nullptr && server_->running()) {
      const absl::Status stopped = server_->Terminate();
      EXPECT_TRUE(stopped.ok()) << stopped;
    }
  }

  // Creates study `id` with `spec_text` (a StudySpec in text format) and returns its first trial.
  v1::Trial FirstTrial(const std::string& id, const std::string& spec_text) {
    v1::CreateStudyRequest create;
    create.set_study_id(id);
    *create.mutable_study()->mutable_spec() = ParseText<v1::StudySpec>(spec_text);
    absl::StatusOr<v1::Study> study = client_->CreateStudy(create);
    EXPECT_TRUE(study.ok()) << study.status();
    v1::SuggestTrialsRequest suggest;
    suggest.set_parent("studies/" + id);
    suggest.set_count(1);
    suggest.set_client_id(kClientId);
    absl::StatusOr<v1::SuggestTrialsResponse> suggested = client_->SuggestTrials(suggest);
    EXPECT_TRUE(suggested.ok()) << suggested.status();
    if (!suggested.ok() || suggested->trials_size() != 1) return v1::Trial();
    return suggested->trials(0);
  }

  StepReporterOptions EveryTwoSteps() {
    StepReporterOptions options;
    options.max_batch_steps = 2;
    options.max_batch_age = absl::Hours(1);  // batches by count only: deterministic
    return options;
  }

  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<Client> client_;
};

v1::StepReport Step(int64_t step, double lr, double hd_dot, double norm = 1.0) {
  v1::StepReport record;
  record.set_step(step);
  record.set_lr_applied(lr);
  record.set_grad_norm_l2(norm);
  record.set_hd_dot(hd_dot);
  return record;
}

TEST_F(ScheduleClientTest, ATrialsScheduleFollowsItsParametersAndIsEvaluatedLocally) {
  const v1::Trial trial = FirstTrial("mapped", R"pb(
    search_space {
      parameters {
        name: "lr"
        double_spec { min: 0.001 max: 0.1 scale: LOG }
      }
    }
    objective { metric: "loss" }
    schedule {
      schedule { family: LINEAR total_steps: 50 warmup_steps: 5 }
      parameter_fields { key: "lr" value: "base_lr" }
    }
    seed: 3
  )pb");
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::FromTrial(trial);
  ASSERT_TRUE(schedule.ok()) << schedule.status() << "\n" << trial.DebugString();
  const double lr = trial.parameters(0).double_value();
  EXPECT_DOUBLE_EQ(schedule->LearningRateAt(0), 0.0);  // HF warm-up: the first update is wasted
  EXPECT_DOUBLE_EQ(schedule->LearningRateAt(5), lr);
  EXPECT_NEAR(schedule->LearningRateAt(49), lr / 45, 1e-15);
}

TEST_F(ScheduleClientTest, HypergradientLearningRatesReachTheTrialScheduleThroughTheReporter) {
  const v1::Trial trial = FirstTrial("hypergradient", R"pb(
    search_space {
      parameters {
        name: "momentum"
        double_spec { min: 0 max: 0.99 }
      }
    }
    objective { metric: "loss" }
    schedule {
      schedule { family: CONSTANT base_lr: 0.1 total_steps: 100 }
      online { rule: HYPERGRADIENT hypergradient_beta: 0.01 }
    }
  )pb");
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::FromTrial(trial);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  StepReporter reporter(client_.get(), trial.name(), kClientId, &*schedule, EveryTwoSteps());
  // Spec §5 SGD-HD vector: alpha_0 = 0.1, beta = 0.01, h = 0, 1, -1 -> 0.1, 0.11, 0.10.
  const double h[] = {0, 1, -1, 0};
  for (int64_t t = 0; t < 4; ++t) {
    const absl::Status status = reporter.Report(Step(t, schedule->LearningRateAt(t), h[t]));
    ASSERT_TRUE(status.ok()) << status;
    if (t == 1) {
      EXPECT_NEAR(schedule->LearningRateAt(2), 0.11, 1e-12);
    }
  }
  EXPECT_EQ(reporter.sent_steps(), 4);
  EXPECT_NEAR(schedule->LearningRateAt(3), 0.11, 1e-12);  // what the job used
  EXPECT_NEAR(schedule->LearningRateAt(4), 0.10, 1e-12);  // from the step after the batch
  EXPECT_FALSE(reporter.should_stop());
  EXPECT_GT(reporter.lease_expire_time(), absl::Now());

  // A retried batch is acknowledged as duplicates and changes nothing.
  v1::ReportStepsRequest retry;
  retry.set_name(trial.name());
  retry.set_client_id(kClientId);
  *retry.add_steps() = Step(2, 0.11, -1);
  *retry.add_steps() = Step(3, 0.11, 0);
  absl::StatusOr<v1::ReportStepsResponse> reply = client_->ReportSteps(retry);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->accepted(), 0);
  EXPECT_EQ(reply->duplicates(), 2);
  EXPECT_NEAR(reply->next_learning_rate(), 0.10, 1e-12);
}

TEST_F(ScheduleClientTest, AReRefinedScheduleTakesOverFromItsEffectiveStepWithoutAJump) {
  const v1::Trial trial = FirstTrial("rerefine", R"pb(
    search_space {
      parameters {
        name: "momentum"
        double_spec { min: 0 max: 0.99 }
      }
    }
    objective { metric: "loss" }
    schedule {
      schedule { family: LINEAR base_lr: 0.1 total_steps: 100 }
      online { rule: REREFINE interval_steps: 20 }
    }
  )pb");
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::FromTrial(trial);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  StepReporter reporter(client_.get(), trial.name(), kClientId, &*schedule, EveryTwoSteps());
  for (int64_t t = 0; t < 20; ++t) {
    // Large early norms: the refinement would like a warm-up, decay follows.
    const double norm = t < 5 ? 4.0 : 1.0;
    ASSERT_TRUE(reporter.Report(Step(t, schedule->LearningRateAt(t), 0, norm)).ok());
    if (t < 19) {
      EXPECT_EQ(schedule->schedule().family(), v1::Schedule::LINEAR) << t;
    }
  }
  // The batch that crossed step 20 brought the re-refined remainder of the run.
  EXPECT_EQ(schedule->schedule().family(), v1::Schedule::TABULATED);
  EXPECT_EQ(schedule->schedule().effective_from_step(), 20);
  EXPECT_NEAR(schedule->LearningRateAt(19), 0.1 * (1 - 19 / 100.0), 1e-12);  // as used
  EXPECT_NEAR(schedule->LearningRateAt(20), 0.1 * (1 - 20 / 100.0), 1e-9);   // no jump
  EXPECT_NEAR(schedule->LearningRateAt(99), 0.0, 1e-12);  // ends at 0 like every refinement
}

TEST_F(ScheduleClientTest, TheReporterPassesOnAStopRequest) {
  const v1::Trial trial = FirstTrial("stopping", R"pb(
    search_space {
      parameters {
        name: "lr"
        double_spec { min: 0.001 max: 0.1 }
      }
    }
    objective { metric: "loss" }
    schedule {
      schedule { family: COSINE total_steps: 100 }
      parameter_fields { key: "lr" value: "base_lr" }
    }
  )pb");
  absl::StatusOr<TrialSchedule> schedule = TrialSchedule::FromTrial(trial);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  StepReporter reporter(client_.get(), trial.name(), kClientId, &*schedule, EveryTwoSteps());
  ASSERT_TRUE(reporter.Report(Step(0, schedule->LearningRateAt(0), 0)).ok());
  v1::StopTrialRequest stop;
  stop.set_name(trial.name());
  ASSERT_TRUE(client_->StopTrial(stop).ok());
  ASSERT_TRUE(reporter.Report(Step(1, schedule->LearningRateAt(1), 0)).ok());
  EXPECT_TRUE(reporter.should_stop());
}

TEST_F(ScheduleClientTest, StepsOfAStudyWithoutAScheduleAreDroppedWithTheServersReason) {
  const v1::Trial trial = FirstTrial("plain", R"pb(
    search_space {
      parameters {
        name: "lr"
        double_spec { min: 0.001 max: 0.1 }
      }
    }
    objective { metric: "loss" }
  )pb");
  EXPECT_EQ(TrialSchedule::FromTrial(trial).status().code(), absl::StatusCode::kFailedPrecondition);
  StepReporter reporter(client_.get(), trial.name(), kClientId, nullptr, EveryTwoSteps());
  ASSERT_TRUE(reporter.Report(Step(0, 0.1, 0)).ok());
  const absl::Status status = reporter.Report(Step(1, 0.1, 0));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("has no spec.schedule"));
  EXPECT_EQ(reporter.dropped_steps(), 2);
  EXPECT_EQ(reporter.pending_steps(), 0);
}

}  // namespace
}  // namespace hyperd
