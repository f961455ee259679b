// The C++ client library end to end against the real hyperd binary: typed calls, retries while
// the server is not up yet, a background heartbeat renewing a trial's lease, and ListArms.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "client/cpp/hyperd_client.h"
#include "client/cpp/trial_heartbeat.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace hyperd {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice for port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "cannot find a free port: " << std::strerror(errno);
    if (fd >= 0) close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

v1::CreateStudyRequest StudyRequest(const std::string& id) {
  v1::CreateStudyRequest request;
  request.set_study_id(id);
  v1::StudySpec* spec = request.mutable_study()->mutable_spec();
  v1::ParameterSpec* lr = spec->mutable_search_space()->add_parameters();
  lr->set_name("lr");
  lr->mutable_double_spec()->set_min(1e-4);
  lr->mutable_double_spec()->set_max(1.0);
  lr->mutable_double_spec()->set_scale(v1::LOG);
  spec->mutable_objective()->set_metric("loss");
  spec->mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  spec->mutable_sampler()->mutable_random();
  spec->set_seed(1);
  return request;
}

class ClientE2eTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_ != nullptr && server_->running()) {
      const absl::Status stopped = server_->Terminate();
      EXPECT_TRUE(stopped.ok()) << stopped;
    }
    server_.reset();  // removes its work directory, data included
  }

  // Creates (does not start) the server, optionally on a fixed port.
  void MakeServer(int port = 0) {
    testing::ServerProcessOptions options;
    options.binary = HYPERD_BINARY;
    options.extra_args = {"--durability=normal"};
    if (port != 0) options.extra_args.push_back(absl::StrCat("--listen=127.0.0.1:", port));
    server_ = std::make_unique<testing::ServerProcess>(options);
  }

  std::unique_ptr<Client> Connect(ClientOptions options) {
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(ClientE2eTest, RetriesUnavailableUntilTheServerComesUp) {
  const int port = FreePort();
  ASSERT_NE(port, 0);
  MakeServer(port);
  absl::Notification first_retry;
  std::atomic<int> retries{0};
  ClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", port);
  options.max_attempts = 1000;
  options.initial_backoff = absl::Milliseconds(20);
  options.max_backoff = absl::Milliseconds(200);
  options.deadline = absl::Seconds(60);
  options.on_retry = [&](const RetryEvent& event) {
    EXPECT_EQ(event.status.code(), absl::StatusCode::kUnavailable);
    if (retries++ == 0) first_retry.Notify();
  };
  std::unique_ptr<Client> client = Connect(options);
  ASSERT_NE(client, nullptr);

  absl::StatusOr<v1::ServerInfo> info;
  std::thread call([&] { info = client->GetServerInfo(); });
  // The call has failed at least once against the closed port before the server starts.
  ASSERT_TRUE(first_retry.WaitForNotificationWithTimeout(absl::Seconds(30)));
  const absl::Status started = server_->Start();
  const absl::Time up = absl::Now();
  call.join();
  // The client notices the new server within a backoff or two (not gRPC's 5 s backup poll).
  EXPECT_LT(absl::Now() - up, absl::Seconds(3));
  ASSERT_TRUE(started.ok()) << started;
  ASSERT_TRUE(info.ok()) << info.status() << "\n" << server_->LogTail();
  EXPECT_FALSE(info->version().empty());
  EXPECT_GE(retries.load(), 1);
}

TEST_F(ClientE2eTest, TypedCallsRunATrialFromSuggestToCompletion) {
  MakeServer();
  ASSERT_TRUE(server_->Start().ok());
  ClientOptions options;
  options.address = server_->address();
  std::unique_ptr<Client> client = Connect(options);
  ASSERT_NE(client, nullptr);

  absl::StatusOr<v1::Study> study = client->CreateStudy(StudyRequest("client-e2e"));
  ASSERT_TRUE(study.ok()) << study.status();
  EXPECT_EQ(study->name(), "studies/client-e2e");

  v1::SuggestTrialsRequest suggest;
  suggest.set_parent(study->name());
  suggest.set_count(1);
  suggest.set_client_id(DefaultClientId());
  absl::StatusOr<v1::SuggestTrialsResponse> suggested = client->SuggestTrials(suggest);
  ASSERT_TRUE(suggested.ok()) << suggested.status();
  ASSERT_EQ(suggested->trials_size(), 1);
  const v1::Trial trial = suggested->trials(0);

  v1::ReportMeasurementRequest report;
  report.set_name(trial.name());
  report.set_client_id(suggest.client_id());
  report.mutable_measurement()->set_step(1);
  (*report.mutable_measurement()->mutable_metrics())["loss"] = 0.5;
  absl::StatusOr<v1::ReportMeasurementResponse> reported = client->ReportMeasurement(report);
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_FALSE(reported->should_stop());
  // Reports are idempotent per step: a retried report is acknowledged as a duplicate.
  reported = client->ReportMeasurement(report);
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_TRUE(reported->duplicate());

  v1::CompleteTrialRequest complete;
  complete.set_name(trial.name());
  complete.set_client_id(suggest.client_id());
  absl::StatusOr<v1::Trial> completed = client->CompleteTrial(complete);
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state(), v1::Trial::SUCCEEDED);
  EXPECT_DOUBLE_EQ(completed->objective_value(), 0.5);

  absl::StatusOr<std::vector<v1::Trial>> trials =
      client->ListAllTrials(study->name(), {v1::Trial::SUCCEEDED});
  ASSERT_TRUE(trials.ok()) << trials.status();
  ASSERT_EQ(trials->size(), 1u);
  EXPECT_EQ((*trials)[0].name(), trial.name());

  v1::GetStudyRequest get;
  get.set_name("studies/does-not-exist");
  EXPECT_EQ(client->GetStudy(get).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ClientE2eTest, ListArmsPagesThroughTheArmsOfABanditStudy) {
  MakeServer();
  ASSERT_TRUE(server_->Start().ok());
  ClientOptions options;
  options.address = server_->address();
  std::unique_ptr<Client> client = Connect(options);
  ASSERT_NE(client, nullptr);

  // Three arms; the objective is already a reward in [0, 1] (the default UNIT scale).
  v1::CreateStudyRequest create;
  create.set_study_id("client-arms");
  v1::StudySpec* spec = create.mutable_study()->mutable_spec();
  v1::ParameterSpec* kernel = spec->mutable_search_space()->add_parameters();
  kernel->set_name("kernel");
  for (const char* value : {"linear", "rbf", "poly"}) {
    kernel->mutable_categorical_spec()->add_values(value);
  }
  spec->mutable_objective()->set_metric("accuracy");
  spec->mutable_objective()->set_goal(v1::Objective::MAXIMIZE);
  spec->mutable_sampler()->mutable_ucb1();
  spec->set_seed(3);
  absl::StatusOr<v1::Study> study = client->CreateStudy(create);
  ASSERT_TRUE(study.ok()) << study.status();

  v1::SuggestTrialsRequest suggest;
  suggest.set_parent(study->name());
  suggest.set_client_id(DefaultClientId());
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<v1::SuggestTrialsResponse> suggested = client->SuggestTrials(suggest);
    ASSERT_TRUE(suggested.ok()) << suggested.status();
    ASSERT_EQ(suggested->trials_size(), 1);
    v1::CompleteTrialRequest complete;
    complete.set_name(suggested->trials(0).name());
    (*complete.mutable_final_measurement()->mutable_metrics())["accuracy"] = 0.25 * (i + 1);
    ASSERT_TRUE(client->CompleteTrial(complete).ok());
  }

  v1::ListArmsRequest request;
  request.set_parent(study->name());
  request.set_page_size(2);
  absl::StatusOr<v1::ListArmsResponse> first = client->ListArms(request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->algorithm(), "ucb1");
  EXPECT_EQ(first->arm_count(), 3);
  EXPECT_EQ(first->rewards_applied(), 3);
  EXPECT_EQ(first->arms_size(), 2);
  EXPECT_FALSE(first->next_page_token().empty());

  absl::StatusOr<v1::ListArmsResponse> all = client->ListAllArms(request);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->algorithm(), "ucb1");
  EXPECT_EQ(all->arm_count(), 3);
  EXPECT_EQ(all->rewards_applied(), 3);
  EXPECT_TRUE(all->next_page_token().empty());
  ASSERT_EQ(all->arms_size(), 3);
  double reward_sum = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(all->arms(i).arm(), i);
    EXPECT_EQ(all->arms(i).pulls(), 1);  // UCB1 pulls every arm once first
    EXPECT_EQ(all->arms(i).pending(), 0);
    ASSERT_EQ(all->arms(i).parameters_size(), 1);
    EXPECT_EQ(all->arms(i).parameters(0).name(), "kernel");
    reward_sum += all->arms(i).mean_reward();
  }
  EXPECT_NEAR(reward_sum, 0.25 + 0.5 + 0.75, 1e-9);

  // A study whose sampler is not a bandit policy has no arms.
  absl::StatusOr<v1::Study> random = client->CreateStudy(StudyRequest("client-no-arms"));
  ASSERT_TRUE(random.ok()) << random.status();
  request.set_parent(random->name());
  const absl::Status no_arms = client->ListAllArms(request).status();
  EXPECT_EQ(no_arms.code(), absl::StatusCode::kFailedPrecondition) << no_arms;
}

