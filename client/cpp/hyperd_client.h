// C++ client of the hyperd service: one typed call per RPC, with deadlines, retries on
// UNAVAILABLE, TLS (optionally mutual) and bearer-token metadata.
//
//   hyperd::ClientOptions options;
//   options.address = "tuner:50051";
//   ASSIGN_OR_RETURN(std::unique_ptr<hyperd::Client> client, hyperd::Client::Create(options));
//   hyperd::v1::SuggestTrialsRequest request;
//   request.set_parent("studies/mnist");
//   request.set_count(1);
//   request.set_client_id(hyperd::DefaultClientId());
//   ASSIGN_OR_RETURN(hyperd::v1::SuggestTrialsResponse reply, client->SuggestTrials(request));
//
// Retrying is always safe: every hyperd RPC is idempotent (creates are get-or-create, suggest is
// idempotent per client_id, reports are idempotent per step), so a call whose reply was lost can
// be sent again. Only UNAVAILABLE is retried; every other error is returned at once, notably
// UNAUTHENTICATED (missing, unknown or expired token) and PERMISSION_DENIED (the token's role or
// studies do not allow the call), which another attempt cannot fix.
//
// Against a server with TLS and tokens (hyperd --tls-cert-file ... --auth-token-file ...):
//
//   options.tls_ca_file = "/etc/hyperd/ca.crt";  // the CA that signed the server's certificate
//   options.token = "...";                        // or leave unset to use $HYPERD_TOKEN
//
// Thread-safety: a Client may be shared by any number of threads.
#ifndef HYPERD_CLIENT_CPP_HYPERD_CLIENT_H_
#define HYPERD_CLIENT_CPP_HYPERD_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/cpp/client_id.h"
#include "hyperd/v1/hyperd.grpc.pb.h"

namespace hyperd {

// Passed to ClientOptions::on_retry before the client waits to try a call again.
struct RetryEvent {
  std::string method;      // e.g. "GetStudy"
  int attempt = 0;         // the attempt that just failed, from 1
  absl::Status status;     // its UNAVAILABLE status
  absl::Duration backoff;  // how long the client waits before the next attempt
};

struct ClientOptions {
  // Any gRPC target: "host:port", "dns:///host:port", "unix:/path".
  std::string address = "127.0.0.1:50051";
  // Sent as "authorization: Bearer <token>" on every call when not empty. Unset: the value of
  // $HYPERD_TOKEN, read once by Client::Create (none when the variable is unset); set it to ""
  // to send no token whatever the environment says. Printable ASCII without spaces.
  std::optional<std::string> token;
  // TLS. Any of the four below turns it on; the server's certificate is checked against the
  // PEM roots in tls_ca_file, or against the system's roots when tls_ca_file is empty.
  bool tls = false;
  std::string tls_ca_file;
  // Mutual TLS (a server started with --tls-client-ca-file): the client's PEM certificate chain
  // and private key, both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Budget of one call, all attempts and waits between them included.
  absl::Duration deadline = absl::Seconds(30);
  // Attempts per call (>= 1); only UNAVAILABLE is retried.
  int max_attempts = 5;
  // Wait before the 2nd attempt; it doubles per attempt up to max_backoff, and each wait is
  // drawn uniformly from [backoff/2, backoff] so that clients restarted together spread out.
  // A wait ends early when the channel (re)connects, so a restarted server is used at once.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Custom channel credentials, instead of the tls* fields (which must then be unset). Null and
  // no tls* field: plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Called (on the calling thread) before each wait between attempts, e.g. to log retries.
  std::function<void(const RetryEvent&)> on_retry;
};

// Per-call overrides of ClientOptions.
struct CallOptions {
  // Replaces ClientOptions::deadline for this call.
  std::optional<absl::Duration> deadline;
};

class Client {
 public:
  // Checks the options, reads the TLS files and resolves the token (options().token then holds
  // the token actually sent, "" for none), and creates the channel. Does not connect: a server
  // that is down shows up as UNAVAILABLE on the first call. INVALID_ARGUMENT names the bad
  // option, and the file for a certificate or key that cannot be read.
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientOptions& options() const { return options_; }

