// The C++ client against an in-process fake server: retries, deadlines, metadata, paging.
#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "client/cpp/hyperd_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/client/fake_hyperd.h"
#include "tests/unit/client/scoped_env.h"

namespace hyperd {
namespace {

using ::hyperd::testing::FakeHyperd;
using ::testing::HasSubstr;

ClientOptions FastOptions(const std::string& address) {
  ClientOptions options;
  options.address = address;
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(4);
  options.deadline = absl::Seconds(20);
  return options;
}

std::unique_ptr<Client> MakeClient(ClientOptions options) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(std::move(options));
  EXPECT_TRUE(client.ok()) << client.status();
  return std::move(client).value();
}

// Answers UNAVAILABLE `failures` times, then OK with version "1.2.3".
void FailThenSucceed(FakeHyperd& fake, int failures) {
  auto remaining = std::make_shared<std::atomic<int>>(failures);
  fake.service().GetServerInfoHandler = [remaining](const v1::GetServerInfoRequest&,
                                                    v1::ServerInfo* info) {
    if (remaining->fetch_sub(1) > 0) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down");
    }
    info->set_version("1.2.3");
    return grpc::Status::OK;
  };
}

TEST(Client, RetriesUnavailableWithGrowingBackoffUntilItSucceeds) {
  FakeHyperd fake;
  FailThenSucceed(fake, 3);
  std::vector<RetryEvent> events;
  ClientOptions options = FastOptions(fake.address());
  options.on_retry = [&events](const RetryEvent& event) { events.push_back(event); };
  std::unique_ptr<Client> client = MakeClient(options);

  absl::StatusOr<v1::ServerInfo> info = client->GetServerInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->version(), "1.2.3");
  EXPECT_EQ(fake.service().calls("GetServerInfo"), 4);
  ASSERT_EQ(events.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].method, "GetServerInfo");
    EXPECT_EQ(events[i].attempt, i + 1);
    EXPECT_EQ(events[i].status.code(), absl::StatusCode::kUnavailable);
    // Jittered within [backoff/2, backoff] where backoff = 1ms * 2^(attempt-1), capped at 4ms.
    const absl::Duration backoff = std::min(absl::Milliseconds(1 << i), absl::Milliseconds(4));
    EXPECT_GE(events[i].backoff, backoff / 2);
    EXPECT_LE(events[i].backoff, backoff);
  }
}

TEST(Client, GivesUpAfterMaxAttemptsAndSaysHowManyWereMade) {
  FakeHyperd fake;
  FailThenSucceed(fake, 100);
  ClientOptions options = FastOptions(fake.address());
  options.max_attempts = 3;
  std::unique_ptr<Client> client = MakeClient(options);

  absl::StatusOr<v1::ServerInfo> info = client->GetServerInfo();
  EXPECT_EQ(info.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(info.status().message(), HasSubstr("shutting down"));
  EXPECT_THAT(info.status().message(),
              HasSubstr(absl::StrCat("GetServerInfo to ", fake.address(), " failed 3 attempts")));
  EXPECT_EQ(fake.service().calls("GetServerInfo"), 3);
}

TEST(Client, DoesNotRetryOtherErrors) {
  FakeHyperd fake;
  fake.service().GetStudyHandler = [](const v1::GetStudyRequest& request, v1::Study*) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, request.name() + " does not exist");
  };
  std::unique_ptr<Client> client = MakeClient(FastOptions(fake.address()));
  v1::GetStudyRequest request;
  request.set_name("studies/nope");
  absl::StatusOr<v1::Study> study = client->GetStudy(request);
  EXPECT_EQ(study.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(study.status().message(), "studies/nope does not exist");
  EXPECT_EQ(fake.service().calls("GetStudy"), 1);
}

TEST(Client, StopsRetryingWhenTheNextWaitWouldPassTheDeadline) {
  FakeHyperd fake;
  FailThenSucceed(fake, 100);
  ClientOptions options = FastOptions(fake.address());
  options.max_attempts = 1000;
  options.initial_backoff = options.max_backoff = absl::Seconds(10);
  std::unique_ptr<Client> client = MakeClient(options);
  CallOptions call;
  call.deadline = absl::Seconds(5);
  EXPECT_EQ(client->GetServerInfo({}, call).status().code(), absl::StatusCode::kUnavailable);
  // The first wait (5 to 10 s) would pass the 5 s deadline: one attempt only.
  EXPECT_EQ(fake.service().calls("GetServerInfo"), 1);
}

