// The server never crashes on any input: every method gets random bytes and randomly mutated
// valid requests (seeded), and must answer each with a status while staying up and consistent.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"
#include "tests/testing/test_server.h"

namespace hyperd {
namespace {

using ::hyperd::testing::BasicStudy;
using ::hyperd::testing::Call;
using Stub = v1::Hyperd::Stub;

// Calls "/hyperd.v1.Hyperd/<method>" with raw request bytes; returns the status.
grpc::Status RawCall(grpc::GenericStub& stub, const std::string& method, const std::string& bytes) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::Status result;
  absl::Notification done;
  stub.UnaryCall(&context, "/hyperd.v1.Hyperd/" + method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) {
                   result = std::move(status);
                   done.Notify();
                 });
  done.WaitForNotification();
  return result;
}

// A valid request for every method, against study "s" and its trial 0.
std::string ValidRequest(const std::string& method) {
  if (method == "CreateStudy") {
    v1::CreateStudyRequest r;
    r.set_study_id("s");
    *r.mutable_study() = testing::BasicStudy();
    return r.SerializeAsString();
  }
  if (method == "SuggestTrials") {
    v1::SuggestTrialsRequest r;
    r.set_parent("studies/s");
    r.set_client_id("w");
    r.set_count(2);
    return r.SerializeAsString();
  }
  if (method == "ReportMeasurement") {
    v1::ReportMeasurementRequest r;
    r.set_name("studies/s/trials/0");
    r.mutable_measurement()->set_step(3);
    (*r.mutable_measurement()->mutable_metrics())["loss"] = 0.5;
    return r.SerializeAsString();
  }
  if (method == "CreateTrial") {
    v1::CreateTrialRequest r;
    r.set_parent("studies/s");
    v1::Parameter* p = r.mutable_trial()->add_parameters();
    p->set_name("lr");
    p->set_double_value(0.01);
    return r.SerializeAsString();
  }
  // Every other request has `name` (or `parent`) as field 1.
  v1::GetTrialRequest r;
  r.set_name(method.find("Stud") != std::string::npos || method.find("List") == 0
                 ? "studies/s"
                 : "studies/s/trials/0");
  return r.SerializeAsString();
}

TEST(HostileInput, RandomAndMutatedRequestsNeverCrashTheServer) {
  testing::TestServer server;
  grpc::GenericStub generic(server.server().InProcessChannel());
  const google::protobuf::ServiceDescriptor* service =
      v1::Study::descriptor()->file()->FindServiceByName("Hyperd");
  ASSERT_NE(service, nullptr);
  ASSERT_TRUE(RawCall(generic, "CreateStudy", ValidRequest("CreateStudy")).ok());
  ASSERT_TRUE(RawCall(generic, "SuggestTrials", ValidRequest("SuggestTrials")).ok());

  std::mt19937_64 rng(20261127);
  int answered = 0;
  for (int round = 0; round < 60; ++round) {
    for (int m = 0; m < service->method_count(); ++m) {
      const std::string method = service->method(m)->name();
      if (method == "DeleteStudy") continue;  // keep the study around for the other methods
      // A unary call cannot read a stream (it waits out its deadline after the second message);
      // BackupDatabase, the one streaming method, has its own tests (backup_e2e_test).
      if (service->method(m)->server_streaming()) continue;
      std::string bytes;
      if (round % 3 == 0) {  // random bytes
        bytes.resize(rng() % 64);
        for (char& c : bytes) c = static_cast<char>(rng());
      } else {  // a valid request with a few bytes flipped, cut or appended
        bytes = ValidRequest(method);
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !bytes.empty(); ++e) {
          switch (rng() % 3) {
            case 0:
              bytes[rng() % bytes.size()] ^= static_cast<char>(1 << (rng() % 8));
              break;
            case 1:
              bytes.resize(rng() % bytes.size());
              break;
            default:
              bytes.push_back(static_cast<char>(rng()));
              break;
          }
        }
      }
      grpc::Status status = RawCall(generic, method, bytes);
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << method;
      ++answered;
    }
  }
  EXPECT_GT(answered, 500);
  // Still up, still consistent: the study answers and a well-formed report works.
  v1::GetStudyRequest get;
  get.set_name("studies/s");
  v1::Study study;
  ASSERT_TRUE(Call(server.stub(), &Stub::GetStudy, get, &study).ok());
  v1::ServerInfo info;
  EXPECT_TRUE(Call(server.stub(), &Stub::GetServerInfo, v1::GetServerInfoRequest(), &info).ok());
}

}  // namespace
}  // namespace hyperd
