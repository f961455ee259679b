// Token authentication against an in-process server: every RPC x {no token, bad token, viewer,
// worker, admin}, study restrictions, expiry, reload, metrics, and the open health service.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "hyperd/v1/hyperd.grpc.pb.h"
#include "server/auth/sha256.h"
#include "tests/testing/messages.h"
#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

namespace v1 = hyperd::v1;
using server::auth::Sha256;
using server::auth::Sha256Hex;
using ::testing::HasSubstr;

std::string TokenLine(const std::string& name, const std::string& role,
                      const std::string& rest = "") {
  return absl::StrCat(name, " ", role, " sha256:", Sha256Hex(Sha256(name + "-token")), " ", rest,
                      "\n");
}

// Who may call what, stated independently of server/auth/authorizer.cc.
const std::set<std::string> kViewerMethods = {
    "GetStudy",          "ListStudies",  "GetTrial",      "ListTrials",
    "ListOptimalTrials", "ListArms",     "GetServerInfo", "CheckTrialEarlyStopping",
    "RefineSchedule",    "PlanSchedules"};
const std::set<std::string> kWorkerMethods = {"SuggestTrials", "CreateTrial", "ReportMeasurement",
                                              "ReportSteps",   "Heartbeat",   "CompleteTrial",
                                              "FailTrial"};

bool IsAuthError(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED;
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() : token_file_(WriteTokens(DefaultTokens())), server_(Options()) {}

  static std::string DefaultTokens() {
    return "# test tokens\n" + TokenLine("admin", "admin") + TokenLine("worker", "worker") +
           TokenLine("viewer", "viewer") + TokenLine("team", "viewer", "studies=team-*") +
           // ManualClock starts at 2027-01-15T08:00:00Z.
           TokenLine("temp", "worker", "expires=2027-01-15T09:00:00Z");
  }

  std::string WriteTokens(const std::string& contents) {
    if (token_path_.empty()) {
      token_path_ = ::testing::TempDir() + "hyperd-auth-tokens-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name();
    }
    std::ofstream(token_path_, std::ios::trunc) << contents;
    return token_path_;
  }

  testing::TestServerOptions Options() const {
    testing::TestServerOptions options;
    options.auth_token_file = token_file_;
    return options;
  }

  // A unary call of `method` with `request`, as the holder of `token` ("" sends no metadata;
  // otherwise the header is "Bearer <token>-token").
  grpc::Status CallAs(const std::string& token, const std::string& method,
                      const google::protobuf::Message& request,
                      google::protobuf::Message* response = nullptr) {
    grpc::GenericStub stub(server_.server().InProcessChannel());
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token + "-token");
    std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer in(&slice, 1);
    grpc::ByteBuffer out;
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&context, absl::StrCat("/hyperd.v1.Hyperd/", method), grpc::StubOptions(), &in,
                   &out, [&](grpc::Status s) {
                     status = std::move(s);
                     done.Notify();
                   });
    done.WaitForNotification();
    if (status.ok() && response != nullptr) {
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(out.Dump(&slices).ok());
      std::string data;
      for (const auto& s : slices) data.append(reinterpret_cast<const char*>(s.begin()), s.size());
      EXPECT_TRUE(response->ParseFromString(data));
    }
    return status;
  }

  grpc::Status Backup(const std::string& token) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token + "-token");
    auto reader = server_.stub().BackupDatabase(&context, v1::BackupDatabaseRequest());
    v1::BackupDatabaseChunk chunk;
    while (reader->Read(&chunk)) {
    }
    return reader->Finish();
  }

  grpc::Status CreateStudy(const std::string& token, const std::string& id) {
    v1::CreateStudyRequest request;
    request.set_study_id(id);
    *request.mutable_study() = testing::BasicStudy();
    return CallAs(token, "CreateStudy", request);
  }

  // A request for `method` naming study "s" (and trial 1 where the request names a trial);
  // enough for the authorizer, whatever the runtime then thinks of it.
  static std::unique_ptr<google::protobuf::Message> RequestFor(
      const google::protobuf::MethodDescriptor* method) {
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(method->input_type())
            ->New());
    const google::protobuf::Descriptor* d = request->GetDescriptor();
    const google::protobuf::Reflection* r = request->GetReflection();
    const bool study_level = method->name() == "GetStudy" || method->name() == "SetStudyState" ||
                             method->name() == "DeleteStudy";
    if (auto* f = d->FindFieldByName("name"); f && f->type() == f->TYPE_STRING) {
      r->SetString(request.get(), f, study_level ? "studies/s" : "studies/s/trials/1");
    }
    if (auto* f = d->FindFieldByName("parent"); f && f->type() == f->TYPE_STRING) {
      r->SetString(request.get(), f, "studies/s");
    }
    if (auto* f = d->FindFieldByName("study"); f && f->type() == f->TYPE_MESSAGE) {
      google::protobuf::Message* study = r->MutableMessage(request.get(), f);
      study->GetReflection()->SetString(study, study->GetDescriptor()->FindFieldByName("name"),
                                        "studies/s");
    }
    return request;
  }

  std::string token_path_;
  std::string token_file_;
  testing::TestServer server_;
};

