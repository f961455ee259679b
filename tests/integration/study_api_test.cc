// Studies through a real in-process gRPC server: get-or-create, validation of bad input (precise
// status, nothing changed), pagination, state changes, updates and deletion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "google/protobuf/text_format.h"
#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::BasicStudy;
using ::hyperd::testing::Call;
using ::testing::HasSubstr;
using Stub = v1::Hyperd::Stub;

class StudyApiTest : public ::testing::Test {
 protected:
  grpc::Status Create(const std::string& id, const v1::Study& study, v1::Study* out = nullptr) {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = study;
    v1::Study response;
    grpc::Status status = Call(server_.stub(), &Stub::CreateStudy, request, &response);
    if (out != nullptr) *out = response;
    return status;
  }

  int CountStudies() {
    v1::ListStudiesResponse response;
    EXPECT_TRUE(Call(server_.stub(), &Stub::ListStudies, v1::ListStudiesRequest(), &response).ok());
    return response.studies_size();
  }

  // Asserts `study` is refused with INVALID_ARGUMENT naming `field`, and nothing was created.
  void ExpectInvalid(const v1::Study& study, const std::string& field) {
    grpc::Status status = Create("bad", study);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
    EXPECT_EQ(CountStudies(), 0);
  }

  v1::ParameterSpec* Param(v1::Study& study, int i) {
    return study.mutable_spec()->mutable_search_space()->mutable_parameters(i);
  }

  testing::TestServer server_;
};

TEST_F(StudyApiTest, CreateIsGetOrCreateForTheSameSpec) {
  v1::Study first, second;
  ASSERT_TRUE(Create("mnist", BasicStudy(), &first).ok());
  ASSERT_TRUE(Create("mnist", BasicStudy(), &second).ok());
  EXPECT_EQ(first.name(), "studies/mnist");
  EXPECT_EQ(second.create_time().seconds(), first.create_time().seconds());
  EXPECT_EQ(CountStudies(), 1);
}

TEST_F(StudyApiTest, CreateFillsDefaults) {
  v1::Study study = BasicStudy();
  study.mutable_spec()->clear_sampler();
  study.mutable_spec()->set_seed(0);
  v1::Study created;
  ASSERT_TRUE(Create("defaults", study, &created).ok());
  EXPECT_TRUE(created.spec().sampler().has_random());
  EXPECT_TRUE(created.spec().scheduler().has_fifo());
  EXPECT_NE(created.spec().seed(), 0u);
  EXPECT_EQ(created.limits().lease_duration().seconds(), 600);
  EXPECT_EQ(created.state(), v1::Study::ACTIVE);
  // Without a seed the same request still gets the existing study.
  EXPECT_TRUE(Create("defaults", study).ok());
}

TEST_F(StudyApiTest, CreateWithADifferentSpecIsAlreadyExistsNamingTheDifference) {
  ASSERT_TRUE(Create("mnist", BasicStudy()).ok());
  v1::Study other = BasicStudy();
  Param(other, 0)->mutable_double_spec()->set_max(0.5);
  grpc::Status status = Create("mnist", other);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("max"));
}

TEST_F(StudyApiTest, ValidateOnlyCreatesNothing) {
  v1::CreateStudyRequest request;
  request.set_study_id("dry-run");
  *request.mutable_study() = BasicStudy();
  request.set_validate_only(true);
  v1::Study response;
  ASSERT_TRUE(Call(server_.stub(), &Stub::CreateStudy, request, &response).ok());
  EXPECT_EQ(response.name(), "studies/dry-run");
  EXPECT_EQ(CountStudies(), 0);
}

TEST_F(StudyApiTest, BadStudyIdsAreInvalid) {
  for (const std::string& id :
       std::vector<std::string>{"", "Upper", "-dash-first", "has space", std::string(64, 'a')}) {
    grpc::Status status = Create(id, BasicStudy());
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << id;
    EXPECT_THAT(status.error_message(), HasSubstr("study_id"));
  }
  EXPECT_EQ(CountStudies(), 0);
}

TEST_F(StudyApiTest, EmptySearchSpaceIsInvalid) {
  v1::Study study = BasicStudy();
  study.mutable_spec()->mutable_search_space()->clear_parameters();
  ExpectInvalid(study, "search_space.parameters");
}

TEST_F(StudyApiTest, EmptyParameterNameIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 1)->set_name("");
  ExpectInvalid(study, "parameters[1]");
}

TEST_F(StudyApiTest, DuplicateParameterNameIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 1)->set_name("lr");
  ExpectInvalid(study, "parameters[1]");
}

