// The server's limits (server/server_limits.h) through a real in-process server: each at its
// boundary (the limit is accepted, one more is refused with the precise code and the field or
// flag in the message) and a refusal changes nothing. Suggestions are held at a known point by
// pausing the worker pool, never by sleeping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "server/runtime.h"
#include "server/server_limits.h"
#include "server/worker_pool.h"
#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::BasicStudy;
using ::hyperd::testing::Call;
using ::testing::AllOf;
using ::testing::HasSubstr;
using Stub = v1::Hyperd::Stub;

grpc::Status Create(testing::TestServer& server, const std::string& id,
                    const v1::Study& study = BasicStudy()) {
  v1::CreateStudyRequest request;
  request.set_study_id(id);
  *request.mutable_study() = study;
  v1::Study response;
  return Call(server.stub(), &Stub::CreateStudy, request, &response);
}

int CountStudies(testing::TestServer& server) {
  v1::ListStudiesResponse response;
  EXPECT_TRUE(Call(server.stub(), &Stub::ListStudies, v1::ListStudiesRequest(), &response).ok());
  return response.studies_size();
}

int CountTrials(testing::TestServer& server, const std::string& study_id) {
  v1::ListTrialsRequest request;
  request.set_parent("studies/" + study_id);
  v1::ListTrialsResponse response;
  EXPECT_TRUE(Call(server.stub(), &Stub::ListTrials, request, &response).ok());
  return response.trials_size();
}

v1::SuggestTrialsRequest SuggestRequest(const std::string& study_id, const std::string& client,
                                        int count = 1) {
  v1::SuggestTrialsRequest request;
  request.set_parent("studies/" + study_id);
  request.set_client_id(client);
  request.set_count(count);
  return request;
}

grpc::Status Suggest(testing::TestServer& server, const std::string& study_id,
                     const std::string& client, int count = 1,
                     v1::SuggestTrialsResponse* out = nullptr) {
  v1::SuggestTrialsResponse response;
  grpc::Status status =
      Call(server.stub(), &Stub::SuggestTrials, SuggestRequest(study_id, client, count), &response);
  if (out != nullptr) *out = response;
  return status;
}

// A SuggestTrials call in flight (the callback API), for calls that must wait in the server.
struct PendingSuggest {
  PendingSuggest(testing::TestServer& server, const std::string& study_id,
                 const std::string& client)
      : request(SuggestRequest(study_id, client)) {
    server.stub().async()->SuggestTrials(&context, &request, &response, [this](grpc::Status s) {
      status = std::move(s);
      done.Notify();
    });
  }
  grpc::Status Wait() {
    done.WaitForNotification();
    return status;
  }

  grpc::ClientContext context;
  v1::SuggestTrialsRequest request;
  v1::SuggestTrialsResponse response;
  grpc::Status status;
  absl::Notification done;
};

server::ServerLimits Limits() { return server::ServerLimits(); }

// ---------------------------------------------------------------------------------------------
// Count limits: RESOURCE_EXHAUSTED, nothing changed

TEST(ServerLimits, StudiesUpToMaxStudiesThenResourceExhaustedUntilOneIsDeleted) {
  server::ServerLimits limits = Limits();
  limits.max_studies = 3;
  testing::TestServer server(limits);
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(Create(server, id).ok()) << id;

  grpc::Status refused = Create(server, "d");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("--max-studies=3"), HasSubstr("holds 3 studies"),
                    HasSubstr("delete finished studies")));
  EXPECT_EQ(CountStudies(server), 3);
  // Get-or-create of a study that exists creates nothing, so it still works at the limit.
  EXPECT_TRUE(Create(server, "a").ok());

  v1::DeleteStudyRequest del;
  del.set_name("studies/b");
  google::protobuf::Empty empty;
  ASSERT_TRUE(Call(server.stub(), &Stub::DeleteStudy, del, &empty).ok());
  EXPECT_TRUE(Create(server, "d").ok());
  EXPECT_EQ(CountStudies(server), 3);
}

