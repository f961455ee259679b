#include "client/cpp/hyperd_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/cpp/channel_security.h"
#include "client/cpp/status_conversion.h"

namespace hyperd {
namespace {

constexpr char kUserAgent[] = "hyperd-cpp-client/0.1";
// Replies with all measurements of a large page can exceed gRPC's 4 MiB default.
constexpr int kMaxReceiveBytes = 64 * 1024 * 1024;

absl::Status CheckOptions(const ClientOptions& options) {
  if (options.address.empty()) {
    return absl::InvalidArgumentError(
        "ClientOptions.address is empty; set it to the server's HOST:PORT, e.g. "
        "127.0.0.1:50051");
  }
  if (options.deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("ClientOptions.deadline is ",
                                                   absl::FormatDuration(options.deadline),
                                                   "; it must be positive, e.g. 30s"));
  }
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError(absl::StrCat("ClientOptions.max_attempts is ",
                                                   options.max_attempts,
                                                   "; it must be at least 1 (1: no retries)"));
  }
  if (options.initial_backoff < absl::ZeroDuration() ||
      options.max_backoff < options.initial_backoff) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ClientOptions.initial_backoff (", absl::FormatDuration(options.initial_backoff),
        ") and max_backoff (", absl::FormatDuration(options.max_backoff),
        ") must satisfy 0 <= initial_backoff <= max_backoff"));
  }
  return absl::OkStatus();
}

int ClampedMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, 3'600'000));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (absl::Status status = CheckOptions(options); !status.ok()) return status;
  absl::StatusOr<std::string> token = ResolveToken(options.token);
  if (!token.ok()) return token.status();
  options.token = *std::move(token);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(options);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  args.SetUserAgentPrefix(kUserAgent);
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  // Reconnect at the pace of our own retries; gRPC's defaults (1 s growing to 120 s) would keep
  // failing fast long after a restarted server is back.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, ClampedMillis(options.initial_backoff));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, ClampedMillis(options.max_backoff));
  // Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC uses it as the time limit of one connection
  // attempt (TCP, TLS handshake, HTTP/2 settings), and at our 100 ms backoff a TLS handshake on a
  // busy host or a distant server would never finish. Its 20 s default only bounds a hung
  // attempt; reconnects still come at the pace of the two settings above.
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.address, *credentials, args);
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(channel)));
}

Client::Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      authorization_(options_.token.value_or("").empty()
                         ? ""
                         : absl::StrCat("Bearer ", *options_.token)),
      channel_(std::move(channel)),
      stub_(v1::Hyperd::NewStub(channel_)) {}

void Client::PrepareContext(grpc::ClientContext& context, absl::Time deadline) const {
  context.set_deadline(absl::ToChronoTime(deadline));
  if (!authorization_.empty()) context.AddMetadata("authorization", authorization_);
}

void Client::WaitBeforeRetry(absl::Duration backoff) {
  const absl::Time wake = absl::Now() + backoff;
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  if (state == GRPC_CHANNEL_READY) {
    // Connected, yet the server said UNAVAILABLE (e.g. it is shutting down): back off fully.
    absl::SleepFor(wake - absl::Now());
    return;
  }
  // Fail-fast calls do not poll a reconnecting channel (gRPC notices a new connection only on
  // its 5 s backup poll); watching the state does, and lets the retry go as soon as it is READY.
  while (state != GRPC_CHANNEL_READY &&
         channel_->WaitForStateChange(state, absl::ToChronoTime(wake))) {
    state = channel_->GetState(/*try_to_connect=*/true);
  }
}

absl::Duration Client::Backoff(int attempt) {
  absl::Duration backoff = options_.initial_backoff;
  for (int i = 1; i < attempt && backoff < options_.max_backoff; ++i) backoff *= 2;
  backoff = std::min(backoff, options_.max_backoff);
  absl::MutexLock lock(&bitgen_mutex_);
  return backoff * absl::Uniform(bitgen_, 0.5, 1.0);
}

template <typename Request, typename Response>
absl::StatusOr<Response> Client::Call(absl::string_view method, Rpc<Request, Response> rpc,
                                      const Request& request, const CallOptions& call) {
  const absl::Time deadline = absl::Now() + call.deadline.value_or(options_.deadline);
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    PrepareContext(context, deadline);
    Response response;
    absl::Status status = FromGrpcStatus(((*stub_).*rpc)(&context, request, &response));
    if (status.ok()) return response;
    // UNAUTHENTICATED and PERMISSION_DENIED among them: a retry would be refused the same way.
    if (status.code() != absl::StatusCode::kUnavailable) return status;

    const absl::Duration backoff = Backoff(attempt);
    if (attempt >= options_.max_attempts || absl::Now() + backoff >= deadline) {
      return absl::UnavailableError(absl::StrCat(status.message(), " (", method, " to ",
                                                 options_.address, " failed ", attempt,
                                                 attempt == 1 ? " attempt)" : " attempts)"));
    }
    if (options_.on_retry) options_.on_retry({std::string(method), attempt, status, backoff});
    WaitBeforeRetry(backoff);
  }
}

