// An in-process hyperd.v1.Hyperd server whose replies a test scripts per method, for testing the
// C++ client and hyperctl without the real server.
//
//   FakeHyperd fake;
//   fake.service().GetStudyHandler = [](const v1::GetStudyRequest& r, v1::Study* study) {
//     study->set_name(r.name());
//     return grpc::Status::OK;
//   };
//   ClientOptions options;
//   options.address = fake.address();
//   auto client = Client::Create(options);
//
// Unscripted methods answer UNIMPLEMENTED. Set handlers before issuing calls; handlers run on
// gRPC threads.
#ifndef HYPERD_TESTS_UNIT_CLIENT_FAKE_HYPERD_H_
#define HYPERD_TESTS_UNIT_CLIENT_FAKE_HYPERD_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "hyperd/v1/hyperd.grpc.pb.h"

namespace hyperd::testing {

class FakeHyperdService final : public v1::Hyperd::Service {
 public:
#define HYPERD_FAKE_RPC(Method, Request, Response)                                              \
  std::function<grpc::Status(const Request&, Response*)> Method##Handler;                       \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) \
      override {                                                                                \
    Record(#Method, *context);                                                                  \
    if (!Method##Handler) {                                                                     \
      return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, #Method " is not scripted");         \
    }                                                                                           \
    return Method##Handler(*request, response);                                                 \
  }
  HYPERD_FAKE_RPC(CreateStudy, v1::CreateStudyRequest, v1::Study)
  HYPERD_FAKE_RPC(GetStudy, v1::GetStudyRequest, v1::Study)
  HYPERD_FAKE_RPC(ListStudies, v1::ListStudiesRequest, v1::ListStudiesResponse)
  HYPERD_FAKE_RPC(UpdateStudy, v1::UpdateStudyRequest, v1::Study)
  HYPERD_FAKE_RPC(SetStudyState, v1::SetStudyStateRequest, v1::Study)
  HYPERD_FAKE_RPC(DeleteStudy, v1::DeleteStudyRequest, google::protobuf::Empty)
  HYPERD_FAKE_RPC(SuggestTrials, v1::SuggestTrialsRequest, v1::SuggestTrialsResponse)
  HYPERD_FAKE_RPC(CreateTrial, v1::CreateTrialRequest, v1::Trial)
  HYPERD_FAKE_RPC(GetTrial, v1::GetTrialRequest, v1::Trial)
  HYPERD_FAKE_RPC(ListTrials, v1::ListTrialsRequest, v1::ListTrialsResponse)
  HYPERD_FAKE_RPC(ReportMeasurement, v1::ReportMeasurementRequest, v1::ReportMeasurementResponse)
  HYPERD_FAKE_RPC(Heartbeat, v1::HeartbeatRequest, v1::HeartbeatResponse)
  HYPERD_FAKE_RPC(CheckTrialEarlyStopping, v1::CheckTrialEarlyStoppingRequest,
                  v1::CheckTrialEarlyStoppingResponse)
  HYPERD_FAKE_RPC(CompleteTrial, v1::CompleteTrialRequest, v1::Trial)
  HYPERD_FAKE_RPC(FailTrial, v1::FailTrialRequest, v1::Trial)
  HYPERD_FAKE_RPC(StopTrial, v1::StopTrialRequest, v1::Trial)
  HYPERD_FAKE_RPC(ListOptimalTrials, v1::ListOptimalTrialsRequest, v1::ListOptimalTrialsResponse)
  HYPERD_FAKE_RPC(GetServerInfo, v1::GetServerInfoRequest, v1::ServerInfo)
#undef HYPERD_FAKE_RPC

  // How many times `method` was called (scripted or not).
  int calls(const std::string& method) const;
  // The "authorization" metadata of the last call ("" when absent).
  std::string last_authorization() const;
  // The common name of the client certificate of the last call ("" without mutual TLS).
  std::string last_peer_common_name() const;

 private:
  void Record(const std::string& method, const grpc::ServerContext& context);

  mutable absl::Mutex mutex_;
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mutex_);
  std::string last_authorization_ ABSL_GUARDED_BY(mutex_);
  std::string last_peer_common_name_ ABSL_GUARDED_BY(mutex_);
};

// Serves a FakeHyperdService on 127.0.0.1 at a free port until destroyed.
class FakeHyperd {
 public:
  // Plaintext.
  FakeHyperd();
  // With these credentials, e.g. grpc::SslServerCredentials for TLS tests.
  explicit FakeHyperd(std::shared_ptr<grpc::ServerCredentials> credentials);
  ~FakeHyperd();

  FakeHyperdService& service() { return service_; }
  const std::string& address() const { return address_; }

 private:
  FakeHyperdService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_UNIT_CLIENT_FAKE_HYPERD_H_