TEST(ServerLimits, TrialsUpToMaxTrialsPerStudyThenSuggestAndCreateTrialAreRefused) {
  server::ServerLimits limits = Limits();
  limits.max_trials_per_study = 3;
  testing::TestServer server(limits);
  ASSERT_TRUE(Create(server, "s").ok());

  v1::SuggestTrialsResponse two;
  ASSERT_TRUE(Suggest(server, "s", "w1", 2, &two).ok());
  EXPECT_EQ(two.trials_size(), 2);
  // One place left: a partial answer with the reason, as with the study's own max_trials.
  v1::SuggestTrialsResponse last;
  ASSERT_TRUE(Suggest(server, "s", "w2", 2, &last).ok());
  EXPECT_EQ(last.trials_size(), 1);
  EXPECT_EQ(last.reason(), v1::SuggestTrialsResponse::MAX_TRIALS_REACHED);

  grpc::Status refused = Suggest(server, "s", "w3");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("studies/s"), HasSubstr("--max-trials-per-study=3")));

  v1::CreateTrialRequest create;
  create.set_parent("studies/s");
  *create.mutable_trial() = two.trials(0);
  v1::Trial trial;
  grpc::Status create_refused = Call(server.stub(), &Stub::CreateTrial, create, &trial);
  EXPECT_EQ(create_refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(create_refused.error_message(), HasSubstr("--max-trials-per-study"));
  EXPECT_EQ(CountTrials(server, "s"), 3);
  // A worker that holds a trial still gets it back (nothing new is created).
  v1::SuggestTrialsResponse again;
  ASSERT_TRUE(Suggest(server, "s", "w1", 2, &again).ok());
  EXPECT_EQ(again.trials_size(), 2);
}

TEST(ServerLimits, ConcurrentSuggestsPerClientAreBoundedWhileOtherClientsGoOn) {
  server::ServerLimits limits = Limits();
  limits.max_concurrent_suggests_per_client = 2;
  testing::TestServer server(limits);
  for (const char* id : {"s0", "s1", "s2"}) ASSERT_TRUE(Create(server, id).ok());
  server::WorkerPool& pool = server.server().worker_pool();
  pool.Pause();
  // Each study has its own suggestion strand: one queued task per call.
  PendingSuggest first(server, "s0", "a");
  PendingSuggest second(server, "s1", "a");
  pool.AwaitQueueDepth(2);
  EXPECT_EQ(server.server().runtime().SuggestsInFlight("a"), 2);

  grpc::Status refused = Suggest(server, "s2", "a");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("client_id: \"a\""), HasSubstr("2 SuggestTrials calls"),
                    HasSubstr("--max-concurrent-suggests-per-client=2")));
  EXPECT_EQ(CountTrials(server, "s2"), 0);

  PendingSuggest other_client(server, "s2", "b");
  pool.AwaitQueueDepth(3);
  pool.Resume();
  EXPECT_TRUE(first.Wait().ok()) << first.status.error_message();
  EXPECT_TRUE(second.Wait().ok()) << second.status.error_message();
  EXPECT_TRUE(other_client.Wait().ok()) << other_client.status.error_message();
  EXPECT_EQ(other_client.response.trials_size(), 1);
  // Answered calls no longer count.
  EXPECT_EQ(server.server().runtime().SuggestsInFlight(), 0);
  EXPECT_TRUE(Suggest(server, "s2", "a").ok());
}

TEST(ServerLimits, PendingSuggestsOverTheWholeServerAreBounded) {
  server::ServerLimits limits = Limits();
  limits.max_pending_suggests = 2;
  testing::TestServer server(limits);
  for (const char* id : {"s0", "s1", "s2"}) ASSERT_TRUE(Create(server, id).ok());
  server::WorkerPool& pool = server.server().worker_pool();
  pool.Pause();
  PendingSuggest first(server, "s0", "a");
  PendingSuggest second(server, "s1", "b");
  pool.AwaitQueueDepth(2);

  grpc::Status refused = Suggest(server, "s2", "c");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("server is busy"), HasSubstr("retry with backoff")));
  pool.Resume();
  EXPECT_TRUE(first.Wait().ok());
  EXPECT_TRUE(second.Wait().ok());
  EXPECT_EQ(CountTrials(server, "s2"), 0);
  EXPECT_TRUE(Suggest(server, "s2", "c").ok());
}

TEST(ServerLimits, AFullWorkerQueueRefusesSuggestionsWithoutChangingTheStudy) {
  server::ServerLimits limits = Limits();
  limits.max_queued_tasks = 1;
  testing::TestServer server(limits);
  for (const char* id : {"s0", "s1"}) ASSERT_TRUE(Create(server, id).ok());
  server::WorkerPool& pool = server.server().worker_pool();
  pool.Pause();
  PendingSuggest queued(server, "s0", "a");
  pool.AwaitQueueDepth(1);

  grpc::Status refused = Suggest(server, "s1", "b");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("retry with backoff"));
  pool.Resume();
  EXPECT_TRUE(queued.Wait().ok());
  EXPECT_EQ(CountTrials(server, "s1"), 0);
  EXPECT_EQ(server.server().runtime().SuggestsInFlight(), 0);
  // The study's strand was reset: the next call is served.
  EXPECT_TRUE(Suggest(server, "s1", "b").ok());
  EXPECT_EQ(CountTrials(server, "s1"), 1);
}

