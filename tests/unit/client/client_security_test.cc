// TLS, mutual TLS and tokens end to end in-process: the C++ client and hyperctl against a fake
// server with the test certificates (testdata/), and how refused tokens are reported.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "client/cli/hyperctl.h"
#include "client/cpp/hyperd_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/client/fake_hyperd.h"

namespace hyperd {
namespace {

using ::hyperd::testing::FakeHyperd;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

const std::string kTestdata = CLIENT_TESTDATA_DIR;

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(kTestdata + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << "cannot read " << kTestdata << "/" << name;
  return text.str();
}

// TLS server credentials from the test certificates; with `require_client_cert`, mutual TLS
// (clients must present a certificate signed by the test CA).
std::shared_ptr<grpc::ServerCredentials> TlsServer(bool require_client_cert) {
  grpc::SslServerCredentialsOptions ssl(
      require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                          : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({ReadTestFile("server.key"), ReadTestFile("server.crt")});
  if (require_client_cert) ssl.pem_root_certs = ReadTestFile("ca.crt");
  return grpc::SslServerCredentials(ssl);
}

void AnswerServerInfo(FakeHyperd& fake) {
  fake.service().GetServerInfoHandler = [](const v1::GetServerInfoRequest&, v1::ServerInfo* info) {
    info->set_version("9.9.9");
    return grpc::Status::OK;
  };
}

// One attempt, so that refused handshakes fail at once.
ClientOptions OneAttempt(const std::string& address) {
  ClientOptions options;
  options.address = address;
  options.max_attempts = 1;
  options.deadline = absl::Seconds(20);
  options.token = "";
  return options;
}

TEST(ClientTls, TalksToATlsServerItTrustsThroughTlsCaFileAndSendsTheToken) {
  FakeHyperd fake(TlsServer(/*require_client_cert=*/false));
  AnswerServerInfo(fake);
  ClientOptions options = OneAttempt(fake.address());
  options.tls_ca_file = kTestdata + "/ca.crt";
  options.token = "tls-token";
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<v1::ServerInfo> info = (*client)->GetServerInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->version(), "9.9.9");
  EXPECT_EQ(fake.service().last_authorization(), "Bearer tls-token");
  EXPECT_EQ(fake.service().last_peer_common_name(), "");
}

TEST(ClientTls, RefusesAServerSignedByAnotherCa) {
  FakeHyperd fake(TlsServer(/*require_client_cert=*/false));
  AnswerServerInfo(fake);
  ClientOptions options = OneAttempt(fake.address());
  options.tls_ca_file = kTestdata + "/other_ca.crt";
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->GetServerInfo().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fake.service().calls("GetServerInfo"), 0);
}

TEST(ClientTls, PlaintextClientCannotTalkToATlsServer) {
  FakeHyperd fake(TlsServer(/*require_client_cert=*/false));
  AnswerServerInfo(fake);
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(OneAttempt(fake.address()));
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->GetServerInfo().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fake.service().calls("GetServerInfo"), 0);
}

TEST(ClientTls, MutualTlsPresentsTheClientCertificateAndIsRefusedWithoutOne) {
  FakeHyperd fake(TlsServer(/*require_client_cert=*/true));
  AnswerServerInfo(fake);
  ClientOptions options = OneAttempt(fake.address());
  options.tls_ca_file = kTestdata + "/ca.crt";
  absl::StatusOr<std::unique_ptr<Client>> without_cert = Client::Create(options);
  ASSERT_TRUE(without_cert.ok()) << without_cert.status();
  EXPECT_EQ((*without_cert)->GetServerInfo().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fake.service().calls("GetServerInfo"), 0);

  options.tls_cert_file = kTestdata + "/client.crt";
  options.tls_key_file = kTestdata + "/client.key";
  absl::StatusOr<std::unique_ptr<Client>> with_cert = Client::Create(options);
  ASSERT_TRUE(with_cert.ok()) << with_cert.status();
  absl::StatusOr<v1::ServerInfo> info = (*with_cert)->GetServerInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(fake.service().last_peer_common_name(), "hyperd test client");
}

TEST(ClientAuth, NeverRetriesUnauthenticatedOrPermissionDenied) {
  for (grpc::StatusCode code :
       {grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::PERMISSION_DENIED}) {
    FakeHyperd fake;
    fake.service().GetStudyHandler = [code](const v1::GetStudyRequest&, v1::Study*) {
      return grpc::Status(code, "refused by the fake");
    };
    ClientOptions options = OneAttempt(fake.address());
    options.max_attempts = 5;
    options.initial_backoff = absl::Milliseconds(1);
    options.max_backoff = absl::Milliseconds(2);
    int retries = 0;
    options.on_retry = [&retries](const RetryEvent&) { ++retries; };
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    ASSERT_TRUE(client.ok()) << client.status();
    absl::Status status = (*client)->GetStudy({}).status();
    EXPECT_EQ(static_cast<int>(status.code()), static_cast<int>(code));
    EXPECT_EQ(status.message(), "refused by the fake");
    EXPECT_EQ(fake.service().calls("GetStudy"), 1);
    EXPECT_EQ(retries, 0);
  }
}

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

