// The real hyperd with TLS, mTLS and tokens: certificates from scripts/dev-certs, clients built
// directly on grpc (the C++ client library changes separately), SIGHUP token reload, and the
// start-up refusals (exit 2) that keep an open API off the network.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "hyperd/v1/hyperd.grpc.pb.h"
#include "server/auth/sha256.h"
#include "tests/e2e/program_runner.h"
#include "tests/testing/server_process.h"

namespace hyperd {
namespace {

namespace v1 = hyperd::v1;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::RunProgram;
using testing::ServerProcess;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TokenLine(const std::string& name, const std::string& role) {
  return absl::StrCat(name, " ", role,
                      " sha256:", server::auth::Sha256Hex(server::auth::Sha256(name + "-token")),
                      "\n");
}

// Fresh certificates in a temp directory for the whole binary (they take ~1 s of RSA keygen).
class TlsAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string templ = ::testing::TempDir() + "hyperd-tls-XXXXXX";
    dir_ = new std::string(mkdtemp(templ.data()));
    const CommandResult made = RunProgram("/bin/bash", {DEV_CERTS_SCRIPT, *dir_ + "/certs"}, *dir_);
    ASSERT_EQ(made.exit_code, 0) << made;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static std::string Cert(const std::string& file) { return *dir_ + "/certs/" + file; }

  std::string WriteTokens(const std::string& contents) {
    const std::string path =
        *dir_ + "/tokens-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ofstream(path + ".tmp", std::ios::trunc) << contents;
    std::filesystem::rename(path + ".tmp", path);  // atomically, as an operator should
    return path;
  }

  std::unique_ptr<ServerProcess> StartServer(std::vector<std::string> flags) {
    testing::ServerProcessOptions options;
    options.binary = HYPERD_BINARY;
    options.extra_args = std::move(flags);
    auto server = std::make_unique<ServerProcess>(std::move(options));
    const absl::Status started = server->Start();
    EXPECT_TRUE(started.ok()) << started << "\n" << server->LogTail();
    return server;
  }

  static grpc::SslCredentialsOptions TrustingCa() {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadAll(Cert("ca.crt"));
    return options;
  }

  static grpc::Status GetServerInfo(const std::shared_ptr<grpc::Channel>& channel,
                                    const std::string& token = "") {
    auto stub = v1::Hyperd::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token + "-token");
    v1::ServerInfo info;
    return stub->GetServerInfo(&context, v1::GetServerInfoRequest(), &info);
  }

  static std::string* dir_;
};
std::string* TlsAuthTest::dir_ = nullptr;

