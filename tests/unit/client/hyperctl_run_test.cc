// hyperctl run in-process against a fake server: what each command sends and prints, and its
// exit codes.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "client/cli/hyperctl.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/unit/client/fake_hyperd.h"
#include "tests/unit/client/test_messages.h"
#include "tests/unit/client/test_names.h"

namespace hyperd::cli {
namespace {

using ::hyperd::testing::FakeHyperd;
using ::hyperd::testing::ClientStudy;
using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

class HyperctlTest : public ::testing::Test {
 protected:
  Result Run(std::vector<std::string> args, std::string token = "") {
    Environment environment;
    environment.address = fake_.address();
    environment.token = std::move(token);
    std::ostringstream out, err;
    Result result;
    result.code = RunHyperctl(args, environment, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  int TotalCalls() {
    int total = 0;
    for (const char* method :
         {"CreateStudy", "GetStudy", "ListStudies", "SetStudyState", "DeleteStudy", "SuggestTrials",
          "GetTrial", "ListTrials", "ReportMeasurement", "CompleteTrial", "FailTrial", "StopTrial",
          "ListOptimalTrials", "GetServerInfo"}) {
      total += fake_.service().calls(method);
    }
    return total;
  }

  void ServeStudy() {
    fake_.service().GetStudyHandler = [](const v1::GetStudyRequest& request, v1::Study* study) {
      if (request.name() != "studies/mnist") {
        return grpc::Status(grpc::StatusCode::NOT_FOUND,
                            "study " + request.name() + " not found; list studies with ...");
      }
      *study = ClientStudy();
      return grpc::Status::OK;
    };
  }

  FakeHyperd fake_;
};

TEST_F(HyperctlTest, ReportSendsStepMetricsAndElapsedToTheNamedTrial) {
  v1::ReportMeasurementRequest sent;
  fake_.service().ReportMeasurementHandler = [&sent](const v1::ReportMeasurementRequest& request,
                                                     v1::ReportMeasurementResponse*) {
    sent = request;
    return grpc::Status::OK;
  };
  Result result = Run({"report", "mnist", "3", "--step", "5", "--metric", "loss=0.25",
                       "--metric=acc=0.9", "--elapsed=90s"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(sent.name(), "studies/mnist/trials/3");
  EXPECT_EQ(sent.measurement().step(), 5);
  EXPECT_EQ(sent.measurement().metrics().at("loss"), 0.25);
  EXPECT_EQ(sent.measurement().metrics().at("acc"), 0.9);
  EXPECT_EQ(sent.measurement().elapsed().seconds(), 90);
  EXPECT_THAT(result.out, HasSubstr("should stop:  no\n"));
}

TEST_F(HyperctlTest, CompleteWithValueUsesTheObjectiveMetricAtTheLastReportedStep) {
  ServeStudy();
  fake_.service().GetTrialHandler = [](const v1::GetTrialRequest& request, v1::Trial* trial) {
    *trial = ParseText<v1::Trial>("measurements { step: 2 } measurements { step: 7 }");
    trial->set_name(request.name());
    return grpc::Status::OK;
  };
  v1::CompleteTrialRequest sent;
  fake_.service().CompleteTrialHandler = [&sent](const v1::CompleteTrialRequest& request,
                                                 v1::Trial* trial) {
    sent = request;
    trial->set_name(request.name());
    trial->set_state(v1::Trial::SUCCEEDED);
    trial->set_objective_value(0.125);
    return grpc::Status::OK;
  };
  Result result = Run({"complete", "studies/mnist/trials/2", "--value", "0.125"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(sent.name(), "studies/mnist/trials/2");
  EXPECT_EQ(sent.final_measurement().step(), 7);
  ASSERT_EQ(sent.final_measurement().metrics().size(), 1u);
  EXPECT_EQ(sent.final_measurement().metrics().at("loss"), 0.125);
  EXPECT_FALSE(sent.infeasible());
  EXPECT_EQ(result.out, "studies/mnist/trials/2: SUCCEEDED, objective 0.125\n");
}

TEST_F(HyperctlTest, CompleteInfeasibleSendsTheReasonAndNoMeasurement) {
  v1::CompleteTrialRequest sent;
  fake_.service().CompleteTrialHandler = [&sent](const v1::CompleteTrialRequest& request,
                                                 v1::Trial* trial) {
    sent = request;
    trial->set_state(v1::Trial::INFEASIBLE);
    return grpc::Status::OK;
  };
  Result result = Run({"complete", "mnist", "2", "--infeasible", "--reason", "out of memory"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_TRUE(sent.infeasible());
  EXPECT_EQ(sent.infeasible_reason(), "out of memory");
  EXPECT_FALSE(sent.has_final_measurement());
}

TEST_F(HyperctlTest, SuggestShowsWhyNoTrialCameBack) {
  v1::SuggestTrialsRequest sent;
  fake_.service().SuggestTrialsHandler = [&sent](const v1::SuggestTrialsRequest& request,
                                                 v1::SuggestTrialsResponse* response) {
    sent = request;
    response->set_reason(v1::SuggestTrialsResponse::STUDY_NOT_ACTIVE);
    return grpc::Status::OK;
  };
  Result result = Run({"suggest", "mnist", "--count", "2", "--client-id", "w1"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(sent.parent(), "studies/mnist");
  EXPECT_EQ(sent.count(), 2);
  EXPECT_EQ(sent.client_id(), "w1");
  EXPECT_EQ(result.out, "no trials returned: STUDY_NOT_ACTIVE\n");
}

TEST_F(HyperctlTest, SuggestUsesADefaultClientIdWhenNoneIsGiven) {
  v1::SuggestTrialsRequest sent;
  fake_.service().SuggestTrialsHandler = [&sent](const v1::SuggestTrialsRequest& request,
                                                 v1::SuggestTrialsResponse*) {
    sent = request;
    return grpc::Status::OK;
  };
  ASSERT_EQ(Run({"suggest", "mnist"}).code, 0);
  EXPECT_EQ(sent.count(), 1);
  EXPECT_THAT(sent.client_id(), ::testing::MatchesRegex("[^:]+:[0-9]+:[0-9a-f]{16}"));
}

TEST_F(HyperctlTest, ServerErrorsExitOneWithTheCodeAndMessage) {
  ServeStudy();
  Result result = Run({"study", "show", "nope"});
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "hyperctl: NOT_FOUND: study studies/nope not found; list studies with ...\n");
}

TEST_F(HyperctlTest, AnUnreachableServerExitsOneWithAHint) {
  Environment environment;
  environment.address = "127.0.0.1:1";
  std::ostringstream out, err;
  EXPECT_EQ(RunHyperctl({"info", "--deadline=2s"}, environment, out, err), 1);
  EXPECT_THAT(err.str(), StartsWith("hyperctl: UNAVAILABLE: "));
  EXPECT_THAT(err.str(), HasSubstr("is hyperd running there? Set --server or HYPERD_ADDRESS"));
}

struct UsageCase {
  std::vector<std::string> args;
  std::string message;
};

void PrintTo(const UsageCase& c, std::ostream* os) { *os << absl::StrJoin(c.args, " "); }

class HyperctlUsageTest : public HyperctlTest, public ::testing::WithParamInterface<UsageCase> {};

TEST_P(HyperctlUsageTest, ExitsTwoBeforeCallingTheServer) {
  Result result = Run(GetParam().args);
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, StartsWith("hyperctl: INVALID_ARGUMENT: "));
  EXPECT_THAT(result.err, HasSubstr(GetParam().message));
  EXPECT_EQ(TotalCalls(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    , HyperctlUsageTest,
    ::testing::Values(
        UsageCase{{"suggest", "mnist", "--count", "0"}, "--count=0 is out of range"},
        UsageCase{{"suggest", "mnist", "--count", "two"}, "--count=two is not an integer"},
        UsageCase{{"report", "mnist", "1", "--metric", "loss=1"}, "'report' needs --step S"},
        UsageCase{{"report", "mnist", "1", "--step", "1"}, "at least one --metric"},
        UsageCase{{"report", "mnist", "1", "--step", "1", "--metric", "loss"},
                  "--metric loss is not NAME=VALUE"},
        UsageCase{{"report", "mnist", "1", "--step", "1", "--metric", "a=1", "--metric", "a=2"},
                  "--metric a is given twice"},
        UsageCase{{"complete", "mnist", "1", "--value", "1", "--infeasible"},
                  "one of --value, --metric or --infeasible"},
        UsageCase{{"complete", "mnist", "1", "--reason", "x"}, "--reason goes with --infeasible"},
        UsageCase{{"complete", "mnist", "1", "--value", "abc"}, "--value=abc is not a number"},
        UsageCase{{"fail", "mnist", "1"}, "'fail' needs --reason"},
        UsageCase{{"trial", "list", "mnist", "--state=ACTIVE,RUNNING"},
                  "unknown trial state 'RUNNING'"},
        UsageCase{{"info", "-o", "yaml"}, "--output=yaml is not a format"},
        UsageCase{{"info", "--deadline", "soon"}, "--deadline=soon is not a positive duration"},
        UsageCase{{"export", "mnist", "--format", "xml"}, "--format=csv or --format=json"},
        UsageCase{{"study", "create"}, "needs the spec file: -f FILE"},
        UsageCase{{"study", "create", "-f", "/nonexistent/spec.json"},
                  "cannot read /nonexistent/spec.json"},
        UsageCase{{"trial", "show", "mnist", "x"}, "trial number 'x'"},
        UsageCase{{"study", "show"}, "'study show' needs STUDY"}),
    ::hyperd::testing::ArgsTestName<UsageCase>);

TEST_F(HyperctlTest, JsonOutputIsTheProto3JsonOfTheReply) {
  const v1::Trial trial = ParseText<v1::Trial>(R"pb(
    name: "studies/mnist/trials/0"
    number: 0
    state: ACTIVE
    parameters { name: "lr" double_value: 0.01 }
    measurements {
      step: 3
      metrics { key: "loss" value: 0.5 }
    }
  )pb");
  fake_.service().GetTrialHandler = [&trial](const v1::GetTrialRequest&, v1::Trial* reply) {
    *reply = trial;
    return grpc::Status::OK;
  };
  Result result = Run({"trial", "show", "mnist", "0", "-o", "json"});
  ASSERT_EQ(result.code, 0) << result.err;
  v1::Trial parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &parsed).ok()) << result.out;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, trial));
}

TEST_F(HyperctlTest, StudyCreateSendsTheParsedSpecUnderItsId) {
  const std::string path = ::testing::TempDir() + "/hyperctl_run_test_spec.json";
  std::ofstream(path) << R"({"study_id": "mnist", "spec": {"objective": {"metric": "loss"}}})";
  std::vector<v1::CreateStudyRequest> sent;
  fake_.service().CreateStudyHandler = [&sent](const v1::CreateStudyRequest& request,
                                               v1::Study* study) {
    sent.push_back(request);
    *study = request.study();
    study->set_name("studies/" + request.study_id());
    return grpc::Status::OK;
  };
  Result result = Run({"study", "create", "-f", path});
  ASSERT_EQ(result.code, 0) << result.err;
  result = Run({"study", "create", "-f", path, "--id", "copy", "--validate-only"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("valid; nothing was created\n"));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].study_id(), "mnist");
  EXPECT_EQ(sent[0].study().spec().objective().metric(), "loss");
  EXPECT_FALSE(sent[0].validate_only());
  EXPECT_EQ(sent[1].study_id(), "copy");
  EXPECT_TRUE(sent[1].validate_only());
}

TEST_F(HyperctlTest, ExportCsvWritesTheFileFromTrialsWithoutMeasurements) {
  ServeStudy();
  bool skipped_measurements = false;
  fake_.service().ListTrialsHandler = [&](const v1::ListTrialsRequest& request,
                                          v1::ListTrialsResponse* response) {
    skipped_measurements = request.skip_measurements();
    *response->add_trials() = ParseText<v1::Trial>(R"pb(
      number: 0
      state: SUCCEEDED
      objective_value: 0.5
      parameters { name: "optimizer" categorical_value: "adam" }
    )pb");
    return grpc::Status::OK;
  };
  const std::string path = ::testing::TempDir() + "/hyperctl_run_test_export.csv";
  Result result = Run({"export", "mnist", "--format", "csv", "-o", path});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_TRUE(skipped_measurements);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("exported 1 trials of studies/mnist to " + path));
  std::stringstream file;
  file << std::ifstream(path).rdbuf();
  EXPECT_EQ(file.str(),
            "number,state,objective,lr,layers,optimizer,momentum,start_time,end_time\n"
            "0,SUCCEEDED,0.5,,,adam,,,\n");
}

TEST_F(HyperctlTest, StudyListShowsEachStudysBestValue) {
  fake_.service().ListStudiesHandler = [](const v1::ListStudiesRequest&,
                                          v1::ListStudiesResponse* response) {
    *response->add_studies() = ClientStudy();
    return grpc::Status::OK;
  };
  fake_.service().ListOptimalTrialsHandler = [](const v1::ListOptimalTrialsRequest& request,
                                                v1::ListOptimalTrialsResponse* response) {
    if (request.parent() != "studies/mnist") return grpc::Status(grpc::StatusCode::NOT_FOUND, "");
    response->add_trials()->set_objective_value(0.0625);
    return grpc::Status::OK;
  };
  Result result = Run({"study", "list"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("studies/mnist  ACTIVE  random"));
  EXPECT_THAT(result.out, HasSubstr("0.0625\n"));
}

TEST_F(HyperctlTest, PauseResumeAndCompleteSetTheStudyState) {
  std::vector<v1::Study::State> states;
  fake_.service().SetStudyStateHandler = [&states](const v1::SetStudyStateRequest& request,
                                                   v1::Study* study) {
    states.push_back(request.state());
    study->set_name(request.name());
    study->set_state(request.state());
    return grpc::Status::OK;
  };
  EXPECT_EQ(Run({"study", "pause", "mnist"}).out, "studies/mnist: PAUSED\n");
  EXPECT_EQ(Run({"study", "resume", "studies/mnist"}).out, "studies/mnist: ACTIVE\n");
  EXPECT_EQ(Run({"study", "complete", "mnist"}).out, "studies/mnist: COMPLETED\n");
  EXPECT_EQ(states, (std::vector<v1::Study::State>{v1::Study::PAUSED, v1::Study::ACTIVE,
                                                   v1::Study::COMPLETED}));
}

TEST_F(HyperctlTest, TokenComesFromTheEnvironmentUnlessTheFlagIsGiven) {
  fake_.service().GetServerInfoHandler = [](const v1::GetServerInfoRequest&, v1::ServerInfo* info) {
    info->set_version("0.1.0");
    return grpc::Status::OK;
  };
  Result result = Run({"info"}, "from-env");
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("version:     0.1.0\n"));
  EXPECT_EQ(fake_.service().last_authorization(), "Bearer from-env");
  ASSERT_EQ(Run({"info", "--token", "from-flag"}, "from-env").code, 0);
  EXPECT_EQ(fake_.service().last_authorization(), "Bearer from-flag");
}

TEST_F(HyperctlTest, HelpExitsZeroAndNeedsNoServer) {
  Result result = Run({"--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_THAT(result.out, HasSubstr("Commands:\n"));
  for (const char* command :
       {"study create", "study list", "study show", "study pause", "study resume", "study complete",
        "study delete", "trial list", "trial show", "trial stop", "best", "suggest", "report",
        "complete", "fail", "export", "info"}) {
    EXPECT_THAT(result.out, HasSubstr(std::string("\n  ") + command)) << command;
  }
  result = Run({"study", "create", "--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_THAT(result.out, HasSubstr("\"study_id\""));
  EXPECT_THAT(Run({"trial", "--help"}).out, HasSubstr("trial stop"));
  EXPECT_EQ(TotalCalls(), 0);
}

}  // namespace
}  // namespace hyperd::cli
