#include "server/hyperd_service.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "server/request_validation.h"
#include "server/schedule_tools.h"
#include "server/status_conversion.h"
#include "server/time_conversion.h"

namespace hyperd::server {

HyperdService::HyperdService(Runtime* runtime, Metrics* metrics, hyperd::v1::ServerInfo info,
                             absl::Duration slow_request_threshold)
    : runtime_(runtime),
      metrics_(metrics),
      info_(std::move(info)),
      request_log_(slow_request_threshold) {}

auth::AuthDecision HyperdService::Authorize(Context* context, const char* method,
                                            const google::protobuf::Message& request) const {
  if (authorizer_ == nullptr) return auth::AuthDecision{};
  std::optional<absl::string_view> authorization;
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization = absl::string_view(it->second.data(), it->second.size());
  }
  std::string study_id;
  for (const auto& [key, value] : RequestSubject(request)) {
    if (key == "study") study_id = value;
  }
  auth::AuthDecision decision = authorizer_->Check(method, authorization, study_id);
  if (!decision.status.ok()) {
    metrics_->CountAuthFailure(decision.failure);
    // Never the token itself: its name when it was recognised.
    LogFields fields = {{"method", method},
                        {"reason", std::string(auth::AuthFailureName(decision.failure))},
                        {"code", GrpcCodeName(decision.status.code())}};
    if (decision.token != nullptr) fields.emplace_back("token", decision.token->name);
    if (!study_id.empty()) fields.emplace_back("study", study_id);
    Log(LogLevel::kWarning, "call refused", fields);
  }
  return decision;
}

