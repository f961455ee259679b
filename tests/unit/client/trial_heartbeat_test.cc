#include "client/cpp/trial_heartbeat.h"

#include <atomic>
#include <memory>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/unit/client/fake_hyperd.h"

namespace hyperd {
namespace {

using ::hyperd::testing::FakeHyperd;

std::unique_ptr<Client> MakeClient(const std::string& address) {
  ClientOptions options;
  options.address = address;
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(4);
  return std::move(Client::Create(options)).value();
}

// Each beat extends the lease by one more second; beat `stop_at` onwards says should_stop.
void ScriptHeartbeats(FakeHyperd& fake, int stop_at) {
  auto beats = std::make_shared<std::atomic<int>>(0);
  fake.service().HeartbeatHandler = [beats, stop_at](const v1::HeartbeatRequest& request,
                                                     v1::HeartbeatResponse* response) {
    if (request.name() != "studies/s/trials/0" || request.client_id() != "worker-1") {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "wrong trial or client");
    }
    const int beat = ++*beats;
    response->mutable_lease_expire_time()->set_seconds(1000 + beat);
    response->set_should_stop(beat >= stop_at);
    return grpc::Status::OK;
  };
}

TEST(TrialHeartbeat, BeatsEveryIntervalAndRecordsTheLease) {
  FakeHyperd fake;
  ScriptHeartbeats(fake, /*stop_at=*/1000);
  std::unique_ptr<Client> client = MakeClient(fake.address());
  absl::Notification three_beats;
  std::atomic<int> seen{0};
  {
    TrialHeartbeat heartbeat(client.get(), "studies/s/trials/0", "worker-1", absl::Milliseconds(5),
                             [&](const absl::StatusOr<v1::HeartbeatResponse>& response) {
                               EXPECT_TRUE(response.ok()) << response.status();
                               if (++seen == 3) three_beats.Notify();
                             });
    ASSERT_TRUE(three_beats.WaitForNotificationWithTimeout(absl::Seconds(30)));
    EXPECT_GE(heartbeat.successful_beats(), 3);
    EXPECT_GE(heartbeat.lease_expire_time(), absl::FromUnixSeconds(1003));
    EXPECT_TRUE(heartbeat.last_status().ok());
    EXPECT_FALSE(heartbeat.should_stop());
  }
  // Destroyed: no more beats.
  const int calls = fake.service().calls("Heartbeat");
  EXPECT_EQ(calls, seen.load());
}

TEST(TrialHeartbeat, ReportsShouldStopFromTheServer) {
  FakeHyperd fake;
  ScriptHeartbeats(fake, /*stop_at=*/2);
  std::unique_ptr<Client> client = MakeClient(fake.address());
  absl::Notification stop_seen;
  TrialHeartbeat heartbeat(
      client.get(), "studies/s/trials/0", "worker-1", absl::Milliseconds(5),
      [&](const absl::StatusOr<v1::HeartbeatResponse>& response) {
        if (response.ok() && response->should_stop() && !stop_seen.HasBeenNotified()) {
          stop_seen.Notify();
        }
      });
  ASSERT_TRUE(stop_seen.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(heartbeat.should_stop());
}

TEST(TrialHeartbeat, StopsBeatingOnceTheTrialIsNoLongerOpen) {
  FakeHyperd fake;
  fake.service().HeartbeatHandler = [](const v1::HeartbeatRequest&, v1::HeartbeatResponse*) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "trial is SUCCEEDED");
  };
  std::unique_ptr<Client> client = MakeClient(fake.address());
  absl::Notification first_beat;
  std::atomic<int> beats{0};
  {
    TrialHeartbeat heartbeat(client.get(), "studies/s/trials/0", "worker-1", absl::Milliseconds(1),
                             [&](const absl::StatusOr<v1::HeartbeatResponse>&) {
                               if (++beats == 1) first_beat.Notify();
                             });
    ASSERT_TRUE(first_beat.WaitForNotificationWithTimeout(absl::Seconds(30)));
    EXPECT_EQ(heartbeat.last_status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(heartbeat.successful_beats(), 0);
  }
  // The thread ended after the first answer; joining it proves no beat is pending.
  EXPECT_EQ(beats.load(), 1);
  EXPECT_EQ(fake.service().calls("Heartbeat"), 1);
}

TEST(TrialHeartbeat, DestructionWakesTheThreadWithoutWaitingForTheInterval) {
  FakeHyperd fake;
  ScriptHeartbeats(fake, 1000);
  std::unique_ptr<Client> client = MakeClient(fake.address());
  const absl::Time start = absl::Now();
  { TrialHeartbeat heartbeat(client.get(), "studies/s/trials/0", "worker-1", absl::Hours(1)); }
  // An hour-long interval ends at once; the bound is loose for loaded machines.
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(fake.service().calls("Heartbeat"), 0);
}

}  // namespace
}  // namespace hyperd
