#include "server/hyperd_service.h"

#include <utility>

#include "server/schedule_tools.h"
#include "server/status_conversion.h"

namespace hyperd::server {

HyperdService::HyperdService(Runtime* runtime, Metrics* metrics, hyperd::v1::ServerInfo info)
    : runtime_(runtime), metrics_(metrics), info_(std::move(info)) {}

template <typename Response>
HyperdService::Reactor* HyperdService::Now(Context* context, const char* method, Response* response,
                                           absl::StatusOr<Response> result) {
  RpcTimer timer(metrics_->Method(method));
  Reactor* reactor = context->DefaultReactor();
  if (result.ok()) response->Swap(&*result);
  timer.Finish(result.status());
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

template <typename Request, typename Response>
HyperdService::Reactor* HyperdService::Later(
    Context* context, const char* method, Response* response,
    void (Runtime::*operation)(const Request&, Reply<Response>), const Request& request) {
  RpcTimer timer(metrics_->Method(method));
  Reactor* reactor = context->DefaultReactor();
  (runtime_->*operation)(request, [reactor, response, timer](absl::StatusOr<Response> result) {
    if (result.ok()) response->Swap(&*result);
    timer.Finish(result.status());
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
  return Now(context, "GetStudy", response, runtime_->GetStudy(*request));
}

HyperdService::Reactor* HyperdService::ListStudies(Context* context,
                                                   const hyperd::v1::ListStudiesRequest* request,
                                                   hyperd::v1::ListStudiesResponse* response) {
  return Now(context, "ListStudies", response, runtime_->ListStudies(*request));
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
  return Now(context, "GetTrial", response, runtime_->GetTrial(*request));
}

HyperdService::Reactor* HyperdService::ListTrials(Context* context,
                                                  const hyperd::v1::ListTrialsRequest* request,
                                                  hyperd::v1::ListTrialsResponse* response) {
  return Now(context, "ListTrials", response, runtime_->ListTrials(*request));
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
  return Now(context, "RefineSchedule", response, hyperd::server::RefineSchedule(*request));
}

HyperdService::Reactor* HyperdService::PlanSchedules(
    Context* context, const hyperd::v1::PlanSchedulesRequest* request,
    hyperd::v1::PlanSchedulesResponse* response) {
  return Now(context, "PlanSchedules", response, hyperd::server::PlanSchedules(*request));
}

HyperdService::Reactor* HyperdService::CheckTrialEarlyStopping(
    Context* context, const hyperd::v1::CheckTrialEarlyStoppingRequest* request,
    hyperd::v1::CheckTrialEarlyStoppingResponse* response) {
  return Now(context, "CheckTrialEarlyStopping", response,
             runtime_->CheckTrialEarlyStopping(*request));
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
  return Now(context, "ListOptimalTrials", response, runtime_->ListOptimalTrials(*request));
}

HyperdService::Reactor* HyperdService::ListArms(Context* context,
                                                const hyperd::v1::ListArmsRequest* request,
                                                hyperd::v1::ListArmsResponse* response) {
  return Now(context, "ListArms", response, runtime_->ListArms(*request));
}

HyperdService::Reactor* HyperdService::GetServerInfo(Context* context,
                                                     const hyperd::v1::GetServerInfoRequest*,
                                                     hyperd::v1::ServerInfo* response) {
  return Now(context, "GetServerInfo", response, absl::StatusOr<hyperd::v1::ServerInfo>(info_));
}

}  // namespace hyperd::server