absl::StatusOr<v1::Study> Client::CreateStudy(const v1::CreateStudyRequest& request,
                                              const CallOptions& call) {
  return Call("CreateStudy", &Stub::CreateStudy, request, call);
}

absl::StatusOr<v1::Study> Client::GetStudy(const v1::GetStudyRequest& request,
                                           const CallOptions& call) {
  return Call("GetStudy", &Stub::GetStudy, request, call);
}

absl::StatusOr<v1::ListStudiesResponse> Client::ListStudies(const v1::ListStudiesRequest& request,
                                                            const CallOptions& call) {
  return Call("ListStudies", &Stub::ListStudies, request, call);
}

absl::StatusOr<v1::Study> Client::UpdateStudy(const v1::UpdateStudyRequest& request,
                                              const CallOptions& call) {
  return Call("UpdateStudy", &Stub::UpdateStudy, request, call);
}

absl::StatusOr<v1::Study> Client::SetStudyState(const v1::SetStudyStateRequest& request,
                                                const CallOptions& call) {
  return Call("SetStudyState", &Stub::SetStudyState, request, call);
}

absl::StatusOr<google::protobuf::Empty> Client::DeleteStudy(const v1::DeleteStudyRequest& request,
                                                            const CallOptions& call) {
  return Call("DeleteStudy", &Stub::DeleteStudy, request, call);
}

absl::StatusOr<v1::SuggestTrialsResponse> Client::SuggestTrials(
    const v1::SuggestTrialsRequest& request, const CallOptions& call) {
  return Call("SuggestTrials", &Stub::SuggestTrials, request, call);
}

absl::StatusOr<v1::Trial> Client::CreateTrial(const v1::CreateTrialRequest& request,
                                              const CallOptions& call) {
  return Call("CreateTrial", &Stub::CreateTrial, request, call);
}

absl::StatusOr<v1::Trial> Client::GetTrial(const v1::GetTrialRequest& request,
                                           const CallOptions& call) {
  return Call("GetTrial", &Stub::GetTrial, request, call);
}

absl::StatusOr<v1::ListTrialsResponse> Client::ListTrials(const v1::ListTrialsRequest& request,
                                                          const CallOptions& call) {
  return Call("ListTrials", &Stub::ListTrials, request, call);
}

absl::StatusOr<v1::ReportMeasurementResponse> Client::ReportMeasurement(
    const v1::ReportMeasurementRequest& request, const CallOptions& call) {
  return Call("ReportMeasurement", &Stub::ReportMeasurement, request, call);
}

absl::StatusOr<v1::HeartbeatResponse> Client::Heartbeat(const v1::HeartbeatRequest& request,
                                                        const CallOptions& call) {
  return Call("Heartbeat", &Stub::Heartbeat, request, call);
}

absl::StatusOr<v1::ReportStepsResponse> Client::ReportSteps(const v1::ReportStepsRequest& request,
                                                            const CallOptions& call) {
  return Call("ReportSteps", &Stub::ReportSteps, request, call);
}

absl::StatusOr<v1::CheckTrialEarlyStoppingResponse> Client::CheckTrialEarlyStopping(
    const v1::CheckTrialEarlyStoppingRequest& request, const CallOptions& call) {
  return Call("CheckTrialEarlyStopping", &Stub::CheckTrialEarlyStopping, request, call);
}

absl::StatusOr<v1::Trial> Client::CompleteTrial(const v1::CompleteTrialRequest& request,
                                                const CallOptions& call) {
  return Call("CompleteTrial", &Stub::CompleteTrial, request, call);
}

absl::StatusOr<v1::Trial> Client::FailTrial(const v1::FailTrialRequest& request,
                                            const CallOptions& call) {
  return Call("FailTrial", &Stub::FailTrial, request, call);
}

absl::StatusOr<v1::Trial> Client::StopTrial(const v1::StopTrialRequest& request,
                                            const CallOptions& call) {
  return Call("StopTrial", &Stub::StopTrial, request, call);
}

absl::StatusOr<v1::ListOptimalTrialsResponse> Client::ListOptimalTrials(
    const v1::ListOptimalTrialsRequest& request, const CallOptions& call) {
  return Call("ListOptimalTrials", &Stub::ListOptimalTrials, request, call);
}

absl::StatusOr<v1::ListArmsResponse> Client::ListArms(const v1::ListArmsRequest& request,
                                                      const CallOptions& call) {
  return Call("ListArms", &Stub::ListArms, request, call);
}

absl::StatusOr<v1::RefineScheduleResponse> Client::RefineSchedule(
    const v1::RefineScheduleRequest& request, const CallOptions& call) {
  return Call("RefineSchedule", &Stub::RefineSchedule, request, call);
}

absl::StatusOr<v1::PlanSchedulesResponse> Client::PlanSchedules(
    const v1::PlanSchedulesRequest& request, const CallOptions& call) {
  return Call("PlanSchedules", &Stub::PlanSchedules, request, call);
}

