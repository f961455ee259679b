// Closed-loop load of full trial lifecycles: each worker, with its own hyperd::Client, loops
// SuggestTrials(count 1) -> `steps` x ReportMeasurement -> CompleteTrial back to back, timing every
// call. The empty-RPC loop (GetServerInfo on the same clients, same concurrency) is the baseline
// measured next to it.
//
//   ASSIGN_OR_RETURN(auto clients, ConnectWorkers("127.0.0.1:50051", 64));
//   ASSIGN_OR_RETURN(LoadPhase load, RunLifecycles(clients, {.study = "studies/load", ...}));
//   ASSIGN_OR_RETURN(LoadPhase empty, RunEmptyRpcs(clients, absl::Seconds(10)));
//
// Any failed call (after the client's retries on UNAVAILABLE) stops every worker and fails the
// phase: a load figure with errors in it is not a figure.
#ifndef HYPERD_BENCH_LOAD_LIFECYCLE_LOAD_H_
#define HYPERD_BENCH_LOAD_LIFECYCLE_LOAD_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/cpp/hyperd_client.h"

namespace hyperd::load {

enum class Rpc { kSuggestTrials, kReportMeasurement, kCompleteTrial, kGetServerInfo };
inline constexpr int kRpcKinds = 4;
// "SuggestTrials", ...
const char* RpcName(Rpc rpc);

using WorkerClients = std::vector<std::unique_ptr<Client>>;

// One Client per worker, each on its own HTTP/2 connection like separate training jobs. gRPC
// shares one connection among channels with identical arguments, and ClientOptions offers no
// switch for that, so each worker's max_backoff differs by a millisecond (which makes its
// channel arguments unique) – a change the retry pacing cannot notice. Waits until every client
// answers GetServerInfo (UNAVAILABLE when the server does not).
absl::StatusOr<WorkerClients> ConnectWorkers(const std::string& address, int workers);

struct LifecycleOptions {
  std::string study;               // "studies/{id}"
  int steps = 10;                  // ReportMeasurement calls per trial (steps 1..steps)
  absl::Duration duration;         // workers start no new trial after this
  std::string client_id_prefix;    // worker i suggests as "<prefix>-<i>"
};

struct LoadPhase {
  // From the start until the last worker returned (every trial begun is completed, so this
  // slightly exceeds the duration).
  absl::Duration elapsed;
  int64_t trials = 0;  // completed lifecycles
  int64_t calls = 0;   // OK calls of every kind
  // Seconds per OK call, ascending, by Rpc.
  std::array<std::vector<double>, kRpcKinds> latency_seconds;

  double TrialsPerSecond() const;
  double CallsPerSecond() const;
};

absl::StatusOr<LoadPhase> RunLifecycles(const WorkerClients& clients,
                                        const LifecycleOptions& options);
absl::StatusOr<LoadPhase> RunEmptyRpcs(const WorkerClients& clients, absl::Duration duration);

}  // namespace hyperd::load

#endif  // HYPERD_BENCH_LOAD_LIFECYCLE_LOAD_H_
