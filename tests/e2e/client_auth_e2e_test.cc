// Issue 8 end to end, client side: the real hyperctl and the C++ client against the real hyperd
// serving TLS (certificates from scripts/dev-certs) with bearer tokens (--auth-token-file whose
// digests come from `hyperctl admin hash-token`), and a second hyperd requiring mutual TLS.
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/cpp/hyperd_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/program_runner.h"
#include "tests/testing/messages.h"
#include "tests/testing/server_process.h"

namespace hyperd {
namespace {

using ::hyperd::testing::CommandResult;
using ::hyperd::testing::RunProgram;
using ::hyperd::testing::ServerProcess;
using ::hyperd::testing::ServerProcessOptions;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

v1::CreateStudyRequest StudyRequest(const std::string& id) {
  v1::CreateStudyRequest request;
  request.set_study_id(id);
  *request.mutable_study() = ::hyperd::testing::BasicStudy();
  return request;
}

// One certificate directory, token file and two servers for the whole suite: a TLS server and a
// mutual-TLS server, both with tokens.
class ClientAuthE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/client_auth_e2e_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr) << std::strerror(errno);
    dir_ = new std::string(pattern);
    certs_ = new std::string(*dir_ + "/certs");
    CommandResult certs = RunProgram(HYPERD_SOURCE_DIR "/scripts/dev-certs", {*certs_}, *dir_);
    ASSERT_EQ(certs.exit_code, 0) << certs;

    // Tokens made and hashed by hyperctl itself, as an operator would.
    admin_token_ = new std::string(NewToken());
    viewer_token_ = new std::string(NewToken());
    ASSERT_FALSE(admin_token_->empty());
    const std::string token_file = *dir_ + "/tokens.txt";
    std::ofstream(token_file) << "# made by client_auth_e2e_test\n"
                              << "e2e-admin admin " << Digest(*admin_token_) << "\n"
                              << "e2e-viewer viewer " << Digest(*viewer_token_) << "\n";

    tls_server_ = StartServer({"--tls-cert-file=" + Cert("server.crt"),
                               "--tls-key-file=" + Cert("server.key"),
                               "--auth-token-file=" + token_file});
    mtls_server_ = StartServer({"--tls-cert-file=" + Cert("server.crt"),
                                "--tls-key-file=" + Cert("server.key"),
                                "--tls-client-ca-file=" + Cert("ca.crt"),
                                "--auth-token-file=" + token_file});
  }

  static void TearDownTestSuite() {
    for (ServerProcess** server : {&tls_server_, &mtls_server_}) {
      if (*server != nullptr && (*server)->running()) {
        const absl::Status stopped = (*server)->Terminate();
        EXPECT_TRUE(stopped.ok()) << stopped;
      }
      delete *server;
      *server = nullptr;
    }
    std::error_code ignored;
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_, ignored);
  }

  void SetUp() override {
    ASSERT_NE(tls_server_, nullptr);
    ASSERT_NE(mtls_server_, nullptr);
  }

  static ServerProcess* StartServer(std::vector<std::string> extra_args) {
    ServerProcessOptions options;
    options.binary = HYPERD_BINARY;
    options.extra_args = std::move(extra_args);
    options.extra_args.push_back("--durability=normal");
    auto* server = new ServerProcess(options);
    const absl::Status started = server->Start();
    EXPECT_TRUE(started.ok()) << started << "\n" << server->LogTail();
    if (!started.ok()) {
      delete server;
      return nullptr;
    }
    return server;
  }

  static std::string Cert(const std::string& name) { return *certs_ + "/" + name; }

  // `hyperctl admin hash-token --generate`: the token of its "token: " line.
  static std::string NewToken() {
    CommandResult result = RunProgram(HYPERCTL_BINARY, {"admin", "hash-token", "--generate"}, *dir_);
    EXPECT_EQ(result.exit_code, 0) << result;
    EXPECT_THAT(result.out, MatchesRegex("token: [0-9a-f]{64}\nsha256:[0-9a-f]{64}\n"));
    if (result.out.size() < 71) return "";
    return result.out.substr(7, 64);
  }

  // The token piped into `hyperctl admin hash-token` (as `echo` would, newline included).
  static std::string Digest(const std::string& token) {
    CommandResult result = RunProgram(
        "/bin/sh", {"-c", absl::StrCat("echo ", token, " | ", HYPERCTL_BINARY, " admin hash-token")},
        *dir_);
    EXPECT_EQ(result.exit_code, 0) << result;
    return std::string(absl::StripTrailingAsciiWhitespace(result.out));
  }

  CommandResult Hyperctl(const ServerProcess& server, std::vector<std::string> args) {
    args.push_back("--server=" + server.address());
    return RunProgram(HYPERCTL_BINARY, args, *dir_);
  }

  // hyperctl with environment variables set (RunProgram clears HYPERD_ADDRESS/HYPERD_TOKEN, so
  // they are given through env(1)).
  CommandResult HyperctlWithEnv(const ServerProcess& server, std::vector<std::string> env,
                                const std::vector<std::string>& args) {
    env.push_back(HYPERCTL_BINARY);
    for (const std::string& arg : args) env.push_back(arg);
    env.push_back("--server=" + server.address());
    return RunProgram("/usr/bin/env", env, *dir_);
  }

  std::unique_ptr<Client> MakeClient(const ServerProcess& server, const std::string& token,
                                     bool client_cert = false) {
    ClientOptions options;
    options.address = server.address();
    options.token = token;
    options.tls_ca_file = Cert("ca.crt");
    if (client_cert) {
      options.tls_cert_file = Cert("client.crt");
      options.tls_key_file = Cert("client.key");
    }
    options.max_attempts = 2;
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(20);
    options.deadline = absl::Seconds(20);
    options.on_retry = [this](const RetryEvent&) { ++retries_; };
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  int retries_ = 0;

  static std::string* dir_;
  static std::string* certs_;
  static std::string* admin_token_;
  static std::string* viewer_token_;
  static ServerProcess* tls_server_;
  static ServerProcess* mtls_server_;
};