TEST(Client, ReturnsDeadlineExceededWithoutRetrying) {
  FakeHyperd fake;
  absl::Notification release;
  fake.service().GetStudyHandler = [&release](const v1::GetStudyRequest&, v1::Study*) {
    release.WaitForNotificationWithTimeout(absl::Seconds(30));
    return grpc::Status::OK;
  };
  std::unique_ptr<Client> client = MakeClient(FastOptions(fake.address()));
  CallOptions call;
  call.deadline = absl::Milliseconds(100);
  EXPECT_EQ(client->GetStudy({}, call).status().code(), absl::StatusCode::kDeadlineExceeded);
  release.Notify();
  EXPECT_EQ(fake.service().calls("GetStudy"), 1);
}

TEST(Client, SendsTheTokenAsBearerAuthorizationOnlyWhenSet) {
  ::hyperd::testing::ScopedEnv no_env_token("HYPERD_TOKEN", std::nullopt);
  FakeHyperd fake;
  FailThenSucceed(fake, 0);
  ClientOptions options = FastOptions(fake.address());
  ASSERT_TRUE(MakeClient(options)->GetServerInfo().ok());
  EXPECT_EQ(fake.service().last_authorization(), "");

  options.token = "s3cret";
  ASSERT_TRUE(MakeClient(options)->GetServerInfo().ok());
  EXPECT_EQ(fake.service().last_authorization(), "Bearer s3cret");
}

TEST(Client, ListAllTrialsFollowsPageTokensAndKeepsTheFilter) {
  FakeHyperd fake;
  std::vector<std::string> tokens_seen;
  fake.service().ListTrialsHandler = [&tokens_seen](const v1::ListTrialsRequest& request,
                                                    v1::ListTrialsResponse* response) {
    tokens_seen.push_back(request.page_token());
    if (request.parent() != "studies/s" || request.states_size() != 1 ||
        request.states(0) != v1::Trial::ACTIVE) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "filter lost");
    }
    const int page = request.page_token().empty() ? 0 : std::stoi(request.page_token());
    for (int i = 0; i < 2; ++i) response->add_trials()->set_number(page * 2 + i);
    if (page < 2) response->set_next_page_token(std::to_string(page + 1));
    return grpc::Status::OK;
  };
  std::unique_ptr<Client> client = MakeClient(FastOptions(fake.address()));
  absl::StatusOr<std::vector<v1::Trial>> trials =
      client->ListAllTrials("studies/s", {v1::Trial::ACTIVE});
  ASSERT_TRUE(trials.ok()) << trials.status();
  ASSERT_EQ(trials->size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ((*trials)[i].number(), i);
  EXPECT_EQ(tokens_seen, (std::vector<std::string>{"", "1", "2"}));
}

TEST(Client, ListAllStudiesFollowsPageTokens) {
  FakeHyperd fake;
  fake.service().ListStudiesHandler = [](const v1::ListStudiesRequest& request,
                                         v1::ListStudiesResponse* response) {
    response->add_studies()->set_name(request.page_token().empty() ? "studies/a" : "studies/b");
    if (request.page_token().empty()) response->set_next_page_token("next");
    return grpc::Status::OK;
  };
  absl::StatusOr<std::vector<v1::Study>> studies =
      MakeClient(FastOptions(fake.address()))->ListAllStudies();
  ASSERT_TRUE(studies.ok()) << studies.status();
  ASSERT_EQ(studies->size(), 2u);
  EXPECT_EQ((*studies)[1].name(), "studies/b");
}

TEST(Client, CreateRejectsBadOptionsNamingThem) {
  ClientOptions options;
  options.address = "";
  EXPECT_THAT(Client::Create(options).status().message(), HasSubstr("ClientOptions.address"));
  options = ClientOptions();
  options.max_attempts = 0;
  EXPECT_THAT(Client::Create(options).status().message(), HasSubstr("max_attempts is 0"));
  options = ClientOptions();
  options.deadline = absl::ZeroDuration();
  EXPECT_THAT(Client::Create(options).status().message(), HasSubstr("deadline"));
  options = ClientOptions();
  options.max_backoff = absl::Milliseconds(1);
  EXPECT_EQ(Client::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Client, ReportsAServerThatIsDownAsUnavailable) {
  // Port 1 on loopback is not served in the test environment.
  ClientOptions options = FastOptions("127.0.0.1:1");
  options.max_attempts = 2;
  absl::StatusOr<v1::ServerInfo> info = MakeClient(options)->GetServerInfo();
  EXPECT_EQ(info.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(info.status().message(), HasSubstr("failed 2 attempts"));
}

}  // namespace
}  // namespace hyperd
