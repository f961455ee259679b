// Early stopping through a real in-process gRPC server: successive halving (ASHA), Hyperband and
// median stopping decide in ReportMeasurement's reply and in CheckTrialEarlyStopping, stopped
// trials end PRUNED with their last value, settings are validated, and decisions survive a
// restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::BasicStudy;
using ::hyperd::testing::Call;
using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;
using Stub = v1::Hyperd::Stub;
using v1::Trial;

class SchedulingTest : public ::testing::Test {
 protected:
  grpc::Status Create(const std::string& id, const v1::Study& study) {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = study;
    v1::Study response;
    return Call(server_.stub(), &Stub::CreateStudy, request, &response);
  }

  // A study with max_resource 9 and the given scheduler settings (text format).
  v1::Study StudyWith(const std::string& scheduler_text) {
    v1::Study study = BasicStudy();
    study.mutable_spec()->mutable_resource()->set_max_resource(9);
    *study.mutable_spec()->mutable_scheduler() = ParseText<v1::SchedulerSpec>(scheduler_text);
    return study;
  }

  Trial Suggest(const std::string& study, const std::string& client) {
    v1::SuggestTrialsRequest request;
    request.set_parent("studies/" + study);
    request.set_client_id(client);
    v1::SuggestTrialsResponse response;
    EXPECT_TRUE(Call(server_.stub(), &Stub::SuggestTrials, request, &response).ok());
    EXPECT_EQ(response.trials_size(), 1);
    return response.trials_size() > 0 ? response.trials(0) : Trial();
  }