TEST_F(StudyApiTest, MinAboveMaxIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 1)->mutable_integer_spec()->set_min(9);
  ExpectInvalid(study, "parameters[1]");
}

TEST_F(StudyApiTest, LogScaleWithNonPositiveMinIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 0)->mutable_double_spec()->set_min(0);
  ExpectInvalid(study, "parameters[0]");
}

TEST_F(StudyApiTest, NonFiniteBoundsAreInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 3)->mutable_double_spec()->set_max(std::numeric_limits<double>::infinity());
  ExpectInvalid(study, "parameters[3]");
  Param(study, 3)->mutable_double_spec()->set_max(std::nan(""));
  ExpectInvalid(study, "parameters[3]");
}

TEST_F(StudyApiTest, EmptyCategoricalListIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 2)->mutable_categorical_spec()->clear_values();
  ExpectInvalid(study, "parameters[2]");
}

TEST_F(StudyApiTest, NegativeStepIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 3)->mutable_double_spec()->set_step(-0.1);
  ExpectInvalid(study, "parameters[3]");
}

TEST_F(StudyApiTest, ParameterWithoutTypeIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 1)->clear_integer_spec();
  ExpectInvalid(study, "parameters[1]");
}

TEST_F(StudyApiTest, ConditionOnUnknownParentIsInvalid) {
  v1::Study study = BasicStudy();
  Param(study, 3)->mutable_condition()->set_parent("nope");
  ExpectInvalid(study, "parameters[3]");
}

TEST_F(StudyApiTest, MissingObjectiveMetricIsInvalid) {
  v1::Study study = BasicStudy();
  study.mutable_spec()->mutable_objective()->clear_metric();
  ExpectInvalid(study, "objective.metric");
}

TEST_F(StudyApiTest, BadLimitsAreInvalid) {
  v1::Study study = BasicStudy();
  study.mutable_limits()->set_max_trials(-1);
  ExpectInvalid(study, "limits.max_trials");
  study = BasicStudy();
  study.mutable_limits()->mutable_lease_duration()->set_seconds(0);
  study.mutable_limits()->mutable_lease_duration()->set_nanos(1000);
  ExpectInvalid(study, "limits.lease_duration");
  study = BasicStudy();
  study.mutable_limits()->set_target_value(std::nan(""));
  ExpectInvalid(study, "limits.target_value");
}

TEST_F(StudyApiTest, ScheduleBlockIsRefusedUntilSupported) {
  v1::Study study = BasicStudy();
  study.mutable_spec()->mutable_schedule();
  ExpectInvalid(study, "spec.schedule");
}

TEST_F(StudyApiTest, GridSettingsOutOfRangeAreInvalid) {
  v1::Study study = BasicStudy();
  study.mutable_spec()->mutable_sampler()->mutable_grid()->set_points_per_continuous_parameter(1);
  ExpectInvalid(study, "sampler.grid");
}

TEST_F(StudyApiTest, UnknownStudyIsNotFound) {
  v1::GetStudyRequest request;
  request.set_name("studies/missing");
  v1::Study response;
  grpc::Status status = Call(server_.stub(), &Stub::GetStudy, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  request.set_name("nonsense");
  status = Call(server_.stub(), &Stub::GetStudy, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("studies/{study_id}"));
}

TEST_F(StudyApiTest, ListStudiesPaginatesWithTokens) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Create("s" + std::to_string(i), BasicStudy()).ok());
  std::vector<std::string> names;
  v1::ListStudiesRequest request;
  request.set_page_size(2);
  int pages = 0;
  do {
    v1::ListStudiesResponse response;
    ASSERT_TRUE(Call(server_.stub(), &Stub::ListStudies, request, &response).ok());
    for (const auto& s : response.studies()) names.push_back(s.name());
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(names, ::testing::ElementsAre("studies/s0", "studies/s1", "studies/s2", "studies/s3",
                                            "studies/s4"));
}

