#include "bench/rpc_workloads.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hyperd::bench {
namespace {

// Bounds every call: a hung server fails the run instead of hanging it.
constexpr auto kCallTimeout = std::chrono::seconds(30);
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr char kStudyId[] = "bench-report-throughput";

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
}

absl::Status FromGrpc(const grpc::Status& status, absl::string_view rpc) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(rpc, ": ", status.error_message()));
}

}  // namespace

absl::StatusOr<Clients> ConnectClients(int port, int count) {
  Clients clients;
  const std::string target = absl::StrCat("127.0.0.1:", port);
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto client = std::make_unique<Client>();
    client->channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    if (!client->channel->WaitForConnected(std::chrono::system_clock::now() + kConnectTimeout)) {
      return absl::UnavailableError(absl::StrCat("client ", i, ": cannot connect to ", target,
                                                 " within 10 s; is hyperd serving there?"));
    }
    client->stub = hyperd::v1::Hyperd::NewStub(client->channel);
    clients.push_back(std::move(client));
  }
  return clients;
}

absl::StatusOr<std::string> CreateBenchStudy(Client& client) {
  hyperd::v1::CreateStudyRequest request;
  request.set_study_id(kStudyId);
  hyperd::v1::StudySpec* spec = request.mutable_study()->mutable_spec();
  hyperd::v1::ParameterSpec* x = spec->mutable_search_space()->add_parameters();
  x->set_name("x");
  x->mutable_double_spec()->set_min(0);
  x->mutable_double_spec()->set_max(1);
  spec->mutable_objective()->set_metric("loss");
  spec->mutable_objective()->set_goal(hyperd::v1::Objective::MINIMIZE);
  spec->set_seed(1);
  grpc::ClientContext context;
  SetDeadline(context);
  hyperd::v1::Study study;
  if (absl::Status status =
          FromGrpc(client.stub->CreateStudy(&context, request, &study), "CreateStudy");
      !status.ok()) {
    return status;
  }
  return study.name();
}

absl::StatusOr<std::string> ServerDurability(Client& client) {
  grpc::ClientContext context;
  SetDeadline(context);
  hyperd::v1::ServerInfo info;
  if (absl::Status status =
          FromGrpc(client.stub->GetServerInfo(&context, hyperd::v1::GetServerInfoRequest(), &info),
                   "GetServerInfo");
      !status.ok()) {
    return status;
  }
  return info.durability();
}

absl::Status EmptyRpcWorkload::Call(int worker) {
  grpc::ClientContext context;
  SetDeadline(context);
  hyperd::v1::ServerInfo info;
  return FromGrpc(
      clients_[worker]->stub->GetServerInfo(&context, hyperd::v1::GetServerInfoRequest(), &info),
      "GetServerInfo");
}

ReportWorkload::ReportWorkload(const Clients& clients, std::string study_name)
    : clients_(clients), study_name_(std::move(study_name)), workers_(clients.size()) {
  for (size_t i = 0; i < workers_.size(); ++i) {
    workers_[i].client_id = absl::StrCat("bench-worker-", i);
  }
}

absl::Status ReportWorkload::Prepare(int worker) {
  WorkerState& state = workers_[worker];
  hyperd::v1::SuggestTrialsRequest request;
  request.set_parent(study_name_);
  request.set_count(1);
  request.set_client_id(state.client_id);
  grpc::ClientContext context;
  SetDeadline(context);
  hyperd::v1::SuggestTrialsResponse response;
  if (absl::Status status = FromGrpc(
          clients_[worker]->stub->SuggestTrials(&context, request, &response), "SuggestTrials");
      !status.ok()) {
    return status;
  }
  if (response.trials_size() != 1) {
    return absl::InternalError(
        absl::StrCat("SuggestTrials: asked for 1 trial, got ", response.trials_size(), " (reason ",
                     hyperd::v1::SuggestTrialsResponse::Reason_Name(response.reason()), ")"));
  }
  state.trial_name = response.trials(0).name();
  state.step = 0;
  return absl::OkStatus();
}

absl::Status ReportWorkload::Call(int worker) {
  WorkerState& state = workers_[worker];
  ++state.step;
  hyperd::v1::ReportMeasurementRequest request;
  request.set_name(state.trial_name);
  request.set_client_id(state.client_id);
  request.mutable_measurement()->set_step(state.step);
  (*request.mutable_measurement()->mutable_metrics())["loss"] =
      1.0 / static_cast<double>(state.step);
  grpc::ClientContext context;
  SetDeadline(context);
  hyperd::v1::ReportMeasurementResponse response;
  if (absl::Status status =
          FromGrpc(clients_[worker]->stub->ReportMeasurement(&context, request, &response),
                   "ReportMeasurement");
      !status.ok()) {
    return status;
  }
  if (response.duplicate()) {
    return absl::InternalError(absl::StrCat("ReportMeasurement: step ", state.step, " of ",
                                            state.trial_name, " was reported as a duplicate"));
  }
  return absl::OkStatus();
}

absl::Status ReportWorkload::CompleteTrials() {
  for (size_t i = 0; i < workers_.size(); ++i) {
    WorkerState& state = workers_[i];
    if (state.trial_name.empty()) continue;
    hyperd::v1::CompleteTrialRequest request;
    request.set_name(state.trial_name);
    request.set_client_id(state.client_id);
    // Explicit, so that a worker that made no report in a very short loop completes too.
    hyperd::v1::Measurement* final_measurement = request.mutable_final_measurement();
    final_measurement->set_step(state.step);
    (*final_measurement->mutable_metrics())["loss"] =
        1.0 / static_cast<double>(std::max<int64_t>(state.step, 1));
    grpc::ClientContext context;
    SetDeadline(context);
    hyperd::v1::Trial trial;
    if (absl::Status status =
            FromGrpc(clients_[i]->stub->CompleteTrial(&context, request, &trial), "CompleteTrial");
        !status.ok()) {
      return status;
    }
    state.trial_name.clear();
  }
  return absl::OkStatus();
}

}  // namespace hyperd::bench