  // One method per RPC of hyperd.v1.Hyperd; see proto/hyperd/v1/hyperd.proto for semantics.
  // Errors carry the server's code and message; UNAVAILABLE after the last attempt says how
  // many attempts were made.
  absl::StatusOr<v1::Study> CreateStudy(const v1::CreateStudyRequest& request,
                                        const CallOptions& call = {});
  absl::StatusOr<v1::Study> GetStudy(const v1::GetStudyRequest& request,
                                     const CallOptions& call = {});
  absl::StatusOr<v1::ListStudiesResponse> ListStudies(const v1::ListStudiesRequest& request,
                                                      const CallOptions& call = {});
  absl::StatusOr<v1::Study> UpdateStudy(const v1::UpdateStudyRequest& request,
                                        const CallOptions& call = {});
  absl::StatusOr<v1::Study> SetStudyState(const v1::SetStudyStateRequest& request,
                                          const CallOptions& call = {});
  absl::StatusOr<google::protobuf::Empty> DeleteStudy(const v1::DeleteStudyRequest& request,
                                                      const CallOptions& call = {});
  absl::StatusOr<v1::SuggestTrialsResponse> SuggestTrials(const v1::SuggestTrialsRequest& request,
                                                          const CallOptions& call = {});
  absl::StatusOr<v1::Trial> CreateTrial(const v1::CreateTrialRequest& request,
                                        const CallOptions& call = {});
  absl::StatusOr<v1::Trial> GetTrial(const v1::GetTrialRequest& request,
                                     const CallOptions& call = {});
  absl::StatusOr<v1::ListTrialsResponse> ListTrials(const v1::ListTrialsRequest& request,
                                                    const CallOptions& call = {});
  absl::StatusOr<v1::ReportMeasurementResponse> ReportMeasurement(
      const v1::ReportMeasurementRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::HeartbeatResponse> Heartbeat(const v1::HeartbeatRequest& request,
                                                  const CallOptions& call = {});
  // Per-step records in one batch (see step_reporter.h, which batches them); idempotent per
  // (trial, step).
  absl::StatusOr<v1::ReportStepsResponse> ReportSteps(const v1::ReportStepsRequest& request,
                                                      const CallOptions& call = {});
  absl::StatusOr<v1::CheckTrialEarlyStoppingResponse> CheckTrialEarlyStopping(
      const v1::CheckTrialEarlyStoppingRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::Trial> CompleteTrial(const v1::CompleteTrialRequest& request,
                                          const CallOptions& call = {});
  absl::StatusOr<v1::Trial> FailTrial(const v1::FailTrialRequest& request,
                                      const CallOptions& call = {});
  absl::StatusOr<v1::Trial> StopTrial(const v1::StopTrialRequest& request,
                                      const CallOptions& call = {});
  absl::StatusOr<v1::ListOptimalTrialsResponse> ListOptimalTrials(
      const v1::ListOptimalTrialsRequest& request, const CallOptions& call = {});
  // Bandit studies only; FAILED_PRECONDITION for a study whose sampler is not a bandit policy.
  absl::StatusOr<v1::ListArmsResponse> ListArms(const v1::ListArmsRequest& request,
                                                const CallOptions& call = {});
  // Stateless schedule tools: the schedule refined from gradient norms, and the convex-bound
  // planner (optimal base LRs, LR transfer, cooldown extension).
  absl::StatusOr<v1::RefineScheduleResponse> RefineSchedule(
      const v1::RefineScheduleRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::PlanSchedulesResponse> PlanSchedules(const v1::PlanSchedulesRequest& request,
                                                          const CallOptions& call = {});
  absl::StatusOr<v1::ServerInfo> GetServerInfo(const v1::GetServerInfoRequest& request = {},
                                               const CallOptions& call = {});
  // Streams a consistent copy of the server's database (BackupDatabase) into `out`, byte for
  // byte as it arrives, and returns what the copy holds. On failure `out` holds part of the copy
  // at most: write into a temporary file and rename it only on success. DATA_LOSS when the stream
  // carries no BackupInfo first or ends short of (or past) info.total_bytes; INTERNAL when `out`
  // fails. Retried on UNAVAILABLE only while nothing has been written yet. A backup takes as
  // long as copying the database twice: give `call.deadline` to match its size.
  absl::StatusOr<v1::BackupInfo> BackupDatabase(std::ostream& out, const CallOptions& call = {});

  // Every trial of `parent` ("studies/{id}") in the given states (all when empty), following
  // page tokens; each page is one call with its own deadline and retries.
  absl::StatusOr<std::vector<v1::Trial>> ListAllTrials(
      absl::string_view parent, const std::vector<v1::Trial::State>& states = {},
      const CallOptions& call = {});
  // The same, starting from a full request (e.g. with skip_measurements or a page_size).
  absl::StatusOr<std::vector<v1::Trial>> ListAllTrials(v1::ListTrialsRequest request,
                                                       const CallOptions& call = {});
  // Every study, following page tokens.
  absl::StatusOr<std::vector<v1::Study>> ListAllStudies(const CallOptions& call = {});
  // Every arm of a bandit study, following page tokens from `request` (parent, optional
  // page_size): one response holding all arms in arm order, with the algorithm, arm count and
  // rewards applied of the last page and no next_page_token.
  absl::StatusOr<v1::ListArmsResponse> ListAllArms(v1::ListArmsRequest request,
                                                   const CallOptions& call = {});

 private:
  using Stub = v1::Hyperd::StubInterface;
  template <typename Request, typename Response>
  using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // The one place a call's context is made: its deadline and the bearer token.
  void PrepareContext(grpc::ClientContext& context, absl::Time deadline) const;

  // One attempt of BackupDatabase; sets *wrote once anything went to `out`.
  absl::StatusOr<v1::BackupInfo> BackupOnce(std::ostream& out, absl::Time deadline, bool* wrote);

  // Runs `rpc` with retries on UNAVAILABLE until it succeeds, fails otherwise, runs out of
  // attempts or would overrun the call's deadline.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(absl::string_view method, Rpc<Request, Response> rpc,
                                const Request& request, const CallOptions& call);

  // The wait before attempt `attempt + 1`, jittered.
  absl::Duration Backoff(int attempt);
  // Waits `backoff`, or less if the channel becomes READY first (a server that came up).
  void WaitBeforeRetry(absl::Duration backoff);

  const ClientOptions options_;
  // "Bearer <token>", or empty to send no authorization metadata.
  const std::string authorization_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<Stub> stub_;
  absl::Mutex bitgen_mutex_;
  absl::BitGen bitgen_ ABSL_GUARDED_BY(bitgen_mutex_);
};

}  // namespace hyperd

#endif  // HYPERD_CLIENT_CPP_HYPERD_CLIENT_H_