TEST_F(AuthTest, EveryRpcTimesEveryCallerGetsTheExpectedCode) {
  ASSERT_TRUE(CreateStudy("admin", "s").ok());
  const google::protobuf::ServiceDescriptor* service =
      v1::Study::descriptor()->file()->FindServiceByName("Hyperd");
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = service->method(i);
    const std::string name = method->name();
    SCOPED_TRACE(name);
    auto call = [&](const std::string& token) {
      if (method->server_streaming()) return Backup(token);
      return CallAs(token, name, *RequestFor(method));
    };
    EXPECT_EQ(call("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(call("forged").error_code(), grpc::StatusCode::UNAUTHENTICATED);
    const bool viewer_ok = kViewerMethods.count(name) > 0;
    const bool worker_ok = viewer_ok || kWorkerMethods.count(name) > 0;
    const grpc::Status viewer = call("viewer");
    if (viewer_ok) {
      EXPECT_FALSE(IsAuthError(viewer.error_code())) << viewer.error_message();
    } else {
      EXPECT_EQ(viewer.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    }
    const grpc::Status worker = call("worker");
    if (worker_ok) {
      EXPECT_FALSE(IsAuthError(worker.error_code())) << worker.error_message();
    } else {
      EXPECT_EQ(worker.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    }
    const grpc::Status admin = call("admin");
    EXPECT_FALSE(IsAuthError(admin.error_code())) << admin.error_message();
  }
}

TEST_F(AuthTest, AllowedCallsReallyWork) {
  ASSERT_TRUE(CreateStudy("admin", "s").ok());
  v1::SuggestTrialsRequest suggest;
  suggest.set_parent("studies/s");
  suggest.set_client_id("w1");
  suggest.set_count(1);
  v1::SuggestTrialsResponse suggested;
  ASSERT_TRUE(CallAs("worker", "SuggestTrials", suggest, &suggested).ok());
  ASSERT_EQ(suggested.trials_size(), 1);
  v1::GetTrialRequest get;
  get.set_name(suggested.trials(0).name());
  v1::Trial trial;
  EXPECT_TRUE(CallAs("viewer", "GetTrial", get, &trial).ok());
  EXPECT_EQ(trial.name(), suggested.trials(0).name());
  EXPECT_TRUE(Backup("admin").ok());
}

TEST_F(AuthTest, MessagesSayWhatIsWrong) {
  v1::GetServerInfoRequest info;
  EXPECT_THAT(CallAs("", "GetServerInfo", info).error_message(), HasSubstr("authorization"));
  EXPECT_THAT(CallAs("forged", "GetServerInfo", info).error_message(), HasSubstr("invalid token"));
  const grpc::Status denied = CreateStudy("worker", "x");
  EXPECT_THAT(denied.error_message(), HasSubstr("needs the admin role"));
}

TEST_F(AuthTest, RestrictedTokenSeesOnlyItsStudies) {
  ASSERT_TRUE(CreateStudy("admin", "team-1").ok());
  ASSERT_TRUE(CreateStudy("admin", "team-2").ok());
  ASSERT_TRUE(CreateStudy("admin", "other").ok());
  v1::ListStudiesResponse all;
  ASSERT_TRUE(CallAs("viewer", "ListStudies", v1::ListStudiesRequest(), &all).ok());
  EXPECT_EQ(all.studies_size(), 3);
  v1::ListStudiesResponse mine;
  ASSERT_TRUE(CallAs("team", "ListStudies", v1::ListStudiesRequest(), &mine).ok());
  std::set<std::string> names;
  for (const auto& study : mine.studies()) names.insert(study.name());
  EXPECT_EQ(names, (std::set<std::string>{"studies/team-1", "studies/team-2"}));

  v1::GetStudyRequest get;
  get.set_name("studies/team-1");
  EXPECT_TRUE(CallAs("team", "GetStudy", get).ok());
  get.set_name("studies/other");
  const grpc::Status other = CallAs("team", "GetStudy", get);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(other.error_message(), HasSubstr("team-*"));
}

TEST_F(AuthTest, ExpiredTokenIsUnauthenticated) {
  v1::GetServerInfoRequest info;
  EXPECT_TRUE(CallAs("temp", "GetServerInfo", info).ok());
  server_.clock().Advance(absl::Hours(2));
  const grpc::Status expired = CallAs("temp", "GetServerInfo", info);
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(expired.error_message(), HasSubstr("token expired"));
  EXPECT_TRUE(CallAs("worker", "GetServerInfo", info).ok());
}

TEST_F(AuthTest, ReloadAddsAndRemovesTokensAndABrokenFileKeepsTheOldTable) {
  v1::GetServerInfoRequest info;
  ASSERT_TRUE(CallAs("viewer", "GetServerInfo", info).ok());
  WriteTokens(TokenLine("admin", "admin") + TokenLine("newcomer", "viewer"));
  ASSERT_TRUE(server_.server().ReloadAuthTokens().ok());
  EXPECT_EQ(CallAs("viewer", "GetServerInfo", info).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(CallAs("newcomer", "GetServerInfo", info).ok());

  WriteTokens(TokenLine("admin", "admin") + "broken line\n");
  const absl::Status broken = server_.server().ReloadAuthTokens();
  EXPECT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(broken.message()), HasSubstr(token_path_ + ":2: "));
  EXPECT_TRUE(CallAs("newcomer", "GetServerInfo", info).ok());  // the old table stays

  std::remove(token_path_.c_str());
  EXPECT_FALSE(server_.server().ReloadAuthTokens().ok());
  EXPECT_TRUE(CallAs("newcomer", "GetServerInfo", info).ok());  // never "no auth"
  EXPECT_EQ(CallAs("", "GetServerInfo", info).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  const std::string metrics = server_.server().MetricsText();
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_reloads_total{result=\"ok\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_reloads_total{result=\"error\"} 2"));
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_tokens 2"));
}

TEST_F(AuthTest, RefusalsAreCountedByReasonAndByGrpcCode) {
  ASSERT_TRUE(CreateStudy("admin", "team-1").ok());
  v1::GetStudyRequest get;
  get.set_name("studies/s");
  CallAs("", "GetStudy", get).error_code();
  CallAs("", "GetStudy", get).error_code();
  CallAs("forged", "GetStudy", get).error_code();
  CreateStudy("viewer", "x").error_code();
  CallAs("team", "GetStudy", get).error_code();
  server_.clock().Advance(absl::Hours(2));
  CallAs("temp", "GetStudy", get).error_code();
  const std::string metrics = server_.server().MetricsText();
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_failures_total{reason=\"missing\"} 2"));
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_failures_total{reason=\"invalid\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_failures_total{reason=\"expired\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_failures_total{reason=\"role\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_failures_total{reason=\"study\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("hyperd_auth_tokens 5"));
  EXPECT_THAT(metrics,
              HasSubstr("grpc_server_handled_total{grpc_code=\"Unauthenticated\",grpc_method="
                        "\"GetStudy\",grpc_service=\"hyperd.v1.Hyperd\",grpc_type=\"unary\"} 4"));
  EXPECT_THAT(
      metrics,
      HasSubstr("grpc_server_handled_total{grpc_code=\"PermissionDenied\",grpc_method="
                "\"CreateStudy\",grpc_service=\"hyperd.v1.Hyperd\",grpc_type=\"unary\"} 1"));
}

TEST_F(AuthTest, HealthCheckNeedsNoToken) {
  grpc::GenericStub stub(server_.server().InProcessChannel());
  grpc::ClientContext context;
  grpc::Slice nothing("");  // HealthCheckRequest{service: ""} encodes to no bytes
  grpc::ByteBuffer in(&nothing, 1);
  grpc::ByteBuffer out;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in, &out,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(out.Dump(&slices).ok());
  std::string data;
  for (const auto& s : slices) data.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(data, std::string("\x08\x01", 2));  // status: SERVING
}

TEST(AuthStartup, BrokenTokenFileStopsTheServerFromStarting) {
  const std::string path = ::testing::TempDir() + "hyperd-auth-broken-tokens";
  std::ofstream(path) << TokenLine("root", "admin", "studies=x");
  const std::string dir = ::testing::TempDir() + "hyperd-auth-broken-data";
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir;
  options.metrics_listen = "";
  options.auth_token_file = path;
  auto started = server::HyperdServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(std::string(started.status().message()), HasSubstr(path + ":1: "));
}

}  // namespace
}  // namespace hyperd
