// The method -> role table and the decisions built on it: every method of the Hyperd service x
// every role, study restrictions, expiry and the listen rules.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/auth/authorizer.h"
#include "server/auth/listen_security.h"
#include "server/auth/sha256.h"
#include "server/auth/token_table.h"
#include "server/clock.h"

namespace hyperd::server::auth {
namespace {

const google::protobuf::ServiceDescriptor* Service() {
  return hyperd::v1::Study::descriptor()->file()->FindServiceByName("Hyperd");
}

// The roles as the issue states them; MethodRules() must agree with this independent list.
const std::set<std::string> kViewerMethods = {
    "GetStudy",          "ListStudies",  "GetTrial",      "ListTrials",
    "ListOptimalTrials", "ListArms",     "GetServerInfo", "CheckTrialEarlyStopping",
    "RefineSchedule",    "PlanSchedules"};
const std::set<std::string> kWorkerMethods = {"SuggestTrials", "CreateTrial", "ReportMeasurement",
                                              "ReportSteps",   "Heartbeat",   "CompleteTrial",
                                              "FailTrial"};

std::string TokenLine(const std::string& name, const std::string& role,
                      const std::string& rest = "") {
  return absl::StrCat(name, " ", role, " sha256:", Sha256Hex(Sha256(name + "-secret")), " ", rest,
                      "\n");
}

class AuthorizerTest : public ::testing::Test {
 protected:
  AuthorizerTest()
      : authorizer_(
            *TokenTable::Parse(TokenLine("admin", "admin") + TokenLine("worker", "worker") +
                                   TokenLine("viewer", "viewer") +
                                   TokenLine("team", "worker", "studies=team-a-*,shared") +
                                   TokenLine("temp", "worker", "expires=2027-01-15T10:00:00Z"),
                               "tokens"),
            &clock_) {}

  AuthDecision Check(const std::string& method, const std::string& token,
                     const std::string& study = "s1") {
    return authorizer_.Check(method, absl::StrCat("Bearer ", token, "-secret"), study);
  }

  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2027, 1, 15, 9, 0, 0), absl::UTCTimeZone())};
  Authorizer authorizer_;
};

TEST(MethodRules, CoverEveryMethodOfTheHyperdServiceExactlyOnce) {
  const google::protobuf::ServiceDescriptor* service = Service();
  ASSERT_NE(service, nullptr);
  std::set<std::string> in_table;
  for (const MethodRule& rule : MethodRules()) {
    EXPECT_TRUE(in_table.insert(rule.method).second) << rule.method << " is listed twice";
    EXPECT_NE(service->FindMethodByName(rule.method), nullptr)
        << rule.method << " is in the table but not in the service";
  }
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_NE(FindMethodRule(service->method(i)->name()), nullptr)
        << service->method(i)->name()
        << " has no access rule: add it to MethodRules() in server/auth/authorizer.cc";
  }
}

TEST_F(AuthorizerTest, EveryMethodTimesEveryRoleGetsTheTablesAnswer) {
  const google::protobuf::ServiceDescriptor* service = Service();
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method = service->method(i)->name();
    const bool viewer_ok = kViewerMethods.count(method) > 0;
    const bool worker_ok = viewer_ok || kWorkerMethods.count(method) > 0;
    EXPECT_TRUE(Check(method, "admin").status.ok()) << method;
    EXPECT_EQ(Check(method, "worker").status.code(),
              worker_ok ? absl::StatusCode::kOk : absl::StatusCode::kPermissionDenied)
        << method;
    EXPECT_EQ(Check(method, "viewer").status.code(),
              viewer_ok ? absl::StatusCode::kOk : absl::StatusCode::kPermissionDenied)
        << method;
    if (!viewer_ok) {
      AuthDecision denied = Check(method, "viewer");
      EXPECT_EQ(denied.failure, AuthFailure::kRole);
      ASSERT_NE(denied.token, nullptr);
      EXPECT_EQ(denied.token->name, "viewer");
      EXPECT_NE(denied.status.message().find("needs the"), std::string::npos) << denied.status;
    }
  }
}