TEST_F(ClientE2eTest, TrialHeartbeatRenewsTheLease) {
  MakeServer();
  ASSERT_TRUE(server_->Start().ok());
  ClientOptions options;
  options.address = server_->address();
  std::unique_ptr<Client> client = Connect(options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<v1::Study> study = client->CreateStudy(StudyRequest("heartbeat"));
  ASSERT_TRUE(study.ok()) << study.status();

  v1::SuggestTrialsRequest suggest;
  suggest.set_parent(study->name());
  suggest.set_count(1);
  suggest.set_client_id(DefaultClientId());
  absl::StatusOr<v1::SuggestTrialsResponse> suggested = client->SuggestTrials(suggest);
  ASSERT_TRUE(suggested.ok()) << suggested.status();
  ASSERT_EQ(suggested->trials_size(), 1);
  const v1::Trial trial = suggested->trials(0);
  const absl::Time granted = FromProto(trial.lease_expire_time());
  ASSERT_GT(granted, absl::Now());

  absl::Notification renewed;
  {
    TrialHeartbeat heartbeat(
        client.get(), trial.name(), suggest.client_id(), absl::Milliseconds(20),
        [&](const absl::StatusOr<v1::HeartbeatResponse>& response) {
          ASSERT_TRUE(response.ok()) << response.status();
          if (FromProto(response->lease_expire_time()) > granted && !renewed.HasBeenNotified()) {
            renewed.Notify();
          }
        });
    ASSERT_TRUE(renewed.WaitForNotificationWithTimeout(absl::Seconds(30)));
    EXPECT_GT(heartbeat.lease_expire_time(), granted);
    EXPECT_FALSE(heartbeat.should_stop());
  }
  v1::GetTrialRequest get;
  get.set_name(trial.name());
  absl::StatusOr<v1::Trial> after = client->GetTrial(get);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->state(), v1::Trial::ACTIVE);
  EXPECT_GT(FromProto(after->lease_expire_time()), granted);
}

}  // namespace
}  // namespace hyperd
