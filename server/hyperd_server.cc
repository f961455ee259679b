#include "server/hyperd_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <filesystem>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "prometheus/exposer.h"
#include "server/hyperd_service.h"
#include "server/lease_reaper.h"
#include "server/metrics.h"
#include "server/runtime.h"
#include "server/time_conversion.h"
#include "server/worker_pool.h"

namespace hyperd::server {

// Declaration order is destruction order in reverse: the server and reaper go first, then the
// pool (runs what is queued), then the store (commits what is queued).
struct HyperdServer::Parts {
  RealClock real_clock;
  Metrics metrics;
  std::unique_ptr<storage::SqliteTrialStore> store;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<HyperdService> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<prometheus::Exposer> exposer;
  std::unique_ptr<LeaseReaper> reaper;
  int grpc_port = 0;
  absl::Duration shutdown_grace;
  bool shut_down = false;
};

absl::StatusOr<std::unique_ptr<HyperdServer>> HyperdServer::Start(const ServerOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->shutdown_grace = options.shutdown_grace;
  const Clock* clock = options.clock != nullptr ? options.clock : &parts->real_clock;

  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("--data-dir: cannot create \"", options.data_dir, "\": ", error.message()));
  }
  storage::SqliteTrialStore::Options store_options;
  store_options.path = (std::filesystem::path(options.data_dir) / "hyperd.db").string();
  store_options.durability = options.durability;
  Metrics* metrics = &parts->metrics;
  store_options.on_commit = [metrics](const storage::CommitStats& stats) {
    metrics->ObserveCommit(stats.requests, stats.duration);
  };
  ASSIGN_OR_RETURN(parts->store, storage::SqliteTrialStore::Open(store_options));

  const int threads = options.worker_threads > 0
                          ? options.worker_threads
                          : std::max(2u, std::thread::hardware_concurrency());
  parts->pool = std::make_unique<WorkerPool>(threads, /*max_queued=*/10'000);
  parts->runtime = std::make_unique<Runtime>(parts->store.get(), clock, parts->pool.get());
  RETURN_IF_ERROR(parts->runtime->Load());
  parts->runtime->set_suggest_observer([metrics](const std::string& sampler, absl::Duration d) {
    metrics->ObserveSuggest(sampler, d);
  });
  storage::SqliteTrialStore* store = parts->store.get();
  WorkerPool* pool = parts->pool.get();
  metrics->AttachRuntime(
      parts->runtime.get(), [pool] { return pool->QueueDepth(); },
      [store] { return store->GetFileStats(); });

  hyperd::v1::ServerInfo info;
  info.set_version(HYPERD_VERSION);
  info.set_durability(std::string(storage::DurabilityName(options.durability)));
  *info.mutable_start_time() = ToProtoTime(absl::Now());
  parts->service = std::make_unique<HyperdService>(parts->runtime.get(), metrics, info,
                                                   options.slow_request_threshold);
  parts->service->EnableBackups(parts->store.get(), parts->pool.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &parts->grpc_port);
  builder.RegisterService(parts->service.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  parts->server = builder.BuildAndStart();
  if (parts->server == nullptr || parts->grpc_port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "--listen: cannot listen on ", options.listen,
        " (address in use or not local?); choose another address or stop the other process"));
  }
  grpc::HealthCheckServiceInterface* health = parts->server->GetHealthCheckService();
  health->SetServingStatus(true);

  if (!options.metrics_listen.empty()) {
    try {
      parts->exposer = std::make_unique<prometheus::Exposer>(options.metrics_listen, 1);
    } catch (const std::exception& e) {  // civetweb reports bind failures by throwing
      return absl::UnavailableError(absl::StrCat("--metrics-listen: cannot listen on ",
                                                 options.metrics_listen, ": ", e.what()));
    }
    for (const auto& collectable : metrics->Collectables()) {
      parts->exposer->RegisterCollectable(collectable);
    }
  }
  Runtime* runtime = parts->runtime.get();
  parts->reaper = std::make_unique<LeaseReaper>(
      runtime, options.reaper_interval,
      [health, runtime] { health->SetServingStatus(runtime->healthy()); });
  Log(LogLevel::kInfo, "hyperd serving",
      {{"grpc",
        absl::StrCat(options.listen.substr(0, options.listen.rfind(':')), ":", parts->grpc_port)},
       {"data_dir", options.data_dir},
       {"durability", std::string(storage::DurabilityName(options.durability))}});
  return std::unique_ptr<HyperdServer>(new HyperdServer(std::move(parts)));
}

HyperdServer::HyperdServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

HyperdServer::~HyperdServer() { Shutdown(); }

int HyperdServer::grpc_port() const { return parts_->grpc_port; }

int HyperdServer::metrics_port() const {
  if (parts_->exposer == nullptr) return 0;
  const auto ports = parts_->exposer->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

std::shared_ptr<grpc::Channel> HyperdServer::InProcessChannel() {
  return parts_->server->InProcessChannel(grpc::ChannelArguments());
}

Runtime& HyperdServer::runtime() { return *parts_->runtime; }

std::string HyperdServer::MetricsText() const { return parts_->metrics.RenderText(); }

void HyperdServer::Shutdown() {
  if (parts_->shut_down) return;
  parts_->shut_down = true;
  Log(LogLevel::kInfo, "shutting down");
  parts_->server->GetHealthCheckService()->SetServingStatus(false);
  parts_->reaper.reset();
  // Waits for in-flight calls up to the grace period, then cancels them; every reactor finishes
  // because replies come from the runtime, the pool and the store, which are all still running.
  parts_->server->Shutdown(absl::ToChronoTime(absl::Now() + parts_->shutdown_grace));
  parts_->server->Wait();
  parts_->exposer.reset();
  parts_->pool.reset();
  parts_->store->Flush();
  Log(LogLevel::kInfo, "shut down cleanly");
}

}  // namespace hyperd::server