TEST(ServerLimits, LimitsBelowOneAreRefusedAtStartNamingTheFlag) {
  server::ServerOptions options;
  options.data_dir = ::testing::TempDir() + "limits-never-created";
  options.metrics_listen = "";
  options.listen = "127.0.0.1:0";
  options.limits.max_trials_per_study = 0;
  absl::StatusOr<std::unique_ptr<server::HyperdServer>> started =
      server::HyperdServer::Start(options);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(started.status().message(), HasSubstr("--max-trials-per-study"));
}

// ---------------------------------------------------------------------------------------------
// Sizes of one request: INVALID_ARGUMENT naming the field, nothing changed

v1::Study StudyWithParameters(int count) {
  v1::Study study = BasicStudy();
  auto* parameters = study.mutable_spec()->mutable_search_space()->mutable_parameters();
  parameters->Clear();
  for (int i = 0; i < count; ++i) {
    v1::ParameterSpec* p = parameters->Add();
    p->set_name(absl::StrCat("x", i));
    p->mutable_double_spec()->set_min(0);
    p->mutable_double_spec()->set_max(1);
  }
  return study;
}

TEST(RequestSizeLimits, AStudyOfMaxParametersIsAcceptedOneMoreIsInvalid) {
  testing::TestServer server;
  EXPECT_TRUE(Create(server, "wide", StudyWithParameters(server::kMaxParameters)).ok());
  grpc::Status refused = Create(server, "wider", StudyWithParameters(server::kMaxParameters + 1));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), AllOf(HasSubstr("study.spec.search_space.parameters"),
                                             HasSubstr("has 1001"), HasSubstr("at most 1000")));
  EXPECT_EQ(CountStudies(server), 1);
}

TEST(RequestSizeLimits, StringsAtTheirLimitAreAcceptedOneLongerIsInvalid) {
  testing::TestServer server;
  v1::Study study = BasicStudy();
  study.set_description(std::string(server::kMaxDescriptionLength, 'd'));
  (*study.mutable_user_attributes())["k"] = std::string(server::kMaxUserAttributeValueLength, 'v');
  study.mutable_spec()
      ->mutable_search_space()
      ->mutable_parameters(2)
      ->mutable_categorical_spec()
      ->add_values(std::string(server::kMaxCategoricalValueLength, 'c'));
  ASSERT_TRUE(Create(server, "edge", study).ok());

  struct Case {
    std::string field;
    std::function<void(v1::Study&)> lengthen;
  };
  const std::vector<Case> cases = {
      {"study.description", [](v1::Study& s) { s.mutable_description()->push_back('d'); }},
      {"study.user_attributes[\"k\"]",
       [](v1::Study& s) { (*s.mutable_user_attributes())["k"].push_back('v'); }},
      {"study.spec.search_space.parameters[2].categorical_spec.values[2]",
       [](v1::Study& s) {
         s.mutable_spec()
             ->mutable_search_space()
             ->mutable_parameters(2)
             ->mutable_categorical_spec()
             ->mutable_values(2)
             ->push_back('c');
       }},
      {"study.spec.objective.metric",
       [](v1::Study& s) {
         s.mutable_spec()->mutable_objective()->set_metric(
             std::string(server::kMaxMetricNameLength + 1, 'm'));
       }},
  };
  for (const Case& c : cases) {
    v1::Study longer = study;
    c.lengthen(longer);
    grpc::Status refused = Create(server, "longer", longer);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(refused.error_message(),
                AllOf(HasSubstr(c.field + ": is "), HasSubstr("characters long")))
        << c.field;
  }
  EXPECT_EQ(CountStudies(server), 1);

  // UpdateStudy checks the same sizes and leaves the study as it was.
  v1::UpdateStudyRequest update;
  update.mutable_study()->set_name("studies/edge");
  update.mutable_study()->set_description(std::string(server::kMaxDescriptionLength + 1, 'x'));
  update.mutable_update_mask()->add_paths("description");
  v1::Study updated;
  grpc::Status refused = Call(server.stub(), &Stub::UpdateStudy, update, &updated);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("study.description"));
  v1::GetStudyRequest get;
  get.set_name("studies/edge");
  v1::Study stored;
  ASSERT_TRUE(Call(server.stub(), &Stub::GetStudy, get, &stored).ok());
  EXPECT_EQ(stored.description(), study.description());
}

