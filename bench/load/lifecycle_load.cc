#include "bench/load/lifecycle_load.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace hyperd::load {
namespace {

// Per-worker figures, merged after the join.
struct WorkerFigures {
  int64_t trials = 0;
  std::array<std::vector<double>, kRpcKinds> latency_seconds;
};

// Runs `body(worker, figures, stop)` on one thread per client after a common start signal, and
// merges the figures. `body` returns the first error; the first error of any worker raises
// `stop` for the others and is returned.
absl::StatusOr<LoadPhase> RunWorkers(
    const WorkerClients& clients,
    const std::function<absl::Status(int, WorkerFigures&, const std::atomic<bool>&)>& body) {
  const int n = static_cast<int>(clients.size());
  std::vector<WorkerFigures> figures(n);
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  absl::Status first_error;
  absl::Notification go;
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      go.WaitForNotification();
      absl::Status status = body(i, figures[i], stop);
      if (!status.ok()) {
        stop.store(true);
        absl::MutexLock lock(&mu);
        if (first_error.ok()) {
          first_error = absl::Status(status.code(),
                                     absl::StrCat("worker ", i, ": ", status.message()));
        }
      }
    });
  }
  const absl::Time start = absl::Now();
  go.Notify();
  for (std::thread& thread : threads) thread.join();
  LoadPhase phase;
  phase.elapsed = absl::Now() - start;
  if (!first_error.ok()) return first_error;
  for (WorkerFigures& worker : figures) {
    phase.trials += worker.trials;
    for (int k = 0; k < kRpcKinds; ++k) {
      phase.calls += static_cast<int64_t>(worker.latency_seconds[k].size());
      phase.latency_seconds[k].insert(phase.latency_seconds[k].end(),
                                      worker.latency_seconds[k].begin(),
                                      worker.latency_seconds[k].end());
    }
  }
  for (auto& samples : phase.latency_seconds) std::sort(samples.begin(), samples.end());
  return phase;
}

// Times `call` into figures.latency_seconds[rpc] when it succeeds.
template <typename Call>
absl::Status Timed(Rpc rpc, WorkerFigures& figures, Call call) {
  const absl::Time begin = absl::Now();
  auto result = call();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat(RpcName(rpc), ": ", result.status().message()));
  }
  figures.latency_seconds[static_cast<int>(rpc)].push_back(seconds);
  return absl::OkStatus();
}

}  // namespace

const char* RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kSuggestTrials:
      return "SuggestTrials";
    case Rpc::kReportMeasurement:
      return "ReportMeasurement";
    case Rpc::kCompleteTrial:
      return "CompleteTrial";
    case Rpc::kGetServerInfo:
      return "GetServerInfo";
  }
  return "?";
}

double LoadPhase::TrialsPerSecond() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(trials) / seconds : 0;
}

double LoadPhase::CallsPerSecond() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(calls) / seconds : 0;
}

absl::StatusOr<WorkerClients> ConnectWorkers(const std::string& address, int workers) {
  if (workers < 1) {
    return absl::InvalidArgumentError(absl::StrCat("workers is ", workers, ": use 1 or more"));
  }
  WorkerClients clients;
  for (int i = 0; i < workers; ++i) {
    ClientOptions options;
    options.address = address;
    options.max_backoff = absl::Seconds(5) + absl::Milliseconds(i);
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(std::move(options));
    if (!client.ok()) return client.status();
    clients.push_back(*std::move(client));
  }
  for (int i = 0; i < workers; ++i) {
    absl::StatusOr<v1::ServerInfo> info = clients[i]->GetServerInfo();
    if (!info.ok()) {
      return absl::Status(info.status().code(), absl::StrCat("client ", i, " cannot reach ",
                                                             address, ": ",
                                                             info.status().message()));
    }
  }
  return clients;
}

absl::StatusOr<LoadPhase> RunLifecycles(const WorkerClients& clients,
                                        const LifecycleOptions& options) {
  if (options.steps < 1) {
    return absl::InvalidArgumentError(absl::StrCat("steps is ", options.steps, ": use 1 or more"));
  }
  const absl::Time end = absl::Now() + options.duration;
  return RunWorkers(clients, [&](int i, WorkerFigures& figures,
                                 const std::atomic<bool>& stop) -> absl::Status {
    Client& client = *clients[i];
    const std::string client_id = absl::StrCat(options.client_id_prefix, "-", i);
    while (!stop.load() && absl::Now() < end) {
      v1::SuggestTrialsRequest suggest;
      suggest.set_parent(options.study);
      suggest.set_count(1);
      suggest.set_client_id(client_id);
      v1::SuggestTrialsResponse suggested;
      absl::Status status = Timed(Rpc::kSuggestTrials, figures, [&] {
        absl::StatusOr<v1::SuggestTrialsResponse> reply = client.SuggestTrials(suggest);
        if (reply.ok()) suggested = *std::move(reply);
        return reply;
      });
      if (!status.ok()) return status;
      if (suggested.trials_size() != 1) {
        return absl::FailedPreconditionError(absl::StrCat(
            "SuggestTrials returned ", suggested.trials_size(), " trials instead of 1 (reason ",
            v1::SuggestTrialsResponse::Reason_Name(suggested.reason()),
            "): use a study without limits"));
      }
      const v1::Trial& trial = suggested.trials(0);
      double loss = 1.0;
      for (int step = 1; step <= options.steps && !stop.load(); ++step) {
        v1::ReportMeasurementRequest report;
        report.set_name(trial.name());
        report.set_client_id(client_id);
        report.mutable_measurement()->set_step(step);
        loss = 1.0 / (1.0 + step) + 1e-6 * static_cast<double>(trial.number() % 1000);
        (*report.mutable_measurement()->mutable_metrics())["loss"] = loss;
        status = Timed(Rpc::kReportMeasurement, figures,
                       [&] { return client.ReportMeasurement(report); });
        if (!status.ok()) return status;
      }
      v1::CompleteTrialRequest complete;
      complete.set_name(trial.name());
      complete.set_client_id(client_id);
      complete.mutable_final_measurement()->set_step(options.steps);
      (*complete.mutable_final_measurement()->mutable_metrics())["loss"] = loss;
      status = Timed(Rpc::kCompleteTrial, figures, [&] { return client.CompleteTrial(complete); });
      if (!status.ok()) return status;
      ++figures.trials;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<LoadPhase> RunEmptyRpcs(const WorkerClients& clients, absl::Duration duration) {
  const absl::Time end = absl::Now() + duration;
  return RunWorkers(clients, [&](int i, WorkerFigures& figures,
                                 const std::atomic<bool>& stop) -> absl::Status {
    while (!stop.load() && absl::Now() < end) {
      absl::Status status =
          Timed(Rpc::kGetServerInfo, figures, [&] { return clients[i]->GetServerInfo(); });
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  });
}

}  // namespace hyperd::load