TEST_F(TlsAuthTest, TlsClientTrustingTheCaGetsInAndPlaintextDoesNot) {
  const std::string tokens = WriteTokens(TokenLine("ops", "admin"));
  auto server =
      StartServer({"--tls-cert-file=" + Cert("server.crt"), "--tls-key-file=" + Cert("server.key"),
                   "--auth-token-file=" + tokens});
  ASSERT_TRUE(server->running());
  const std::string address = absl::StrCat("localhost:", server->grpc_port());
  auto tls = grpc::CreateChannel(address, grpc::SslCredentials(TrustingCa()));
  EXPECT_TRUE(GetServerInfo(tls, "ops").ok());
  EXPECT_EQ(GetServerInfo(tls, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // By IP too: the certificate names 127.0.0.1.
  auto by_ip = grpc::CreateChannel(server->address(), grpc::SslCredentials(TrustingCa()));
  EXPECT_TRUE(GetServerInfo(by_ip, "ops").ok());

  auto plaintext = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  EXPECT_EQ(GetServerInfo(plaintext, "ops").error_code(), grpc::StatusCode::UNAVAILABLE);
  // A client that does not trust our CA refuses the server.
  grpc::SslCredentialsOptions wrong_ca;
  wrong_ca.pem_root_certs = ReadAll(Cert("client.crt"));
  auto untrusting = grpc::CreateChannel(address, grpc::SslCredentials(wrong_ca));
  EXPECT_EQ(GetServerInfo(untrusting, "ops").error_code(), grpc::StatusCode::UNAVAILABLE);
  // Open connections would hold the graceful shutdown for its whole grace period.
  tls.reset();
  by_ip.reset();
  plaintext.reset();
  untrusting.reset();
  EXPECT_TRUE(server->Terminate().ok());
}

TEST_F(TlsAuthTest, MutualTlsRequiresAClientCertificateSignedByTheCa) {
  auto server =
      StartServer({"--tls-cert-file=" + Cert("server.crt"), "--tls-key-file=" + Cert("server.key"),
                   "--tls-client-ca-file=" + Cert("ca.crt")});
  ASSERT_TRUE(server->running());
  const std::string address = absl::StrCat("localhost:", server->grpc_port());
  auto without_cert = grpc::CreateChannel(address, grpc::SslCredentials(TrustingCa()));
  EXPECT_EQ(GetServerInfo(without_cert).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The server's own certificate is signed by the CA but is not for client authentication.
  grpc::SslCredentialsOptions with_cert = TrustingCa();
  with_cert.pem_cert_chain = ReadAll(Cert("client.crt"));
  with_cert.pem_private_key = ReadAll(Cert("client.key"));
  auto mtls = grpc::CreateChannel(address, grpc::SslCredentials(with_cert));
  EXPECT_TRUE(GetServerInfo(mtls).ok());
  without_cert.reset();
  mtls.reset();
  EXPECT_TRUE(server->Terminate().ok());
}

TEST_F(TlsAuthTest, SighupReloadsTokensAndABrokenFileKeepsTheOldOnes) {
  const std::string tokens = WriteTokens(TokenLine("old", "viewer"));
  auto server = StartServer({"--auth-token-file=" + tokens});
  ASSERT_TRUE(server->running());
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(GetServerInfo(channel, "old").ok());

  // Waits (bounded) until the log shows `count` lines containing `what`.
  auto await_log = [&](const std::string& what, int count) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      const std::string log = ReadAll(server->log_path());
      int seen = 0;
      for (size_t at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++seen;
      if (seen >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };

  WriteTokens(TokenLine("new", "viewer"));
  ASSERT_EQ(kill(server->pid(), SIGHUP), 0);
  ASSERT_TRUE(await_log("auth tokens reloaded", 1)) << server->LogTail();
  EXPECT_TRUE(GetServerInfo(channel, "new").ok());
  EXPECT_EQ(GetServerInfo(channel, "old").error_code(), grpc::StatusCode::UNAUTHENTICATED);

  WriteTokens("new viewer not-a-hash\n");
  ASSERT_EQ(kill(server->pid(), SIGHUP), 0);
  ASSERT_TRUE(await_log("auth token reload failed", 1)) << server->LogTail();
  EXPECT_THAT(server->LogTail(), HasSubstr(tokens + ":1: "));
  EXPECT_TRUE(GetServerInfo(channel, "new").ok());
  EXPECT_EQ(GetServerInfo(channel, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // SIGTERM still stops it cleanly after SIGHUPs.
  channel.reset();
  EXPECT_TRUE(server->Terminate().ok()) << server->LogTail();
}

TEST_F(TlsAuthTest, NonLoopbackListenWithoutTlsOrTokensIsRefusedWithExit2) {
  const std::string data = *dir_ + "/refused-data";
  const std::string tokens = WriteTokens(TokenLine("ops", "admin"));
  const CommandResult plaintext =
      RunProgram(HYPERD_BINARY,
                 {"--listen=0.0.0.0:0", "--metrics-listen=", "--data-dir=" + data,
                  "--auth-token-file=" + tokens},
                 *dir_);
  EXPECT_EQ(plaintext.exit_code, 2) << plaintext;
  EXPECT_THAT(plaintext.err, HasSubstr("--tls-cert-file"));
  EXPECT_THAT(plaintext.err, HasSubstr("--allow-insecure-remote"));

  const CommandResult open =
      RunProgram(HYPERD_BINARY,
                 {"--listen=[::]:0", "--metrics-listen=", "--data-dir=" + data,
                  "--tls-cert-file=" + Cert("server.crt"), "--tls-key-file=" + Cert("server.key")},
                 *dir_);
  EXPECT_EQ(open.exit_code, 2) << open;
  EXPECT_THAT(open.err, HasSubstr("--auth-token-file"));
}

TEST_F(TlsAuthTest, BadSecurityFilesAreRefusedWithExit2AndTheirName) {
  const std::string data = *dir_ + "/bad-data";
  const std::string broken = WriteTokens(TokenLine("ops", "admin") + "x worker sha256:00\n");
  const CommandResult tokens =
      RunProgram(HYPERD_BINARY,
                 {"--listen=127.0.0.1:0", "--metrics-listen=", "--data-dir=" + data,
                  "--auth-token-file=" + broken},
                 *dir_);
  EXPECT_EQ(tokens.exit_code, 2) << tokens;
  EXPECT_THAT(tokens.err, HasSubstr(broken + ":2: "));

  const CommandResult mismatched =
      RunProgram(HYPERD_BINARY,
                 {"--listen=127.0.0.1:0", "--metrics-listen=", "--data-dir=" + data,
                  "--tls-cert-file=" + Cert("server.crt"), "--tls-key-file=" + Cert("client.key")},
                 *dir_);
  EXPECT_EQ(mismatched.exit_code, 2) << mismatched;
  EXPECT_THAT(mismatched.err, HasSubstr("is not the key of the certificate"));

  const CommandResult half =
      RunProgram(HYPERD_BINARY,
                 {"--listen=127.0.0.1:0", "--metrics-listen=", "--data-dir=" + data,
                  "--tls-cert-file=" + Cert("server.crt")},
                 *dir_);
  EXPECT_EQ(half.exit_code, 2) << half;
  EXPECT_THAT(half.err, HasSubstr("--tls-key-file"));
}

}  // namespace
}  // namespace hyperd