TEST_F(AuthorizerTest, StopTrialAndStudyAdministrationAreAdminOnly) {
  for (const char* method : {"StopTrial", "CreateStudy", "UpdateStudy", "SetStudyState",
                             "DeleteStudy", "BackupDatabase"}) {
    EXPECT_EQ(Check(method, "worker").status.code(), absl::StatusCode::kPermissionDenied) << method;
    EXPECT_TRUE(Check(method, "admin").status.ok()) << method;
  }
}

TEST_F(AuthorizerTest, MissingMalformedAndUnknownTokensAreUnauthenticated) {
  AuthDecision missing = authorizer_.Check("GetStudy", std::nullopt, "s1");
  EXPECT_EQ(missing.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(missing.failure, AuthFailure::kMissing);
  EXPECT_EQ(authorizer_.Check("GetStudy", "", "s1").failure, AuthFailure::kMissing);

  AuthDecision basic = authorizer_.Check("GetStudy", "Basic YWRtaW46eA==", "s1");
  EXPECT_EQ(basic.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(basic.failure, AuthFailure::kInvalid);
  // The bare token without the scheme is not accepted either.
  EXPECT_EQ(authorizer_.Check("GetStudy", "admin-secret", "s1").failure, AuthFailure::kInvalid);

  AuthDecision wrong = Check("GetStudy", "nobody");
  EXPECT_EQ(wrong.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.failure, AuthFailure::kInvalid);
  EXPECT_EQ(wrong.token, nullptr);
  // The scheme is case-insensitive.
  EXPECT_TRUE(authorizer_.Check("GetStudy", "bearer admin-secret", "s1").status.ok());
}

TEST_F(AuthorizerTest, ErrorsNeverEchoThePresentedToken) {
  AuthDecision wrong = authorizer_.Check("GetStudy", "Bearer very-secret-value", "s1");
  EXPECT_EQ(wrong.status.message().find("very-secret-value"), std::string::npos);
}

TEST_F(AuthorizerTest, RestrictedTokenReachesOnlyItsStudies) {
  EXPECT_TRUE(Check("SuggestTrials", "team", "team-a-mnist").status.ok());
  EXPECT_TRUE(Check("GetTrial", "team", "shared").status.ok());
  AuthDecision other = Check("SuggestTrials", "team", "team-b-mnist");
  EXPECT_EQ(other.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.failure, AuthFailure::kStudy);
  EXPECT_NE(other.status.message().find("team-b-mnist"), std::string::npos) << other.status;
  // A request whose study cannot be read is refused rather than let through.
  EXPECT_EQ(Check("GetStudy", "team", "").failure, AuthFailure::kStudy);
  // Methods without a study are not restricted; ListStudies is filtered by the service.
  EXPECT_TRUE(Check("GetServerInfo", "team", "").status.ok());
  EXPECT_TRUE(Check("ListStudies", "team", "").status.ok());
  // The role still applies inside the permitted studies.
  EXPECT_EQ(Check("DeleteStudy", "team", "team-a-x").failure, AuthFailure::kRole);
}

TEST_F(AuthorizerTest, TokenIsRefusedFromItsExpiryTime) {
  EXPECT_TRUE(Check("Heartbeat", "temp").status.ok());
  clock_.Advance(absl::Minutes(59) + absl::Seconds(59));
  EXPECT_TRUE(Check("Heartbeat", "temp").status.ok());
  clock_.Advance(absl::Seconds(1));
  AuthDecision expired = Check("Heartbeat", "temp");
  EXPECT_EQ(expired.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(expired.failure, AuthFailure::kExpired);
  EXPECT_NE(expired.status.message().find("token expired"), std::string::npos) << expired.status;
  EXPECT_TRUE(Check("Heartbeat", "worker").status.ok());  // tokens without expiry live on
}

TEST_F(AuthorizerTest, UnknownMethodIsRefusedEvenForAdmin) {
  AuthDecision unknown = Check("DropAllTables", "admin");
  EXPECT_EQ(unknown.status.code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthorizerTest, ReplaceSwapsTheWholeTableAndKeepsHandedOutTokensAlive) {
  AuthDecision before = Check("GetStudy", "viewer");
  ASSERT_TRUE(before.status.ok());
  authorizer_.Replace(*TokenTable::Parse(TokenLine("newcomer", "viewer"), "tokens"));
  EXPECT_EQ(authorizer_.token_count(), 1u);
  EXPECT_EQ(Check("GetStudy", "viewer").failure, AuthFailure::kInvalid);
  EXPECT_TRUE(Check("GetStudy", "newcomer").status.ok());
  EXPECT_EQ(before.token->name, "viewer");  // still readable after the swap
}

TEST(ListenSecurity, LoopbackAddressesAreRecognised) {
  for (const char* listen : {"127.0.0.1:50051", "127.8.9.10:1", "localhost:50051", "LOCALHOST:0",
                             "[::1]:50051", "unix:/tmp/hyperd.sock"}) {
    EXPECT_TRUE(IsLoopbackListen(listen)) << listen;
  }
  for (const char* listen : {"0.0.0.0:50051", "[::]:50051", ":50051", "10.0.0.1:50051",
                             "hyperd.example.com:443", "[2001:db8::1]:50051", "128.0.0.1:1"}) {
    EXPECT_FALSE(IsLoopbackListen(listen)) << listen;
  }
}

TEST(ListenSecurity, RemoteListenNeedsTlsAndTokensUnlessForced) {
  ListenSecurity s;
  s.listen = "0.0.0.0:50051";
  absl::Status no_tls = CheckListenSecurity(s);
  EXPECT_EQ(no_tls.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_tls.message().find("--tls-cert-file"), std::string::npos) << no_tls;
  EXPECT_NE(no_tls.message().find("--allow-insecure-remote"), std::string::npos) << no_tls;
  s.tls_cert_file = "server.crt";
  s.tls_key_file = "server.key";
  absl::Status no_tokens = CheckListenSecurity(s);
  EXPECT_EQ(no_tokens.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_tokens.message().find("--auth-token-file"), std::string::npos) << no_tokens;
  s.auth_token_file = "tokens";
  EXPECT_TRUE(CheckListenSecurity(s).ok());
  ListenSecurity forced;
  forced.listen = "0.0.0.0:50051";
  forced.allow_insecure_remote = true;
  EXPECT_TRUE(CheckListenSecurity(forced).ok());
  ListenSecurity local;
  local.listen = "127.0.0.1:0";
  EXPECT_TRUE(CheckListenSecurity(local).ok());
}

TEST(ListenSecurity, TheDashboardStaysOnLoopbackUnlessForced) {
  ListenSecurity s;
  s.listen = "127.0.0.1:50051";
  s.http_listen = "0.0.0.0:9464";
  EXPECT_TRUE(CheckListenSecurity(s).ok()) << "metrics alone hold no study data";
  s.dashboard = true;
  absl::Status remote = CheckListenSecurity(s);
  EXPECT_EQ(remote.code(), absl::StatusCode::kInvalidArgument);
  for (const char* flag : {"--metrics-listen=0.0.0.0:9464", "--dashboard=false",
                           "--allow-insecure-remote"}) {
    EXPECT_NE(remote.message().find(flag), std::string::npos) << remote;
  }
  s.allow_insecure_remote = true;
  EXPECT_TRUE(CheckListenSecurity(s).ok());
  ListenSecurity local;
  local.listen = "127.0.0.1:0";
  local.http_listen = "127.0.0.1:0";
  local.dashboard = true;
  EXPECT_TRUE(CheckListenSecurity(local).ok());
}

TEST(ListenSecurity, CertificateAndKeyGoTogetherAndClientCaNeedsThem) {
  ListenSecurity s;
  s.listen = "127.0.0.1:0";
  s.tls_cert_file = "server.crt";
  EXPECT_NE(CheckListenSecurity(s).message().find("--tls-key-file"), std::string::npos);
  ListenSecurity ca_only;
  ca_only.listen = "127.0.0.1:0";
  ca_only.tls_client_ca_file = "ca.crt";
  EXPECT_NE(CheckListenSecurity(ca_only).message().find("--tls-client-ca-file"), std::string::npos);
}

}  // namespace
}  // namespace hyperd::server::auth
