// Trials through a real in-process gRPC server: idempotent suggestions, no trial given twice,
// limits, measurements (duplicates, order, divergence), the state machine, leases and restarts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::BasicStudy;
using ::hyperd::testing::Call;
using ::testing::HasSubstr;
using Stub = v1::Hyperd::Stub;
using v1::Trial;

class TrialLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { CreateStudy("s", BasicStudy()); }

  void CreateStudy(const std::string& id, const v1::Study& study) {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = study;
    v1::Study response;
    ASSERT_TRUE(Call(stub(), &Stub::CreateStudy, request, &response).ok());
  }

  Stub& stub() { return server_.stub(); }

  v1::SuggestTrialsResponse Suggest(const std::string& client, int count = 1,
                                    const std::string& study = "s") {
    v1::SuggestTrialsRequest request;
    request.set_parent("studies/" + study);
    request.set_client_id(client);
    request.set_count(count);
    v1::SuggestTrialsResponse response;
    grpc::Status status = Call(stub(), &Stub::SuggestTrials, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Report(const std::string& trial, int64_t step, double loss,
                      v1::ReportMeasurementResponse* response = nullptr,
                      const std::string& client = "") {
    v1::ReportMeasurementRequest request;
    request.set_name(trial);
    request.set_client_id(client);
    request.mutable_measurement()->set_step(step);
    (*request.mutable_measurement()->mutable_metrics())["loss"] = loss;
    v1::ReportMeasurementResponse ignored;
    return Call(stub(), &Stub::ReportMeasurement, request, response ? response : &ignored);
  }

  grpc::Status Complete(const std::string& trial, std::optional<double> loss,
                        Trial* out = nullptr) {
    v1::CompleteTrialRequest request;
    request.set_name(trial);
    if (loss) (*request.mutable_final_measurement()->mutable_metrics())["loss"] = *loss;
    Trial ignored;
    return Call(stub(), &Stub::CompleteTrial, request, out ? out : &ignored);
  }

  Trial Get(const std::string& trial) {
    v1::GetTrialRequest request;
    request.set_name(trial);
    Trial response;
    EXPECT_TRUE(Call(stub(), &Stub::GetTrial, request, &response).ok());
    return response;
  }

  v1::Study GetStudy(const std::string& id = "s") {
    v1::GetStudyRequest request;
    request.set_name("studies/" + id);
    v1::Study response;
    EXPECT_TRUE(Call(stub(), &Stub::GetStudy, request, &response).ok());
    return response;
  }

  void SetLimits(const v1::StudyLimits& limits, const std::string& path) {
    v1::UpdateStudyRequest request;
    request.mutable_study()->set_name("studies/s");
    *request.mutable_study()->mutable_limits() = limits;
    request.mutable_update_mask()->add_paths(path);
    v1::Study response;
    ASSERT_TRUE(Call(stub(), &Stub::UpdateStudy, request, &response).ok());
  }

  testing::TestServer server_;
};

TEST_F(TrialLifecycleTest, SuggestGivesAnActiveTrialWithALeaseAndValidParameters) {
  v1::SuggestTrialsResponse response = Suggest("worker-1");
  ASSERT_EQ(response.trials_size(), 1);
  const Trial& trial = response.trials(0);
  EXPECT_EQ(trial.name(), "studies/s/trials/0");
  EXPECT_EQ(trial.state(), Trial::ACTIVE);
  EXPECT_EQ(trial.client_id(), "worker-1");
  EXPECT_EQ(trial.origin(), "random");
  EXPECT_GT(trial.lease_expire_time().seconds(), 0);
  std::set<std::string> names;
  for (const auto& p : trial.parameters()) names.insert(p.name());
  EXPECT_TRUE(names.count("lr") && names.count("layers") && names.count("optimizer"));
}

TEST_F(TrialLifecycleTest, SuggestIsIdempotentPerClient) {
  const Trial first = Suggest("worker-1").trials(0);
  const Trial again = Suggest("worker-1").trials(0);
  EXPECT_EQ(again.name(), first.name());
  const Trial other = Suggest("worker-2").trials(0);
  EXPECT_NE(other.name(), first.name());
  // Asking for more returns the own trial first, then new ones.
  v1::SuggestTrialsResponse more = Suggest("worker-1", 3);
  ASSERT_EQ(more.trials_size(), 3);
  EXPECT_EQ(more.trials(0).name(), first.name());
}

TEST_F(TrialLifecycleTest, ConcurrentWorkersNeverShareATrial) {
  constexpr int kWorkers = 16;
  absl::Mutex mu;
  std::map<std::string, std::string> owner;  // trial -> client
  bool shared = false;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      const std::string client = "w" + std::to_string(w);
      for (int round = 0; round < 3; ++round) {
        v1::SuggestTrialsResponse response = Suggest(client, 2);
        for (const Trial& t : response.trials()) {
          absl::MutexLock lock(&mu);
          auto [it, inserted] = owner.emplace(t.name(), client);
          if (!inserted && it->second != client) shared = true;
        }
        for (const Trial& t : response.trials()) ASSERT_TRUE(Complete(t.name(), 1.0).ok());
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_FALSE(shared);
  EXPECT_EQ(owner.size(), static_cast<size_t>(kWorkers * 3 * 2));
}

TEST_F(TrialLifecycleTest, QueuedTrialsAreHandedOutFirst) {
  v1::CreateTrialRequest create;
  create.set_parent("studies/s");
  auto add = [&](const std::string& name, auto setter) {
    v1::Parameter* p = create.mutable_trial()->add_parameters();
    p->set_name(name);
    setter(p);
  };
  add("lr", [](v1::Parameter* p) { p->set_double_value(0.01); });
  add("layers", [](v1::Parameter* p) { p->set_int_value(2); });
  add("optimizer", [](v1::Parameter* p) { p->set_categorical_value("adam"); });
  Trial queued;
  ASSERT_TRUE(Call(stub(), &Stub::CreateTrial, create, &queued).ok());
  EXPECT_EQ(queued.state(), Trial::REQUESTED);
  EXPECT_EQ(queued.origin(), "user");
  const Trial given = Suggest("w").trials(0);
  EXPECT_EQ(given.name(), queued.name());
  EXPECT_EQ(given.state(), Trial::ACTIVE);
}

TEST_F(TrialLifecycleTest, CreateTrialValidatesParameters) {
  v1::CreateTrialRequest create;
  create.set_parent("studies/s");
  v1::Parameter* p = create.mutable_trial()->add_parameters();
  p->set_name("lr");
  p->set_double_value(5.0);  // above max
  Trial response;
  grpc::Status status = Call(stub(), &Stub::CreateTrial, create, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("lr"));
  EXPECT_EQ(GetStudy().trial_counts().requested(), 0);
}

TEST_F(TrialLifecycleTest, MaxParallelLimitsOpenTrials) {
  v1::StudyLimits limits;
  limits.set_max_parallel_trials(2);
  SetLimits(limits, "limits.max_parallel_trials");
  v1::SuggestTrialsResponse response = Suggest("a", 3);
  EXPECT_EQ(response.trials_size(), 2);
  EXPECT_EQ(response.reason(), v1::SuggestTrialsResponse::MAX_PARALLEL_REACHED);
  EXPECT_EQ(Suggest("b").trials_size(), 0);
  ASSERT_TRUE(Complete(response.trials(0).name(), 0.5).ok());
  EXPECT_EQ(Suggest("b").trials_size(), 1);
}

TEST_F(TrialLifecycleTest, MaxTrialsStopsSuggestionsAndCompletesTheStudy) {
  v1::StudyLimits limits;
  limits.set_max_trials(3);
  SetLimits(limits, "limits.max_trials");
  v1::SuggestTrialsResponse response = Suggest("a", 5);
  EXPECT_EQ(response.trials_size(), 3);
  EXPECT_EQ(response.reason(), v1::SuggestTrialsResponse::MAX_TRIALS_REACHED);
  for (const Trial& t : response.trials()) ASSERT_TRUE(Complete(t.name(), 1.0).ok());
  const v1::Study study = GetStudy();
  EXPECT_EQ(study.state(), v1::Study::COMPLETED);
  EXPECT_THAT(study.state_reason(), HasSubstr("max_trials"));
  EXPECT_EQ(Suggest("b").reason(), v1::SuggestTrialsResponse::STUDY_NOT_ACTIVE);
}

TEST_F(TrialLifecycleTest, TargetValueCompletesTheStudy) {
  v1::StudyLimits limits;
  limits.set_target_value(0.1);
  SetLimits(limits, "limits.target_value");
  ASSERT_TRUE(Complete(Suggest("a").trials(0).name(), 0.5).ok());
  EXPECT_EQ(GetStudy().state(), v1::Study::ACTIVE);
  ASSERT_TRUE(Complete(Suggest("a").trials(0).name(), 0.05).ok());
  EXPECT_EQ(GetStudy().state(), v1::Study::COMPLETED);
}

TEST_F(TrialLifecycleTest, ARepeatedStepIsADuplicateAndTheFirstValueStays) {
  const std::string trial = Suggest("w").trials(0).name();
  v1::ReportMeasurementResponse response;
  ASSERT_TRUE(Report(trial, 1, 0.9, &response).ok());
  EXPECT_FALSE(response.duplicate());
  ASSERT_TRUE(Report(trial, 1, 0.1, &response).ok());
  EXPECT_TRUE(response.duplicate());
  const Trial stored = Get(trial);
  ASSERT_EQ(stored.measurements_size(), 1);
  EXPECT_EQ(stored.measurements(0).metrics().at("loss"), 0.9);
}

TEST_F(TrialLifecycleTest, StepsMustNotGoBackwards) {
  const std::string trial = Suggest("w").trials(0).name();
  ASSERT_TRUE(Report(trial, 5, 0.5).ok());
  grpc::Status status = Report(trial, 3, 0.4);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("measurement.step"));
  EXPECT_EQ(Get(trial).measurements_size(), 1);
  EXPECT_EQ(Report(trial, -1, 0.4).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(TrialLifecycleTest, AReportWithoutTheObjectiveIsInvalid) {
  const std::string trial = Suggest("w").trials(0).name();
  v1::ReportMeasurementRequest request;
  request.set_name(trial);
  request.mutable_measurement()->set_step(1);
  (*request.mutable_measurement()->mutable_metrics())["accuracy"] = 0.5;
  v1::ReportMeasurementResponse response;
  grpc::Status status = Call(stub(), &Stub::ReportMeasurement, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("loss"));
}

TEST_F(TrialLifecycleTest, ReportsToUnknownOrFinishedTrialsAreRefused) {
  EXPECT_EQ(Report("studies/s/trials/99", 1, 0.5).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Report("studies/nope/trials/0", 1, 0.5).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Report("trials/0", 1, 0.5).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::string trial = Suggest("w").trials(0).name();
  ASSERT_TRUE(Complete(trial, 0.3).ok());
  grpc::Status status = Report(trial, 2, 0.2);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("SUCCEEDED"));
  EXPECT_EQ(Complete(trial, 0.1).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Get(trial).objective_value(), 0.3);
}

TEST_F(TrialLifecycleTest, AnotherClientCannotReportToATrial) {
  const std::string trial = Suggest("owner").trials(0).name();
  EXPECT_EQ(Report(trial, 1, 0.5, nullptr, "intruder").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Report(trial, 1, 0.5, nullptr, "owner").ok());
}

TEST_F(TrialLifecycleTest, CompleteWithoutAFinalMeasurementUsesTheLastReport) {
  const std::string trial = Suggest("w").trials(0).name();
  ASSERT_TRUE(Report(trial, 1, 0.8).ok());
  ASSERT_TRUE(Report(trial, 2, 0.6).ok());
  Trial done;
  ASSERT_TRUE(Complete(trial, std::nullopt, &done).ok());
  EXPECT_EQ(done.state(), Trial::SUCCEEDED);
  EXPECT_EQ(done.objective_value(), 0.6);
  const std::string empty = Suggest("w").trials(0).name();
  EXPECT_EQ(Complete(empty, std::nullopt).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Get(empty).state(), Trial::ACTIVE);
}

TEST_F(TrialLifecycleTest, AnIntermediateNonFiniteLossAsksTheJobToStop) {
  const std::string trial = Suggest("w").trials(0).name();
  v1::ReportMeasurementResponse response;
  ASSERT_TRUE(Report(trial, 1, std::nan(""), &response).ok());
  EXPECT_TRUE(response.should_stop());
  EXPECT_THAT(response.stop_reason(), HasSubstr("non-finite"));
  ASSERT_TRUE(Report(trial, 2, 0.5, &response).ok());
  EXPECT_TRUE(response.should_stop());  // every later reply says stop
  EXPECT_TRUE(std::isnan(Get(trial).measurements(0).metrics().at("loss")));
}

TEST_F(TrialLifecycleTest, AFinalNonFiniteLossFailsTheTrialAsWorst) {
  const std::string trial = Suggest("w").trials(0).name();
  Trial done;
  ASSERT_TRUE(Complete(trial, std::numeric_limits<double>::infinity(), &done).ok());
  EXPECT_EQ(done.state(), Trial::FAILED);
  EXPECT_EQ(done.reason(), "non-finite objective");
  EXPECT_TRUE(std::isinf(done.objective_value()));
  // It is never the best trial.
  ASSERT_TRUE(Complete(Suggest("w").trials(0).name(), 3.0).ok());
  v1::ListOptimalTrialsRequest request;
  request.set_parent("studies/s");
  v1::ListOptimalTrialsResponse best;
  ASSERT_TRUE(Call(stub(), &Stub::ListOptimalTrials, request, &best).ok());
  ASSERT_EQ(best.trials_size(), 1);
  EXPECT_EQ(best.trials(0).objective_value(), 3.0);
}

TEST_F(TrialLifecycleTest, StopTrialEndsPrunedWithItsLastMeasurement) {
  const std::string trial = Suggest("w").trials(0).name();
  ASSERT_TRUE(Report(trial, 1, 0.7).ok());
  v1::StopTrialRequest stop;
  stop.set_name(trial);
  Trial stopping;
  ASSERT_TRUE(Call(stub(), &Stub::StopTrial, stop, &stopping).ok());
  EXPECT_EQ(stopping.state(), Trial::STOPPING);
  v1::CheckTrialEarlyStoppingRequest check;
  check.set_name(trial);
  v1::CheckTrialEarlyStoppingResponse checked;
  ASSERT_TRUE(Call(stub(), &Stub::CheckTrialEarlyStopping, check, &checked).ok());
  EXPECT_TRUE(checked.should_stop());
  v1::ReportMeasurementResponse response;
  ASSERT_TRUE(Report(trial, 2, 0.65, &response).ok());
  EXPECT_TRUE(response.should_stop());
  Trial done;
  ASSERT_TRUE(Complete(trial, std::nullopt, &done).ok());
  EXPECT_EQ(done.state(), Trial::PRUNED);
  EXPECT_EQ(done.objective_value(), 0.65);
}

TEST_F(TrialLifecycleTest, InfeasibleAndFailedTrials) {
  v1::CompleteTrialRequest infeasible;
  infeasible.set_name(Suggest("w").trials(0).name());
  infeasible.set_infeasible(true);
  infeasible.set_infeasible_reason("out of memory");
  Trial done;
  ASSERT_TRUE(Call(stub(), &Stub::CompleteTrial, infeasible, &done).ok());
  EXPECT_EQ(done.state(), Trial::INFEASIBLE);
  EXPECT_EQ(done.reason(), "out of memory");
  v1::FailTrialRequest fail;
  fail.set_name(Suggest("w").trials(0).name());
  fail.set_reason("CUDA error");
  ASSERT_TRUE(Call(stub(), &Stub::FailTrial, fail, &done).ok());
  EXPECT_EQ(done.state(), Trial::FAILED);
  EXPECT_EQ(done.reason(), "CUDA error");
}

TEST_F(TrialLifecycleTest, ExpiredLeasesAreReclaimedAndHeartbeatsRenewThem) {
  const std::string silent = Suggest("gone").trials(0).name();
  const std::string alive = Suggest("alive").trials(0).name();
  server_.clock().Advance(absl::Minutes(6));
  v1::HeartbeatRequest beat;
  beat.set_name(alive);
  v1::HeartbeatResponse renewed;
  ASSERT_TRUE(Call(stub(), &Stub::Heartbeat, beat, &renewed).ok());
  server_.clock().Advance(absl::Minutes(5));  // 11 minutes: past the 10-minute lease of `silent`
  EXPECT_EQ(server_.Reap(), 1);
  const Trial reclaimed = Get(silent);
  EXPECT_EQ(reclaimed.state(), Trial::FAILED);
  EXPECT_EQ(reclaimed.reason(), "lease expired");
  EXPECT_EQ(Get(alive).state(), Trial::ACTIVE);
  EXPECT_EQ(Call(
                stub(), &Stub::Heartbeat,
                [&] {
                  v1::HeartbeatRequest r;
                  r.set_name(silent);
                  return r;
                }(),
                &renewed)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // The reclaimed worker's slot is free again and its client gets a new trial.
  EXPECT_NE(Suggest("gone").trials(0).name(), silent);
}

TEST_F(TrialLifecycleTest, EverythingSurvivesARestartAndOpenTrialsGetFreshLeases) {
  const std::string trial = Suggest("w").trials(0).name();
  ASSERT_TRUE(Report(trial, 1, 0.9).ok());
  ASSERT_TRUE(Report(trial, 2, 0.8).ok());
  const std::string done = Suggest("v").trials(0).name();
  ASSERT_TRUE(Complete(done, 0.4).ok());
  server_.clock().Advance(absl::Minutes(9));
  server_.Restart();
  const Trial reloaded = Get(trial);
  EXPECT_EQ(reloaded.state(), Trial::ACTIVE);
  ASSERT_EQ(reloaded.measurements_size(), 2);
  EXPECT_EQ(reloaded.measurements(1).metrics().at("loss"), 0.8);
  EXPECT_EQ(Get(done).objective_value(), 0.4);
  server_.clock().Advance(absl::Minutes(9));  // 18 minutes after suggest, 9 after the restart
  EXPECT_EQ(server_.Reap(), 0);
  // The worker resumes its own trial.
  EXPECT_EQ(Suggest("w").trials(0).name(), trial);
}

TEST_F(TrialLifecycleTest, SamplersContinueAfterARestartExactlyAsWithout) {
  v1::Study sobol = BasicStudy();
  sobol.mutable_spec()->mutable_sampler()->mutable_sobol();
  CreateStudy("restarted", sobol);
  CreateStudy("uninterrupted", sobol);
  ASSERT_EQ(Suggest("w", 3, "restarted").trials_size(), 3);
  server_.Restart();
  ASSERT_EQ(Suggest("x", 2, "restarted").trials_size(), 2);
  ASSERT_EQ(Suggest("w", 5, "uninterrupted").trials_size(), 5);
  server_.Restart();  // the status line is recomputed from the stored sampler state
  EXPECT_EQ(GetStudy("restarted").sampler_status(), GetStudy("uninterrupted").sampler_status());
  EXPECT_THAT(GetStudy("restarted").sampler_status(), HasSubstr("5"));
  for (int i = 0; i < 5; ++i) {
    // Compare the parameters only: names, times and clients differ.
    const Trial a = Get("studies/restarted/trials/" + std::to_string(i));
    const Trial b = Get("studies/uninterrupted/trials/" + std::to_string(i));
    EXPECT_EQ(a.parameters().size(), b.parameters().size());
    for (int p = 0; p < a.parameters_size(); ++p) {
      EXPECT_EQ(a.parameters(p).ShortDebugString(), b.parameters(p).ShortDebugString()) << i;
    }
  }
}

TEST_F(TrialLifecycleTest, GridStudiesReportSpaceExhausted) {
  v1::Study grid = BasicStudy();
  auto* space = grid.mutable_spec()->mutable_search_space();
  space->clear_parameters();
  auto* p = space->add_parameters();
  p->set_name("opt");
  p->mutable_categorical_spec()->add_values("a");
  p->mutable_categorical_spec()->add_values("b");
  p->mutable_categorical_spec()->add_values("c");
  grid.mutable_spec()->mutable_sampler()->mutable_grid();
  CreateStudy("grid", grid);
  v1::SuggestTrialsResponse response = Suggest("w", 5, "grid");
  EXPECT_EQ(response.trials_size(), 3);
  EXPECT_EQ(response.reason(), v1::SuggestTrialsResponse::SPACE_EXHAUSTED);
  std::set<std::string> values;
  for (const Trial& t : response.trials()) values.insert(t.parameters(0).categorical_value());
  EXPECT_EQ(values, (std::set<std::string>{"a", "b", "c"}));
}

TEST_F(TrialLifecycleTest, ContextMustMatchTheDeclaredDimension) {
  v1::Study study = BasicStudy();
  study.mutable_spec()->set_context_dimension(2);
  CreateStudy("ctx", study);
  v1::SuggestTrialsRequest request;
  request.set_parent("studies/ctx");
  request.set_client_id("w");
  request.add_context(1.0);
  v1::SuggestTrialsResponse response;
  grpc::Status status = Call(stub(), &Stub::SuggestTrials, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("context"));
  request.add_context(2.0);
  ASSERT_TRUE(Call(stub(), &Stub::SuggestTrials, request, &response).ok());
  EXPECT_THAT(response.trials(0).context(), ::testing::ElementsAre(1.0, 2.0));
}

TEST_F(TrialLifecycleTest, SuggestRequestsAreValidated) {
  v1::SuggestTrialsRequest request;
  request.set_parent("studies/s");
  v1::SuggestTrialsResponse response;
  EXPECT_EQ(Call(stub(), &Stub::SuggestTrials, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no client_id
  request.set_client_id("w");
  request.set_count(101);
  EXPECT_EQ(Call(stub(), &Stub::SuggestTrials, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_count(1);
  request.set_parent("studies/absent");
  EXPECT_EQ(Call(stub(), &Stub::SuggestTrials, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(TrialLifecycleTest, ListTrialsFiltersAndPaginates) {
  for (int i = 0; i < 7; ++i) {
    const std::string trial = Suggest("w" + std::to_string(i)).trials(0).name();
    if (i % 2 == 0) {
      ASSERT_TRUE(Complete(trial, i).ok());
    }
  }
  v1::ListTrialsRequest request;
  request.set_parent("studies/s");
  request.add_states(Trial::SUCCEEDED);
  request.set_page_size(3);
  std::vector<int64_t> numbers;
  std::string first_token;
  do {
    v1::ListTrialsResponse response;
    ASSERT_TRUE(Call(stub(), &Stub::ListTrials, request, &response).ok());
    for (const Trial& t : response.trials()) numbers.push_back(t.number());
    if (first_token.empty()) first_token = response.next_page_token();
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_THAT(numbers, ::testing::ElementsAre(0, 2, 4, 6));
  // A token is bound to its filter.
  request.clear_states();
  request.set_page_token(first_token);
  v1::ListTrialsResponse response;
  grpc::Status status = Call(stub(), &Stub::ListTrials, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

TEST_F(TrialLifecycleTest, ServerInfoAndMetricsCountRequestsByCode) {
  v1::ServerInfo info;
  ASSERT_TRUE(Call(stub(), &Stub::GetServerInfo, v1::GetServerInfoRequest(), &info).ok());
  EXPECT_FALSE(info.version().empty());
  EXPECT_EQ(info.durability(), "normal");
  EXPECT_EQ(Report("studies/s/trials/42", 1, 0.5).error_code(), grpc::StatusCode::NOT_FOUND);
  const std::string text = server_.server().MetricsText();
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{"));
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "grpc_server_handled_total\\{[^}]*grpc_code=\"NotFound\"[^}]*grpc_method="
                        "\"ReportMeasurement\"[^}]*\\} 1"));
  EXPECT_THAT(text, HasSubstr("hyperd_trials{state=\"active\"}"));
}

TEST_F(TrialLifecycleTest, MetricsIncludeProcessAndStorageFileSystemFigures) {
  const std::string text = server_.server().MetricsText();
  for (const char* name :
       {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
        "process_virtual_memory_bytes ", "process_start_time_seconds ", "process_open_fds ",
        "process_max_fds ", "hyperd_storage_database_bytes ", "hyperd_storage_wal_bytes ",
        "hyperd_storage_filesystem_avail_bytes ", "hyperd_storage_filesystem_size_bytes "}) {
    EXPECT_THAT(text, HasSubstr(std::string("\n") + name)) << name;
  }
  // The process started within the last hour, and the file system has room for the database.
  const auto value = [&text](const std::string& name) {
    const size_t at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + name.size() + 2));
  };
  const double now = absl::ToUnixSeconds(absl::Now());
  EXPECT_GT(value("process_start_time_seconds"), now - 3600);
  EXPECT_LE(value("process_start_time_seconds"), now + 1);
  EXPECT_GT(value("process_open_fds"), 2);
  EXPECT_GT(value("hyperd_storage_filesystem_size_bytes"), 0);
  EXPECT_LE(value("hyperd_storage_filesystem_avail_bytes"),
            value("hyperd_storage_filesystem_size_bytes"));
  EXPECT_THAT(text, HasSubstr("grpc_type=\"unary\""));
}

}  // namespace
}  // namespace hyperd
