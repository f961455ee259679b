// ClientOptions' security settings without a server: where the token comes from, which tokens are
// refused, and the errors for TLS files and contradictory options.
#include "client/cpp/channel_security.h"

#include <string>

#include "client/cpp/hyperd_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/client/scoped_env.h"

namespace hyperd {
namespace {

using ::hyperd::testing::ScopedEnv;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kTestdata = CLIENT_TESTDATA_DIR;

TEST(ResolveToken, UsesTheEnvironmentOnlyWhenTheTokenIsNotSet) {
  ScopedEnv env("HYPERD_TOKEN", "from-env");
  EXPECT_EQ(ResolveToken(std::nullopt).value(), "from-env");
  EXPECT_EQ(ResolveToken(std::string("explicit")).value(), "explicit");
  // An explicit empty token means "send none", whatever the environment says.
  EXPECT_EQ(ResolveToken(std::string()).value(), "");
}

TEST(ResolveToken, IsEmptyWithoutTokenOrEnvironment) {
  ScopedEnv env("HYPERD_TOKEN", std::nullopt);
  EXPECT_EQ(ResolveToken(std::nullopt).value(), "");
}

TEST(ResolveToken, RefusesATokenWithALineBreakNamingWhereItCameFromButNotTheToken) {
  ScopedEnv env("HYPERD_TOKEN", "secret-value\n");
  absl::StatusOr<std::string> token = ResolveToken(std::nullopt);
  ASSERT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(token.status().message(), HasSubstr("$HYPERD_TOKEN"));
  EXPECT_THAT(token.status().message(), HasSubstr("line break"));
  EXPECT_THAT(token.status().message(), HasSubstr("position 13"));
  EXPECT_THAT(token.status().message(), Not(HasSubstr("secret-value")));

  token = ResolveToken(std::string("two words"));
  ASSERT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(token.status().message(), HasSubstr("ClientOptions.token holds a space"));
}

TEST(CheckToken, AcceptsPrintableAsciiAndRefusesControlAndNonAsciiBytes) {
  EXPECT_TRUE(CheckToken("", "t").ok());
  EXPECT_TRUE(CheckToken("abc.DEF-_~+/=0123456789", "t").ok());
  EXPECT_FALSE(CheckToken("tab\there", "t").ok());
  EXPECT_FALSE(CheckToken("caf\xc3\xa9", "t").ok());
  EXPECT_FALSE(CheckToken(std::string("nul\0x", 5), "t").ok());
}

TEST(MakeChannelCredentials, IsPlaintextWithoutTlsSettings) {
  ClientOptions options;
  EXPECT_FALSE(WantsTls(options));
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(options);
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_NE(*credentials, nullptr);
}

TEST(MakeChannelCredentials, AnyTlsSettingTurnsTlsOn) {
  ClientOptions options;
  options.tls = true;
  EXPECT_TRUE(WantsTls(options));
  ASSERT_TRUE(MakeChannelCredentials(options).ok());
  options.tls = false;
  options.tls_ca_file = kTestdata + "/ca.crt";
  EXPECT_TRUE(WantsTls(options));
  ASSERT_TRUE(MakeChannelCredentials(options).ok());
  options.tls_cert_file = kTestdata + "/client.crt";
  options.tls_key_file = kTestdata + "/client.key";
  ASSERT_TRUE(MakeChannelCredentials(options).ok());
}

TEST(MakeChannelCredentials, AMissingCaFileIsInvalidArgumentNamingTheFieldAndFile) {
  ClientOptions options;
  options.tls_ca_file = kTestdata + "/no-such-ca.crt";
  absl::Status status = MakeChannelCredentials(options).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("ClientOptions.tls_ca_file"));
  EXPECT_THAT(status.message(), HasSubstr("no-such-ca.crt"));
  EXPECT_THAT(status.message(), HasSubstr("No such file"));
}

TEST(MakeChannelCredentials, AMissingKeyFileIsInvalidArgumentNamingTheFile) {
  ClientOptions options;
  options.tls_ca_file = kTestdata + "/ca.crt";
  options.tls_cert_file = kTestdata + "/client.crt";
  options.tls_key_file = kTestdata + "/missing.key";
  absl::Status status = MakeChannelCredentials(options).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("ClientOptions.tls_key_file"));
  EXPECT_THAT(status.message(), HasSubstr("missing.key"));
}

TEST(MakeChannelCredentials, AFileWithoutPemIsInvalidArgument) {
  ClientOptions options;
  options.tls_ca_file = kTestdata + "/README.md";
  absl::Status status = MakeChannelCredentials(options).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("README.md holds no PEM block"));
}

TEST(MakeChannelCredentials, ACertificateWithoutItsKeyIsInvalidArgument) {
  ClientOptions options;
  options.tls_cert_file = kTestdata + "/client.crt";
  absl::Status status = MakeChannelCredentials(options).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("tls_cert_file is set without tls_key_file"));
}

TEST(MakeChannelCredentials, CustomCredentialsTogetherWithTlsFieldsIsInvalidArgument) {
  ClientOptions options;
  options.credentials = grpc::InsecureChannelCredentials();
  EXPECT_TRUE(MakeChannelCredentials(options).ok());
  options.tls = true;
  absl::Status status = MakeChannelCredentials(options).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("ClientOptions.credentials"));
}

TEST(ClientCreate, ResolvesTheTokenFromTheEnvironmentOnceAndReportsFileErrors) {
  ScopedEnv env("HYPERD_TOKEN", "env-token");
  ClientOptions options;
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->options().token, "env-token");

  options.tls_ca_file = "/nonexistent/ca.pem";
  client = Client::Create(options);
  ASSERT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(client.status().message(), HasSubstr("/nonexistent/ca.pem"));
}

}  // namespace
}  // namespace hyperd