template <typename Request, typename Response, typename Compute>
HyperdService::Reactor* HyperdService::Now(Context* context, const char* method,
                                           const Request& request, Response* response,
                                           Compute compute) {
  RpcTimer timer(metrics_->Method(method));
  Reactor* reactor = context->DefaultReactor();
  const auth::AuthDecision decision = Authorize(context, method, request);
  absl::StatusOr<Response> result = decision.status.ok()
                                        ? compute(decision.token.get())
                                        : absl::StatusOr<Response>(decision.status);
  if (result.ok()) response->Swap(&*result);
  request_log_.Finished(method, request, result.status(), timer.Finish(result.status()));
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

template <typename Request, typename Response>
HyperdService::Reactor* HyperdService::Later(
    Context* context, const char* method, Response* response,
    void (Runtime::*operation)(const Request&, Reply<Response>), const Request& request) {
  RpcTimer timer(metrics_->Method(method));
  Reactor* reactor = context->DefaultReactor();
  if (const auth::AuthDecision decision = Authorize(context, method, request);
      !decision.status.ok()) {
    request_log_.Finished(method, request, decision.status, timer.Finish(decision.status));
    reactor->Finish(ToGrpcStatus(decision.status));
    return reactor;
  }
  // The request outlives the reply: gRPC keeps it until the reactor is done.
  (runtime_->*operation)(
      request, [this, method, &request, reactor, response, timer](absl::StatusOr<Response> result) {
        if (result.ok()) response->Swap(&*result);
        request_log_.Finished(method, request, result.status(), timer.Finish(result.status()));
        reactor->Finish(ToGrpcStatus(result.status()));
      });
  return reactor;
}

HyperdService::Reactor* HyperdService::CreateStudy(Context* context,
                                                   const hyperd::v1::CreateStudyRequest* request,
                                                   hyperd::v1::Study* response) {
  return Later(context, "CreateStudy", response, &Runtime::CreateStudy, *request);
}

HyperdService::Reactor* HyperdService::GetStudy(Context* context,
                                                const hyperd::v1::GetStudyRequest* request,
                                                hyperd::v1::Study* response) {
  return Now(context, "GetStudy", *request, response,
             [&](const auth::Token*) { return runtime_->GetStudy(*request); });
}

HyperdService::Reactor* HyperdService::ListStudies(Context* context,
                                                   const hyperd::v1::ListStudiesRequest* request,
                                                   hyperd::v1::ListStudiesResponse* response) {
  return Now(context, "ListStudies", *request, response,
             [&](const auth::Token* token) -> absl::StatusOr<hyperd::v1::ListStudiesResponse> {
               absl::StatusOr<hyperd::v1::ListStudiesResponse> listed =
                   runtime_->ListStudies(*request);
               if (!listed.ok() || token == nullptr || !token->restricted()) return listed;
               // A restricted token sees only its studies; a page may come back shorter than
               // page_size, and the page token still moves through the whole listing.
               auto* studies = listed->mutable_studies();
               studies->erase(std::remove_if(studies->begin(), studies->end(),
                                             [token](const hyperd::v1::Study& study) {
                                               absl::StatusOr<std::string> id =
                                                   ParseStudyName("name", study.name());
                                               return !id.ok() || !token->AllowsStudy(*id);
                                             }),
                              studies->end());
               return listed;
             });
}

HyperdService::Reactor* HyperdService::UpdateStudy(Context* context,
                                                   const hyperd::v1::UpdateStudyRequest* request,
                                                   hyperd::v1::Study* response) {
  return Later(context, "UpdateStudy", response, &Runtime::UpdateStudy, *request);
}

HyperdService::Reactor* HyperdService::SetStudyState(
    Context* context, const hyperd::v1::SetStudyStateRequest* request,
    hyperd::v1::Study* response) {
  return Later(context, "SetStudyState", response, &Runtime::SetStudyState, *request);
}

HyperdService::Reactor* HyperdService::DeleteStudy(Context* context,
                                                   const hyperd::v1::DeleteStudyRequest* request,
                                                   google::protobuf::Empty* response) {
  return Later(context, "DeleteStudy", response, &Runtime::DeleteStudy, *request);
}

HyperdService::Reactor* HyperdService::SuggestTrials(
    Context* context, const hyperd::v1::SuggestTrialsRequest* request,
    hyperd::v1::SuggestTrialsResponse* response) {
  return Later(context, "SuggestTrials", response, &Runtime::SuggestTrials, *request);
}

HyperdService::Reactor* HyperdService::CreateTrial(Context* context,
                                                   const hyperd::v1::CreateTrialRequest* request,
                                                   hyperd::v1::Trial* response) {
  return Later(context, "CreateTrial", response, &Runtime::CreateTrial, *request);
}

HyperdService::Reactor* HyperdService::GetTrial(Context* context,
                                                const hyperd::v1::GetTrialRequest* request,
                                                hyperd::v1::Trial* response) {
  return Now(context, "GetTrial", *request, response,
             [&](const auth::Token*) { return runtime_->GetTrial(*request); });
}

HyperdService::Reactor* HyperdService::ListTrials(Context* context,
                                                  const hyperd::v1::ListTrialsRequest* request,
                                                  hyperd::v1::ListTrialsResponse* response) {
  return Now(context, "ListTrials", *request, response,
             [&](const auth::Token*) { return runtime_->ListTrials(*request); });
}

HyperdService::Reactor* HyperdService::ReportMeasurement(
    Context* context, const hyperd::v1::ReportMeasurementRequest* request,
    hyperd::v1::ReportMeasurementResponse* response) {
  return Later(context, "ReportMeasurement", response, &Runtime::ReportMeasurement, *request);
}

HyperdService::Reactor* HyperdService::Heartbeat(Context* context,
                                                 const hyperd::v1::HeartbeatRequest* request,
                                                 hyperd::v1::HeartbeatResponse* response) {
  return Later(context, "Heartbeat", response, &Runtime::Heartbeat, *request);
}

HyperdService::Reactor* HyperdService::ReportSteps(Context* context,
                                                   const hyperd::v1::ReportStepsRequest* request,
                                                   hyperd::v1::ReportStepsResponse* response) {
  return Later(context, "ReportSteps", response, &Runtime::ReportSteps, *request);
}

HyperdService::Reactor* HyperdService::RefineSchedule(
    Context* context, const hyperd::v1::RefineScheduleRequest* request,
    hyperd::v1::RefineScheduleResponse* response) {
  return Now(context, "RefineSchedule", *request, response,
             [&](const auth::Token*) { return hyperd::server::RefineSchedule(*request); });
}

HyperdService::Reactor* HyperdService::PlanSchedules(
    Context* context, const hyperd::v1::PlanSchedulesRequest* request,
    hyperd::v1::PlanSchedulesResponse* response) {
  return Now(context, "PlanSchedules", *request, response,
             [&](const auth::Token*) { return hyperd::server::PlanSchedules(*request); });
}

HyperdService::Reactor* HyperdService::CheckTrialEarlyStopping(
    Context* context, const hyperd::v1::CheckTrialEarlyStoppingRequest* request,
    hyperd::v1::CheckTrialEarlyStoppingResponse* response) {
  return Now(context, "CheckTrialEarlyStopping", *request, response,
             [&](const auth::Token*) { return runtime_->CheckTrialEarlyStopping(*request); });
}

HyperdService::Reactor* HyperdService::CompleteTrial(
    Context* context, const hyperd::v1::CompleteTrialRequest* request,
    hyperd::v1::Trial* response) {
  return Later(context, "CompleteTrial", response, &Runtime::CompleteTrial, *request);
}

HyperdService::Reactor* HyperdService::FailTrial(Context* context,
                                                 const hyperd::v1::FailTrialRequest* request,
                                                 hyperd::v1::Trial* response) {
  return Later(context, "FailTrial", response, &Runtime::FailTrial, *request);
}

HyperdService::Reactor* HyperdService::StopTrial(Context* context,
                                                 const hyperd::v1::StopTrialRequest* request,
                                                 hyperd::v1::Trial* response) {
  return Later(context, "StopTrial", response, &Runtime::StopTrial, *request);
}

HyperdService::Reactor* HyperdService::ListOptimalTrials(
    Context* context, const hyperd::v1::ListOptimalTrialsRequest* request,
    hyperd::v1::ListOptimalTrialsResponse* response) {
  return Now(context, "ListOptimalTrials", *request, response,
             [&](const auth::Token*) { return runtime_->ListOptimalTrials(*request); });
}

HyperdService::Reactor* HyperdService::ListArms(Context* context,
                                                const hyperd::v1::ListArmsRequest* request,
                                                hyperd::v1::ListArmsResponse* response) {
  return Now(context, "ListArms", *request, response,
             [&](const auth::Token*) { return runtime_->ListArms(*request); });
}

HyperdService::Reactor* HyperdService::GetServerInfo(
    Context* context, const hyperd::v1::GetServerInfoRequest* request,
    hyperd::v1::ServerInfo* response) {
  return Now(context, "GetServerInfo", *request, response,
             [&](const auth::Token*) { return absl::StatusOr<hyperd::v1::ServerInfo>(info_); });
}

// One BackupDatabase call. The copy blocks for as long as the database takes to copy, so it runs
// on the worker pool; after that each chunk is read when the previous write has completed, so
// at most one chunk is in memory however large the database is.
class HyperdService::BackupReactor final
    : public grpc::ServerWriteReactor<hyperd::v1::BackupDatabaseChunk> {
 public:
  // Clears `*running` (when not null) when the call ends, so the next backup may start.
  BackupReactor(Context* context, MethodMetrics* metrics, std::atomic<bool>* running,
                std::string server_version)
      : context_(context),
        timer_(metrics),
        running_(running),
        server_version_(std::move(server_version)) {}

  // On the worker pool.
  void Run(storage::SqliteTrialStore* store) {
    absl::StatusOr<std::unique_ptr<storage::DatabaseBackup>> backup = store->Backup();
    if (!backup.ok()) return End(backup.status());
    if (context_->IsCancelled()) return End(absl::CancelledError("the client cancelled"));
    backup_ = std::move(*backup);
    const storage::BackupInfo& info = backup_->info();
    hyperd::v1::BackupInfo* message = chunk_.mutable_info();
    message->set_total_bytes(info.bytes);
    message->set_schema_version(info.schema_version);
    message->set_study_count(info.studies);
    message->set_trial_count(info.trials);
    *message->mutable_create_time() = ToProtoTime(info.snapshot_time);
    message->set_server_version(server_version_);
    StartWrite(&chunk_);
  }

  // Counts, logs and finishes the call. Called exactly once.
  void End(absl::Status status) {
    const absl::Duration elapsed = timer_.Finish(status);
    LogFields fields = {{"code", absl::StatusCodeToString(status.code())},
                        {"seconds", absl::StrCat(absl::ToDoubleSeconds(elapsed))}};
    if (backup_ != nullptr) {
      fields.push_back({"bytes", absl::StrCat(backup_->info().bytes)});
      fields.push_back({"studies", absl::StrCat(backup_->info().studies)});
      fields.push_back({"trials", absl::StrCat(backup_->info().trials)});
    }
    if (!status.ok()) fields.push_back({"error", std::string(status.message())});
    Log(status.ok() ? LogLevel::kInfo : LogLevel::kWarning,
        status.ok() ? "backup sent" : "backup failed", fields);
    // Before Finish, so a client that starts the next backup as soon as this one returns finds
    // the copy's disk space freed and the slot open.
    backup_.reset();
    if (running_ != nullptr) running_->store(false);
    Finish(ToGrpcStatus(status));
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return End(absl::CancelledError("the client went away during the backup stream"));
    absl::StatusOr<std::string> data = backup_->ReadChunk(kBackupChunkBytes);
    if (!data.ok()) return End(data.status());
    if (data->empty()) return End(absl::OkStatus());
    chunk_.set_data(std::move(*data));
    StartWrite(&chunk_);
  }

  void OnDone() override { delete this; }

 private:
  static constexpr size_t kBackupChunkBytes = 1 << 20;

  Context* const context_;
  const RpcTimer timer_;
  std::atomic<bool>* const running_;
  const std::string server_version_;
  std::unique_ptr<storage::DatabaseBackup> backup_;
  hyperd::v1::BackupDatabaseChunk chunk_;  // the message being written
};

void HyperdService::EnableBackups(storage::SqliteTrialStore* store, WorkerPool* pool) {
  backup_store_ = store;
  backup_pool_ = pool;
}

grpc::ServerWriteReactor<hyperd::v1::BackupDatabaseChunk>* HyperdService::BackupDatabase(
    Context* context, const hyperd::v1::BackupDatabaseRequest* request) {
  if (const auth::AuthDecision decision = Authorize(context, "BackupDatabase", *request);
      !decision.status.ok()) {
    auto* reactor = new BackupReactor(context, metrics_->Method("BackupDatabase"),
                                      /*running=*/nullptr, info_.version());
    reactor->End(decision.status);
    return reactor;
  }
  if (backup_running_.exchange(true)) {
    // Without the flag: this call must not clear the flag of the running backup.
    auto* reactor = new BackupReactor(context, metrics_->Method("BackupDatabase"),
                                      /*running=*/nullptr, info_.version());
    reactor->End(absl::ResourceExhaustedError(
        "BackupDatabase: another backup is running; retry when it has finished (each backup "
        "needs room for a whole copy of the database)"));
    return reactor;
  }
  auto* reactor = new BackupReactor(context, metrics_->Method("BackupDatabase"), &backup_running_,
                                    info_.version());
  if (backup_store_ == nullptr || backup_pool_ == nullptr) {
    reactor->End(absl::InternalError(
        "BackupDatabase: this server was started without a store to back up; HyperdServer "
        "must call EnableBackups"));
  } else if (!runtime_->healthy()) {
    reactor->End(absl::FailedPreconditionError(
        "BackupDatabase: the server stopped accepting writes after a storage commit failed "
        "(see its log), so the disk may be failing; fix the cause, restart hyperd and back up "
        "once it reports SERVING"));
  } else if (absl::Status queued =
                 backup_pool_->Submit([reactor, store = backup_store_] { reactor->Run(store); });
             !queued.ok()) {
    reactor->End(queued);
  }
  return reactor;
}

}  // namespace hyperd::server