Result RunHyperctl(const std::vector<std::string>& args, const cli::Environment& environment,
                   const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  Result result;
  result.code = cli::RunHyperctl(args, environment, in, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

TEST(HyperctlTls, TlsFlagsAndEnvironmentReachATlsServerWithAClientCertificate) {
  FakeHyperd fake(TlsServer(/*require_client_cert=*/true));
  AnswerServerInfo(fake);
  cli::Environment environment;
  environment.address = fake.address();
  Result flags = RunHyperctl({"info", "--tls-ca", kTestdata + "/ca.crt", "--tls-cert",
                              kTestdata + "/client.crt", "--tls-key", kTestdata + "/client.key",
                              "--token", "t0k"},
                             environment);
  ASSERT_EQ(flags.code, 0) << flags.err;
  EXPECT_THAT(flags.out, HasSubstr("9.9.9"));
  EXPECT_EQ(fake.service().last_authorization(), "Bearer t0k");
  EXPECT_EQ(fake.service().last_peer_common_name(), "hyperd test client");

  environment.tls_ca = kTestdata + "/ca.crt";
  environment.tls_cert = kTestdata + "/client.crt";
  environment.tls_key = kTestdata + "/client.key";
  environment.token = "from-env";
  Result env = RunHyperctl({"info"}, environment);
  ASSERT_EQ(env.code, 0) << env.err;
  EXPECT_EQ(fake.service().last_authorization(), "Bearer from-env");
}

TEST(HyperctlTls, WithoutTlsAgainstATlsServerSuggestsTheTlsFlags) {
  FakeHyperd fake(TlsServer(/*require_client_cert=*/false));
  cli::Environment environment;
  environment.address = fake.address();
  Result result = RunHyperctl({"info", "--deadline", "2s"}, environment);
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(result.err, HasSubstr("--tls-ca or --tls"));
}

TEST(HyperctlTls, AnUnreadableCaFileIsAUsageErrorNamingTheFlagAndFile) {
  cli::Environment environment;
  environment.address = "127.0.0.1:1";
  Result result = RunHyperctl({"info", "--tls-ca", "/nonexistent/ca.pem"}, environment);
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, HasSubstr("--tls-ca: cannot read /nonexistent/ca.pem"));
  result = RunHyperctl({"info", "--tls-key", kTestdata + "/client.key"}, environment);
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, HasSubstr("--tls-key is given without --tls-cert"));
}

TEST(HyperctlAuth, ExplainsUnauthenticatedAndPermissionDenied) {
  FakeHyperd fake;
  fake.service().ListStudiesHandler = [](const v1::ListStudiesRequest&,
                                         v1::ListStudiesResponse*) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing bearer token");
  };
  fake.service().DeleteStudyHandler = [](const v1::DeleteStudyRequest&,
                                         google::protobuf::Empty*) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "role worker may not DeleteStudy");
  };
  cli::Environment environment;
  environment.address = fake.address();
  Result refused = RunHyperctl({"study", "list"}, environment);
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("UNAUTHENTICATED: missing bearer token"));
  EXPECT_THAT(refused.err,
              HasSubstr("hyperctl: the server refused the token: set --token or HYPERD_TOKEN"));
  EXPECT_EQ(fake.service().calls("ListStudies"), 1);

  Result denied = RunHyperctl({"study", "delete", "mnist"}, environment);
  EXPECT_EQ(denied.code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED: role worker may not DeleteStudy"));
  EXPECT_THAT(denied.err, HasSubstr("role or studies do not allow this"));
}

TEST(HyperctlAuth, ATokenWithALineBreakIsAUsageErrorBeforeAnyCall) {
  FakeHyperd fake;
  cli::Environment environment;
  environment.address = fake.address();
  environment.token = "pasted\n";
  Result result = RunHyperctl({"info"}, environment);
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, HasSubstr("$HYPERD_TOKEN holds a line break"));
  EXPECT_EQ(fake.service().calls("GetServerInfo"), 0);
}

TEST(HyperctlHashToken, HashesTheTokenOnStdinIgnoringItsTrailingNewline) {
  cli::Environment environment;
  Result result = RunHyperctl({"admin", "hash-token"}, environment, "s3cret\n");
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "sha256:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0\n");
}

TEST(HyperctlHashToken, GeneratesATokenPrintedOnceWithItsDigestAndNeedsNoServerOrTlsFiles) {
  cli::Environment environment;
  environment.tls_ca = "/nonexistent/ca.pem";  // not read: hash-token never connects
  Result result = RunHyperctl({"admin", "hash-token", "--generate"}, environment);
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, MatchesRegex("token: [0-9a-f]{64}\nsha256:[0-9a-f]{64}\n"));
  Result again = RunHyperctl({"admin", "hash-token"}, environment, result.out.substr(7, 64));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, result.out.substr(72));
}

TEST(HyperctlHashToken, EmptyStdinIsAUsageErrorSuggestingGenerate) {
  Result result = RunHyperctl({"admin", "hash-token"}, cli::Environment(), "  \n");
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, HasSubstr("--generate"));
}

}  // namespace
}  // namespace hyperd
