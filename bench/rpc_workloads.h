// The two loads the throughput benchmark compares, over one gRPC connection per worker:
// GetServerInfo (the empty-RPC baseline) and ReportMeasurement on the worker's own trial.
//
//   ASSIGN_OR_RETURN(auto clients, ConnectClients(port, 32));
//   ASSIGN_OR_RETURN(std::string study, CreateBenchStudy(*clients[0]));
//   EmptyRpcWorkload empty(clients);
//   ReportWorkload reports(clients, study);   // Prepare() suggests each worker a trial
//   ... RunClosedLoop(reports, ...) ...
//   RETURN_IF_ERROR(reports.CompleteTrials());
#ifndef HYPERD_BENCH_RPC_WORKLOADS_H_
#define HYPERD_BENCH_RPC_WORKLOADS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/closed_loop.h"
#include "hyperd/v1/hyperd.grpc.pb.h"

namespace hyperd::bench {

// One client = one channel = one HTTP/2 connection, like one training job.
struct Client {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<hyperd::v1::Hyperd::Stub> stub;
};
using Clients = std::vector<std::unique_ptr<Client>>;

// Opens `count` channels to 127.0.0.1:`port` and waits until each is connected. Each channel
// gets its own subchannel pool (GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL): without it gRPC shares
// one TCP connection among channels with identical arguments, and 32 "clients" would be one
// connection. UNAVAILABLE if a channel does not connect within 10 s.
absl::StatusOr<Clients> ConnectClients(int port, int count);

// Creates the study "bench-report-throughput" (one float parameter x in [0, 1], objective "loss"
// minimised) and returns its name ("studies/..."). Get-or-create, so it may be called again.
absl::StatusOr<std::string> CreateBenchStudy(Client& client);

// The server's ServerInfo.durability ("full" or "normal").
absl::StatusOr<std::string> ServerDurability(Client& client);

// Worker i calls GetServerInfo on clients[i].
class EmptyRpcWorkload final : public Workload {
 public:
  explicit EmptyRpcWorkload(const Clients& clients) : clients_(clients) {}
  absl::Status Prepare(int) override { return absl::OkStatus(); }
  absl::Status Call(int worker) override;

 private:
  const Clients& clients_;
};

// Worker i gets a trial with SuggestTrials (client_id "bench-worker-i") in Prepare, then reports
// steps 1, 2, 3, ... with metrics {"loss": 1/step} to it. A reply marked duplicate is an error
// (every step is new, so it would mean a write was skipped). One object serves one closed loop.
class ReportWorkload final : public Workload {
 public:
  ReportWorkload(const Clients& clients, std::string study_name);
  absl::Status Prepare(int worker) override;
  absl::Status Call(int worker) override;
  // Completes every trial obtained in Prepare (final measurement: its last step), so
  // the next loop's SuggestTrials hands out fresh trials.
  absl::Status CompleteTrials();

 private:
  struct WorkerState {
    std::string client_id;
    std::string trial_name;
    int64_t step = 0;
  };
  const Clients& clients_;
  const std::string study_name_;
  std::vector<WorkerState> workers_;  // one per client; each touched by its worker only
};

}  // namespace hyperd::bench

#endif  // HYPERD_BENCH_RPC_WORKLOADS_H_