TEST(RequestSizeLimits, ClientIdsAndMetricsAtTheirLimitAreAcceptedOneMoreIsInvalid) {
  testing::TestServer server;
  ASSERT_TRUE(Create(server, "s").ok());
  const std::string longest_client(server::kMaxClientIdLength, 'w');
  v1::SuggestTrialsResponse suggested;
  ASSERT_TRUE(Suggest(server, "s", longest_client, 1, &suggested).ok());
  grpc::Status refused = Suggest(server, "s", longest_client + "w");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("client_id: is 257 characters long"));
  EXPECT_EQ(CountTrials(server, "s"), 1);

  v1::ReportMeasurementRequest report;
  report.set_name(suggested.trials(0).name());
  report.mutable_measurement()->set_step(1);
  auto& metrics = *report.mutable_measurement()->mutable_metrics();
  metrics["loss"] = 0.5;
  for (int i = 1; i < server::kMaxMetricsPerMeasurement; ++i) metrics[absl::StrCat("m", i)] = i;
  v1::ReportMeasurementResponse response;
  ASSERT_TRUE(Call(server.stub(), &Stub::ReportMeasurement, report, &response).ok());

  report.mutable_measurement()->set_step(2);
  metrics["one-too-many"] = 1;
  refused = Call(server.stub(), &Stub::ReportMeasurement, report, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("measurement.metrics"), HasSubstr("has 1001 metrics")));
  report.mutable_measurement()->mutable_metrics()->clear();
  (*report.mutable_measurement()->mutable_metrics())["loss"] = 0.4;
  (*report.mutable_measurement()->mutable_metrics())[std::string(129, 'n')] = 1;
  refused = Call(server.stub(), &Stub::ReportMeasurement, report, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("1-128 characters"));

  v1::GetTrialRequest get;
  get.set_name(suggested.trials(0).name());
  v1::Trial trial;
  ASSERT_TRUE(Call(server.stub(), &Stub::GetTrial, get, &trial).ok());
  ASSERT_EQ(trial.measurements_size(), 1);
  EXPECT_EQ(trial.measurements(0).step(), 1);
}

TEST(RequestSizeLimits, ThreeMegabytesOfSmallStringsAreRefusedCleanly) {
  testing::TestServer server;
  ASSERT_TRUE(Create(server, "s").ok());
  // ~3 MB of 6-byte categorical values: under the 4 MiB message limit, far over the value count.
  v1::Study study = BasicStudy();
  v1::CategoricalSpec& values = *study.mutable_spec()
                                     ->mutable_search_space()
                                     ->mutable_parameters(2)
                                     ->mutable_categorical_spec();
  for (int i = 0; i < 400'000; ++i) values.add_values(absl::StrCat("v", i % 100'000));
  ASSERT_GT(study.ByteSizeLong(), 3'000'000u);
  ASSERT_LT(study.ByteSizeLong(), 4'000'000u);
  grpc::Status refused = Create(server, "huge", study);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("study.spec.search_space.parameters[2].categorical_spec.values"),
                    HasSubstr("has 400002 values"), HasSubstr("at most 10000")));

  // The same bulk as trial user attributes.
  v1::CreateTrialRequest create;
  create.set_parent("studies/s");
  auto& attributes = *create.mutable_trial()->mutable_user_attributes();
  for (int i = 0; i < 250'000; ++i) attributes[absl::StrCat("k", i)] = "v";
  ASSERT_GT(create.ByteSizeLong(), 3'000'000u);
  v1::Trial trial;
  refused = Call(server.stub(), &Stub::CreateTrial, create, &trial);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(),
              AllOf(HasSubstr("trial.user_attributes"), HasSubstr("has 250000 entries")));

  EXPECT_EQ(CountStudies(server), 1);
  EXPECT_EQ(CountTrials(server, "s"), 0);
}

TEST(RequestSizeLimits, ARequestAboveMaxMessageBytesIsResourceExhausted) {
  testing::TestServer server;
  v1::Study study = BasicStudy();
  study.set_description(std::string(5 * 1024 * 1024, 'd'));
  grpc::Status refused = Create(server, "big", study);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(CountStudies(server), 0);
}

}  // namespace
}  // namespace hyperd
