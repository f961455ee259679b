// The gRPC service: mechanical glue. Each handler starts its metrics timer, checks the caller's
// bearer token (EnableAuth; server/auth/authorizer.h decides), calls the runtime, and finishes the
// reactor with the runtime's answer, converted once by ToGrpcStatus. No logic here. The token
// check reads the call's metadata here rather than in a grpc::AuthMetadataProcessor, which cannot
// be combined with plaintext credentials (loopback), so one check covers plaintext and TLS.
#ifndef HYPERD_SERVER_HYPERD_SERVICE_H_
#define HYPERD_SERVER_HYPERD_SERVICE_H_

#include <atomic>

#include "absl/status/statusor.h"
#include "hyperd/v1/hyperd.grpc.pb.h"
#include "server/auth/authorizer.h"
#include "server/metrics.h"
#include "server/request_log.h"
#include "server/runtime.h"
#include "server/worker_pool.h"
#include "storage/sqlite/sqlite_trial_store.h"

namespace hyperd::server {

class HyperdService final : public hyperd::v1::Hyperd::CallbackService {
 public:
  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  // `runtime` and `metrics` must outlive the service.
  // Calls slower than `slow_request_threshold` are logged (zero: never).
  HyperdService(Runtime* runtime, Metrics* metrics, hyperd::v1::ServerInfo info,
                absl::Duration slow_request_threshold);

  Reactor* CreateStudy(Context* context, const hyperd::v1::CreateStudyRequest* request,
                       hyperd::v1::Study* response) override;
  Reactor* GetStudy(Context* context, const hyperd::v1::GetStudyRequest* request,
                    hyperd::v1::Study* response) override;
  Reactor* ListStudies(Context* context, const hyperd::v1::ListStudiesRequest* request,
                       hyperd::v1::ListStudiesResponse* response) override;
  Reactor* UpdateStudy(Context* context, const hyperd::v1::UpdateStudyRequest* request,
                       hyperd::v1::Study* response) override;
  Reactor* SetStudyState(Context* context, const hyperd::v1::SetStudyStateRequest* request,
                         hyperd::v1::Study* response) override;
  Reactor* DeleteStudy(Context* context, const hyperd::v1::DeleteStudyRequest* request,
                       google::protobuf::Empty* response) override;
  Reactor* SuggestTrials(Context* context, const hyperd::v1::SuggestTrialsRequest* request,
                         hyperd::v1::SuggestTrialsResponse* response) override;
  Reactor* CreateTrial(Context* context, const hyperd::v1::CreateTrialRequest* request,
                       hyperd::v1::Trial* response) override;
  Reactor* GetTrial(Context* context, const hyperd::v1::GetTrialRequest* request,
                    hyperd::v1::Trial* response) override;
  Reactor* ListTrials(Context* context, const hyperd::v1::ListTrialsRequest* request,
                      hyperd::v1::ListTrialsResponse* response) override;
  Reactor* ReportMeasurement(Context* context, const hyperd::v1::ReportMeasurementRequest* request,
                             hyperd::v1::ReportMeasurementResponse* response) override;
  Reactor* Heartbeat(Context* context, const hyperd::v1::HeartbeatRequest* request,
                     hyperd::v1::HeartbeatResponse* response) override;
  Reactor* ReportSteps(Context* context, const hyperd::v1::ReportStepsRequest* request,
                       hyperd::v1::ReportStepsResponse* response) override;
  Reactor* RefineSchedule(Context* context, const hyperd::v1::RefineScheduleRequest* request,
                          hyperd::v1::RefineScheduleResponse* response) override;
  Reactor* PlanSchedules(Context* context, const hyperd::v1::PlanSchedulesRequest* request,
                         hyperd::v1::PlanSchedulesResponse* response) override;
  Reactor* CheckTrialEarlyStopping(Context* context,
                                   const hyperd::v1::CheckTrialEarlyStoppingRequest* request,
                                   hyperd::v1::CheckTrialEarlyStoppingResponse* response) override;
  Reactor* CompleteTrial(Context* context, const hyperd::v1::CompleteTrialRequest* request,
                         hyperd::v1::Trial* response) override;
  Reactor* FailTrial(Context* context, const hyperd::v1::FailTrialRequest* request,
                     hyperd::v1::Trial* response) override;
  Reactor* StopTrial(Context* context, const hyperd::v1::StopTrialRequest* request,
                     hyperd::v1::Trial* response) override;
  Reactor* ListOptimalTrials(Context* context, const hyperd::v1::ListOptimalTrialsRequest* request,
                             hyperd::v1::ListOptimalTrialsResponse* response) override;
  Reactor* ListArms(Context* context, const hyperd::v1::ListArmsRequest* request,
                    hyperd::v1::ListArmsResponse* response) override;
  Reactor* GetServerInfo(Context* context, const hyperd::v1::GetServerInfoRequest* request,
                         hyperd::v1::ServerInfo* response) override;
  // Copies the database on the worker pool, then streams the copy (see EnableBackups).
  grpc::ServerWriteReactor<hyperd::v1::BackupDatabaseChunk>* BackupDatabase(
      Context* context, const hyperd::v1::BackupDatabaseRequest* request) override;

  // Where BackupDatabase copies from and the pool that runs the copy; both must outlive the
  // service. Call once, before the service is registered (HyperdServer::Start does).
  void EnableBackups(storage::SqliteTrialStore* store, WorkerPool* pool);

  // Checks every call's bearer token against `authorizer` (which must outlive the service) before
  // anything else runs; refusals are counted, logged at WARN and finished through the metrics
  // timer. Without it (the default) calls are not authenticated. Call before registration.
  void EnableAuth(const auth::Authorizer* authorizer) { authorizer_ = authorizer; }

 private:
  // The authentication and authorization decision for one call (always OK without EnableAuth).
  // Counts and logs refusals.
  auth::AuthDecision Authorize(Context* context, const char* method,
                               const google::protobuf::Message& request) const;

  // Finishes at once with `compute(token)`, run on the calling thread once the call is
  // authorized; `token` is the caller's token (null without auth), for per-token filtering.
  template <typename Request, typename Response, typename Compute>
  Reactor* Now(Context* context, const char* method, const Request& request, Response* response,
               Compute compute);
  // Finishes when the runtime replies (after the write is durable, or from the worker pool).
  template <typename Request, typename Response>
  Reactor* Later(Context* context, const char* method, Response* response,
                 void (Runtime::*operation)(const Request&, Reply<Response>),
                 const Request& request);

  class BackupReactor;

  Runtime* const runtime_;
  Metrics* const metrics_;
  const hyperd::v1::ServerInfo info_;
  storage::SqliteTrialStore* backup_store_ = nullptr;
  WorkerPool* backup_pool_ = nullptr;
  const auth::Authorizer* authorizer_ = nullptr;
  // One backup at a time: each needs room for a whole copy of the database.
  std::atomic<bool> backup_running_{false};
  const RequestLog request_log_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_HYPERD_SERVICE_H_