std::string* ClientAuthE2eTest::dir_ = nullptr;
std::string* ClientAuthE2eTest::certs_ = nullptr;
std::string* ClientAuthE2eTest::admin_token_ = nullptr;
std::string* ClientAuthE2eTest::viewer_token_ = nullptr;
ServerProcess* ClientAuthE2eTest::tls_server_ = nullptr;
ServerProcess* ClientAuthE2eTest::mtls_server_ = nullptr;

TEST_F(ClientAuthE2eTest, HashTokenPrintsTheDigestThatSha256sumPrints) {
  CommandResult ours = RunProgram(
      "/bin/sh", {"-c", absl::StrCat("printf %s s3cret | ", HYPERCTL_BINARY, " admin hash-token")},
      *dir_);
  ASSERT_EQ(ours.exit_code, 0) << ours;
  CommandResult theirs = RunProgram("/bin/sh", {"-c", "printf %s s3cret | sha256sum"}, *dir_);
  ASSERT_EQ(theirs.exit_code, 0) << theirs;
  EXPECT_EQ(ours.out, absl::StrCat("sha256:", theirs.out.substr(0, 64), "\n"));
}

TEST_F(ClientAuthE2eTest, CppClientWithCaAndAdminTokenCreatesAndReadsAStudy) {
  std::unique_ptr<Client> client = MakeClient(*tls_server_, *admin_token_);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<v1::Study> created = client->CreateStudy(StudyRequest("auth-cpp"));
  ASSERT_TRUE(created.ok()) << created.status() << "\n" << tls_server_->LogTail();
  v1::GetStudyRequest get;
  get.set_name(created->name());
  absl::StatusOr<v1::Study> read = client->GetStudy(get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->name(), created->name());
}