  v1::ReportMeasurementResponse Report(const std::string& trial, int64_t step, double loss) {
    v1::ReportMeasurementRequest request;
    request.set_name(trial);
    request.mutable_measurement()->set_step(step);
    (*request.mutable_measurement()->mutable_metrics())["loss"] = loss;
    v1::ReportMeasurementResponse response;
    grpc::Status status = Call(server_.stub(), &Stub::ReportMeasurement, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  Trial Complete(const std::string& trial) {
    v1::CompleteTrialRequest request;
    request.set_name(trial);
    Trial response;
    EXPECT_TRUE(Call(server_.stub(), &Stub::CompleteTrial, request, &response).ok());
    return response;
  }

  v1::Study GetStudy(const std::string& id) {
    v1::GetStudyRequest request;
    request.set_name("studies/" + id);
    v1::Study response;
    EXPECT_TRUE(Call(server_.stub(), &Stub::GetStudy, request, &response).ok());
    return response;
  }

  // Each value is one new trial reporting it at step 1; returns "C"/"S" per trial.
  std::string Arrivals(const std::string& study, const std::vector<double>& values) {
    std::string decisions;
    for (double value : values) {
      const Trial trial = Suggest(study, "arrival-" + std::to_string(next_client_++));
      decisions += Report(trial.name(), 1, value).should_stop() ? "S" : "C";
    }
    return decisions;
  }

  testing::TestServer server_;
  int next_client_ = 0;  // every arrival is a new worker
};

TEST_F(SchedulingTest, SuccessiveHalvingFollowsTheSpecsCutoffConvention) {
  // multifidelity.md §3.4: arrivals [8, 2, 9, 7, 4, 6, 3, 1] at one rung, eta 3.
  ASSERT_TRUE(Create("asha", StudyWith("successive_halving { min_resource: 1 }")).ok());
  EXPECT_EQ(Arrivals("asha", {8, 2, 9, 7, 4, 6, 3, 1}), "CCSSSSCC");
  const v1::Study study = GetStudy("asha");
  ASSERT_GE(study.rungs_size(), 1);
  EXPECT_EQ(study.rungs(0).step(), 1);
  EXPECT_EQ(study.rungs(0).trials_recorded(), 8);
  EXPECT_EQ(study.rungs(0).trials_stopped(), 4);
}

TEST_F(SchedulingTest, AStoppedTrialEndsPrunedWithItsLastValueAndEveryReplySaysStop) {
  ASSERT_TRUE(Create("asha", StudyWith("successive_halving { min_resource: 1 }")).ok());
  Arrivals("asha", {1, 2});
  const Trial trial = Suggest("asha", "late");
  v1::ReportMeasurementResponse first = Report(trial.name(), 1, 5.0);
  EXPECT_TRUE(first.should_stop());
  EXPECT_THAT(first.stop_reason(), HasSubstr("rung"));
  EXPECT_TRUE(Report(trial.name(), 2, 4.5).should_stop());
  v1::CheckTrialEarlyStoppingRequest check;
  check.set_name(trial.name());
  v1::CheckTrialEarlyStoppingResponse checked;
  ASSERT_TRUE(Call(server_.stub(), &Stub::CheckTrialEarlyStopping, check, &checked).ok());
  EXPECT_TRUE(checked.should_stop());
  const Trial done = Complete(trial.name());
  EXPECT_EQ(done.state(), Trial::PRUNED);
  EXPECT_EQ(done.objective_value(), 4.5);
  EXPECT_EQ(done.stopped_at_step(), 1);
}

TEST_F(SchedulingTest, RepliesHintTheNextRung) {
  ASSERT_TRUE(Create("asha", StudyWith("successive_halving { min_resource: 1 }")).ok());
  const Trial trial = Suggest("asha", "w");
  EXPECT_EQ(Report(trial.name(), 1, 0.5).next_check_step(), 3);
  EXPECT_EQ(Report(trial.name(), 2, 0.4).next_check_step(), 3);
}

TEST_F(SchedulingTest, MaximisedObjectivesStopTheWorstNotTheBest) {
  v1::Study study = StudyWith("successive_halving { min_resource: 1 }");
  study.mutable_spec()->mutable_objective()->set_goal(v1::Objective::MAXIMIZE);
  ASSERT_TRUE(Create("acc", study).ok());
  // Accuracies: the negated arrivals of the minimisation test vector.
  EXPECT_EQ(Arrivals("acc", {-8, -2, -9, -7, -4, -6, -3, -1}), "CCSSSSCC");
}

TEST_F(SchedulingTest, HyperbandAssignsBracketsAndTellsTheJobItsBudget) {
  ASSERT_TRUE(Create("hb", StudyWith("hyperband { min_resource: 1 reduction_factor: 3 }")).ok());
  std::map<int, int> brackets;
  for (int i = 0; i < 30; ++i) {
    const Trial trial = Suggest("hb", "w" + std::to_string(i));
    EXPECT_EQ(trial.max_resource(), 9);
    ++brackets[trial.bracket()];
    Report(trial.name(), 9, 1.0);  // straight to max_resource: reaching it never stops
    EXPECT_EQ(Complete(trial.name()).state(), Trial::SUCCEEDED);
  }
  // R=9, eta=3: brackets 0, 1, 2 with weights 9, 5, 3; all appear over 30 trials.
  EXPECT_EQ(brackets.size(), 3u);
  EXPECT_GT(brackets[0], brackets[2]);
}

TEST_F(SchedulingTest, MedianStoppingStopsTrialsWorseThanTheMedian) {
  ASSERT_TRUE(Create("median", StudyWith("median { n_startup_trials: 0 min_trials: 3 }")).ok());
  // Three reference trials with values at step 1: 1, 2, 3 (median 2).
  for (double v : {1.0, 2.0, 3.0}) {
    const Trial t = Suggest("median", "ref" + std::to_string(v));
    EXPECT_FALSE(Report(t.name(), 1, v).should_stop());
  }
  const Trial good = Suggest("median", "good");
  EXPECT_FALSE(Report(good.name(), 1, 1.5).should_stop());
  const Trial bad = Suggest("median", "bad");
  EXPECT_TRUE(Report(bad.name(), 1, 2.5).should_stop());
}

TEST_F(SchedulingTest, DecisionsAreCountedPerSchedulerInTheMetrics) {
  ASSERT_TRUE(Create("median", StudyWith("median { n_startup_trials: 0 min_trials: 3 }")).ok());
  for (double v : {1.0, 2.0, 3.0})
    Report(Suggest("median", "ref" + std::to_string(v)).name(), 1, v);
  EXPECT_FALSE(Report(Suggest("median", "good").name(), 1, 1.5).should_stop());
  EXPECT_TRUE(Report(Suggest("median", "bad").name(), 1, 2.5).should_stop());
  const std::string text = server_.server().MetricsText();
  EXPECT_THAT(text, HasSubstr("hyperd_scheduler_decisions_total{scheduler=\"median\",decision="
                              "\"continue\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("hyperd_scheduler_decisions_total{scheduler=\"median\",decision="
                              "\"stop\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hyperd_trials_stopped_early_total 1\n"));
}

TEST_F(SchedulingTest, SettingsAreValidatedAtCreateStudy) {
  v1::Study no_budget = StudyWith("hyperband {}");
  no_budget.mutable_spec()->mutable_resource()->set_max_resource(0);
  grpc::Status status = Create("bad", no_budget);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("max_resource"));
  status = Create("bad", StudyWith("successive_halving { reduction_factor: 1 }"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("scheduler.successive_halving.reduction_factor"));
  status = Create("bad", StudyWith("successive_halving { min_resource: 10 }"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("min_resource"));
  status = Create("bad", StudyWith("median { min_trials: 0 }"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("scheduler.median.min_trials"));
  // Defaults are spelled out, so the same request is the same study.
  ASSERT_TRUE(Create("ok", StudyWith("hyperband {}")).ok());
  const v1::Study created = GetStudy("ok");
  EXPECT_EQ(created.spec().scheduler().hyperband().reduction_factor(), 3);
  EXPECT_TRUE(Create("ok", StudyWith("hyperband { min_resource: 1 reduction_factor: 3 }")).ok());
}

TEST_F(SchedulingTest, DecisionsAfterARestartAreTheOnesWithout) {
  const std::vector<double> before = {8, 2, 9, 7};
  const std::vector<double> after = {4, 6, 3, 1};
  ASSERT_TRUE(Create("restarted", StudyWith("successive_halving { min_resource: 1 }")).ok());
  ASSERT_TRUE(Create("uninterrupted", StudyWith("successive_halving { min_resource: 1 }")).ok());
  std::string restarted = Arrivals("restarted", before);
  server_.Restart();
  restarted += Arrivals("restarted", after);
  std::vector<double> all = before;
  all.insert(all.end(), after.begin(), after.end());
  EXPECT_EQ(restarted, Arrivals("uninterrupted", all));
  EXPECT_EQ(GetStudy("restarted").rungs(0).trials_stopped(),
            GetStudy("uninterrupted").rungs(0).trials_stopped());
}

TEST_F(SchedulingTest, ConcurrentWorkersGetConsistentRungTables) {
  ASSERT_TRUE(Create("asha", StudyWith("successive_halving { min_resource: 1 }")).ok());
  constexpr int kWorkers = 8;
  constexpr int kTrialsEach = 6;
  std::vector<std::thread> workers;
  std::atomic<int> stopped{0};
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < kTrialsEach; ++i) {
        const Trial trial = Suggest("asha", "w" + std::to_string(w));
        bool stop = false;
        for (int step = 1; step <= 9 && !stop; ++step) {
          stop =
              Report(trial.name(), step, 1.0 / step + 0.01 * ((w * 7 + i * 3) % 11)).should_stop();
        }
        stopped += stop ? 1 : 0;
        Complete(trial.name());
      }
    });
  }
  for (auto& t : workers) t.join();
  const v1::Study study = GetStudy("asha");
  EXPECT_EQ(study.trial_counts().pruned(), stopped.load());
  EXPECT_EQ(study.trial_counts().pruned() + study.trial_counts().succeeded(),
            kWorkers * kTrialsEach);
  ASSERT_GE(study.rungs_size(), 2);
  EXPECT_EQ(study.rungs(0).trials_recorded(), kWorkers * kTrialsEach);
  int64_t stopped_in_rungs = 0;
  for (const auto& rung : study.rungs()) stopped_in_rungs += rung.trials_stopped();
  EXPECT_EQ(stopped_in_rungs, stopped.load());
}

}  // namespace
}  // namespace hyperd