TEST_F(StudyApiTest, PageSizeAbuseIsHandled) {
  v1::ListStudiesRequest request;
  v1::ListStudiesResponse response;
  request.set_page_size(-5);
  EXPECT_EQ(Call(server_.stub(), &Stub::ListStudies, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_size(1'000'000'000);  // capped, not an error
  EXPECT_TRUE(Call(server_.stub(), &Stub::ListStudies, request, &response).ok());
  request.set_page_size(0);
  request.set_page_token("garbage!");
  grpc::Status status = Call(server_.stub(), &Stub::ListStudies, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

TEST_F(StudyApiTest, PauseResumeAndCompleteControlSuggestions) {
  ASSERT_TRUE(Create("s", BasicStudy()).ok());
  v1::SetStudyStateRequest state;
  state.set_name("studies/s");
  state.set_state(v1::Study::PAUSED);
  v1::Study study;
  ASSERT_TRUE(Call(server_.stub(), &Stub::SetStudyState, state, &study).ok());
  EXPECT_EQ(study.state(), v1::Study::PAUSED);

  v1::SuggestTrialsRequest suggest;
  suggest.set_parent("studies/s");
  suggest.set_client_id("w");
  v1::SuggestTrialsResponse suggested;
  ASSERT_TRUE(Call(server_.stub(), &Stub::SuggestTrials, suggest, &suggested).ok());
  EXPECT_EQ(suggested.trials_size(), 0);
  EXPECT_EQ(suggested.reason(), v1::SuggestTrialsResponse::STUDY_NOT_ACTIVE);

  state.set_state(v1::Study::ACTIVE);
  ASSERT_TRUE(Call(server_.stub(), &Stub::SetStudyState, state, &study).ok());
  ASSERT_TRUE(Call(server_.stub(), &Stub::SuggestTrials, suggest, &suggested).ok());
  EXPECT_EQ(suggested.trials_size(), 1);

  state.set_state(v1::Study::STATE_UNSPECIFIED);
  EXPECT_EQ(Call(server_.stub(), &Stub::SetStudyState, state, &study).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(StudyApiTest, UpdateStudyChangesLimitsButNotTheSpec) {
  ASSERT_TRUE(Create("s", BasicStudy()).ok());
  v1::UpdateStudyRequest update;
  update.mutable_study()->set_name("studies/s");
  update.mutable_study()->mutable_limits()->set_max_trials(10);
  update.mutable_study()->set_description("sweep");
  update.mutable_update_mask()->add_paths("limits.max_trials");
  update.mutable_update_mask()->add_paths("description");
  v1::Study study;
  ASSERT_TRUE(Call(server_.stub(), &Stub::UpdateStudy, update, &study).ok());
  EXPECT_EQ(study.limits().max_trials(), 10);
  EXPECT_EQ(study.description(), "sweep");
  EXPECT_EQ(study.limits().lease_duration().seconds(), 600);

  update.mutable_update_mask()->add_paths("spec");
  grpc::Status status = Call(server_.stub(), &Stub::UpdateStudy, update, &study);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("spec"));

  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("limits.max_parallel_trials");
  update.mutable_study()->mutable_limits()->set_max_parallel_trials(-3);
  status = Call(server_.stub(), &Stub::UpdateStudy, update, &study);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetStudyRequest get;
  get.set_name("studies/s");
  ASSERT_TRUE(Call(server_.stub(), &Stub::GetStudy, get, &study).ok());
  EXPECT_EQ(study.limits().max_parallel_trials(), 0);  // unchanged by the refused update
}

TEST_F(StudyApiTest, DeleteRemovesTheStudyForGood) {
  ASSERT_TRUE(Create("s", BasicStudy()).ok());
  v1::DeleteStudyRequest request;
  request.set_name("studies/s");
  google::protobuf::Empty empty;
  ASSERT_TRUE(Call(server_.stub(), &Stub::DeleteStudy, request, &empty).ok());
  EXPECT_EQ(Call(server_.stub(), &Stub::DeleteStudy, request, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  server_.Restart();
  EXPECT_EQ(CountStudies(), 0);
}

TEST_F(StudyApiTest, StudiesSurviveARestart) {
  v1::Study study = BasicStudy();
  study.set_description("kept");
  ASSERT_TRUE(Create("s", study).ok());
  server_.Restart();
  v1::GetStudyRequest get;
  get.set_name("studies/s");
  v1::Study loaded;
  ASSERT_TRUE(Call(server_.stub(), &Stub::GetStudy, get, &loaded).ok());
  EXPECT_EQ(loaded.description(), "kept");
  EXPECT_EQ(loaded.spec().seed(), 7u);
}

TEST_F(StudyApiTest, OversizedMessagesAreRefused) {
  auto channel = grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::Hyperd::NewStub(channel);
  v1::Study study = BasicStudy();
  study.set_description(std::string(5 * 1024 * 1024, 'x'));
  v1::CreateStudyRequest request;
  request.set_study_id("big");
  *request.mutable_study() = study;
  v1::Study response;
  grpc::Status status = Call(*stub, &Stub::CreateStudy, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(CountStudies(), 0);
}

}  // namespace
}  // namespace hyperd