TEST_F(ClientAuthE2eTest, CppClientWithoutTokenIsUnauthenticatedWithoutRetries) {
  std::unique_ptr<Client> client = MakeClient(*tls_server_, "");
  ASSERT_NE(client, nullptr);
  absl::Status status = client->ListStudies({}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_EQ(retries_, 0);
}

TEST_F(ClientAuthE2eTest, CppClientWithAnUnknownTokenIsUnauthenticated) {
  std::unique_ptr<Client> client = MakeClient(*tls_server_, std::string(64, 'a'));
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->ListStudies({}).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(retries_, 0);
}

TEST_F(ClientAuthE2eTest, CppClientWithViewerTokenMayReadButNotCreate) {
  std::unique_ptr<Client> client = MakeClient(*tls_server_, *viewer_token_);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<v1::ListStudiesResponse> listed = client->ListStudies({});
  EXPECT_TRUE(listed.ok()) << listed.status();
  absl::Status created = client->CreateStudy(StudyRequest("auth-viewer")).status();
  EXPECT_EQ(created.code(), absl::StatusCode::kPermissionDenied) << created;
  EXPECT_EQ(retries_, 0);
}

TEST_F(ClientAuthE2eTest, CppClientNeedsItsCertificateForTheMutualTlsServer) {
  std::unique_ptr<Client> without_cert = MakeClient(*mtls_server_, *admin_token_);
  ASSERT_NE(without_cert, nullptr);
  EXPECT_EQ(without_cert->GetServerInfo().status().code(), absl::StatusCode::kUnavailable);

  std::unique_ptr<Client> with_cert =
      MakeClient(*mtls_server_, *admin_token_, /*client_cert=*/true);
  ASSERT_NE(with_cert, nullptr);
  absl::StatusOr<v1::ServerInfo> info = with_cert->GetServerInfo();
  EXPECT_TRUE(info.ok()) << info.status() << "\n" << mtls_server_->LogTail();
}

TEST_F(ClientAuthE2eTest, HyperctlWithCaAndTokenListsStudies) {
  CommandResult result = Hyperctl(
      *tls_server_, {"study", "list", "--tls-ca", Cert("ca.crt"), "--token", *admin_token_});
  EXPECT_EQ(result.exit_code, 0) << result;
}

TEST_F(ClientAuthE2eTest, HyperctlTakesTokenAndCaFromTheEnvironment) {
  CommandResult result =
      HyperctlWithEnv(*tls_server_,
                      {"HYPERD_TOKEN=" + *viewer_token_, "HYPERD_TLS_CA=" + Cert("ca.crt")},
                      {"study", "list", "-o", "json"});
  EXPECT_EQ(result.exit_code, 0) << result;
}

TEST_F(ClientAuthE2eTest, HyperctlWithoutTokenSaysTheServerRefusedIt) {
  CommandResult result = Hyperctl(*tls_server_, {"study", "list", "--tls-ca", Cert("ca.crt")});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(result.err,
              HasSubstr("hyperctl: the server refused the token: set --token or HYPERD_TOKEN"));
}

TEST_F(ClientAuthE2eTest, HyperctlWithViewerTokenIsDeniedACreate) {
  const std::string spec = *dir_ + "/viewer-spec.json";
  std::ofstream(spec) << R"json({"study_id": "auth-hyperctl-viewer", "spec": {
      "searchSpace": {"parameters": [{"name": "lr", "doubleSpec": {"min": 0.001, "max": 0.1}}]},
      "objective": {"metric": "loss", "goal": "MINIMIZE"}, "sampler": {"random": {}}}})json";
  CommandResult result = Hyperctl(*tls_server_, {"study", "create", "-f", spec, "--tls-ca",
                                                 Cert("ca.crt"), "--token", *viewer_token_});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(result.err, HasSubstr("role or studies do not allow this"));
}

TEST_F(ClientAuthE2eTest, PlaintextHyperctlCannotReachTheTlsServer) {
  CommandResult result =
      Hyperctl(*tls_server_, {"info", "--token", *admin_token_, "--deadline", "2s"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(result.err, HasSubstr("--tls-ca or --tls"));
}

TEST_F(ClientAuthE2eTest, HyperctlWithClientCertificateReachesTheMutualTlsServer) {
  CommandResult without_cert =
      Hyperctl(*mtls_server_, {"info", "--tls-ca", Cert("ca.crt"), "--token", *admin_token_,
                               "--deadline", "2s"});
  EXPECT_EQ(without_cert.exit_code, 1) << without_cert;
  CommandResult with_cert = Hyperctl(
      *mtls_server_, {"info", "--tls-ca", Cert("ca.crt"), "--tls-cert", Cert("client.crt"),
                      "--tls-key", Cert("client.key"), "--token", *admin_token_});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert << "\n" << mtls_server_->LogTail();
}

}  // namespace
}  // namespace hyperd