absl::StatusOr<v1::ServerInfo> Client::GetServerInfo(const v1::GetServerInfoRequest& request,
                                                     const CallOptions& call) {
  return Call("GetServerInfo", &Stub::GetServerInfo, request, call);
}

absl::StatusOr<v1::BackupInfo> Client::BackupOnce(std::ostream& out, absl::Time deadline,
                                                  bool* wrote) {
  grpc::ClientContext context;
  PrepareContext(context, deadline);
  std::unique_ptr<grpc::ClientReaderInterface<v1::BackupDatabaseChunk>> reader =
      stub_->BackupDatabase(&context, v1::BackupDatabaseRequest());
  v1::BackupDatabaseChunk chunk;
  std::optional<v1::BackupInfo> info;
  int64_t received = 0;
  absl::Status problem;
  while (problem.ok() && reader->Read(&chunk)) {
    if (!info.has_value()) {
      if (!chunk.has_info()) {
        problem = absl::DataLossError(
            "BackupDatabase: the stream did not start with the backup's info; is the server a "
            "hyperd of the same API version?");
        break;
      }
      info = chunk.info();
      continue;
    }
    received += static_cast<int64_t>(chunk.data().size());
    if (received > info->total_bytes()) {
      problem = absl::DataLossError(absl::StrCat("BackupDatabase: received more than the ",
                                                 info->total_bytes(), " bytes announced"));
      break;
    }
    *wrote = true;
    out.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
    if (!out) problem = absl::InternalError("BackupDatabase: writing the copy failed");
  }
  if (!problem.ok()) context.TryCancel();
  const absl::Status finished = FromGrpcStatus(reader->Finish());
  if (!problem.ok()) return problem;
  if (!finished.ok()) return finished;
  if (!info.has_value()) {
    return absl::DataLossError("BackupDatabase: the server ended the stream without a backup");
  }
  if (received != info->total_bytes()) {
    return absl::DataLossError(absl::StrCat("BackupDatabase: received ", received, " of the ",
                                            info->total_bytes(), " bytes announced"));
  }
  out.flush();
  if (!out) return absl::InternalError("BackupDatabase: writing the copy failed");
  return *info;
}

absl::StatusOr<v1::BackupInfo> Client::BackupDatabase(std::ostream& out, const CallOptions& call) {
  const absl::Time deadline = absl::Now() + call.deadline.value_or(options_.deadline);
  for (int attempt = 1;; ++attempt) {
    bool wrote = false;
    absl::StatusOr<v1::BackupInfo> info = BackupOnce(out, deadline, &wrote);
    if (info.ok() || info.status().code() != absl::StatusCode::kUnavailable || wrote) return info;
    const absl::Duration backoff = Backoff(attempt);
    if (attempt >= options_.max_attempts || absl::Now() + backoff >= deadline) {
      return absl::UnavailableError(absl::StrCat(info.status().message(), " (BackupDatabase to ",
                                                 options_.address, " failed ", attempt,
                                                 attempt == 1 ? " attempt)" : " attempts)"));
    }
    if (options_.on_retry) {
      options_.on_retry({"BackupDatabase", attempt, info.status(), backoff});
    }
    WaitBeforeRetry(backoff);
  }
}

absl::StatusOr<std::vector<v1::Trial>> Client::ListAllTrials(
    absl::string_view parent, const std::vector<v1::Trial::State>& states,
    const CallOptions& call) {
  v1::ListTrialsRequest request;
  request.set_parent(std::string(parent));
  for (v1::Trial::State state : states) request.add_states(state);
  return ListAllTrials(std::move(request), call);
}

absl::StatusOr<std::vector<v1::Trial>> Client::ListAllTrials(v1::ListTrialsRequest request,
                                                             const CallOptions& call) {
  std::vector<v1::Trial> trials;
  do {
    absl::StatusOr<v1::ListTrialsResponse> page = ListTrials(request, call);
    if (!page.ok()) return page.status();
    for (v1::Trial& trial : *page->mutable_trials()) trials.push_back(std::move(trial));
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return trials;
}

absl::StatusOr<std::vector<v1::Study>> Client::ListAllStudies(const CallOptions& call) {
  std::vector<v1::Study> studies;
  v1::ListStudiesRequest request;
  do {
    absl::StatusOr<v1::ListStudiesResponse> page = ListStudies(request, call);
    if (!page.ok()) return page.status();
    for (v1::Study& study : *page->mutable_studies()) studies.push_back(std::move(study));
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return studies;
}

absl::StatusOr<v1::ListArmsResponse> Client::ListAllArms(v1::ListArmsRequest request,
                                                         const CallOptions& call) {
  v1::ListArmsResponse all;
  do {
    absl::StatusOr<v1::ListArmsResponse> page = ListArms(request, call);
    if (!page.ok()) return page.status();
    for (v1::ArmStatistics& arm : *page->mutable_arms()) *all.add_arms() = std::move(arm);
    // The policy keeps learning between pages: the last page's totals are the newest.
    all.set_algorithm(page->algorithm());
    all.set_arm_count(page->arm_count());
    all.set_rewards_applied(page->rewards_applied());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return all;
}

}  // namespace hyperd
