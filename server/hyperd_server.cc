#include "server/hyperd_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <filesystem>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "server/auth/authorizer.h"
#include "server/auth/listen_security.h"
#include "server/auth/server_credentials.h"
#include "server/auth/token_table.h"
#include "server/dashboard/dashboard_api.h"
#include "server/http/http_server.h"
#include "server/http/http_site.h"
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
  std::string auth_token_file;                   // empty: no authentication
  std::unique_ptr<auth::Authorizer> authorizer;  // outlives the service that reads it
  std::unique_ptr<storage::SqliteTrialStore> store;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<HyperdService> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<dashboard::DashboardApi> dashboard;
  std::unique_ptr<http::HttpServer> http;  // stops before the dashboard and runtime it calls
  std::unique_ptr<LeaseReaper> reaper;
  int grpc_port = 0;
  absl::Duration shutdown_grace;
  bool shut_down = false;
};

absl::StatusOr<std::unique_ptr<HyperdServer>> HyperdServer::Start(const ServerOptions& options) {
  const ServerLimits& limits = options.limits;
  for (const auto& [flag, value] :
       {std::pair<const char*, int64_t>{"--max-studies", limits.max_studies},
        {"--max-trials-per-study", limits.max_trials_per_study},
        {"--max-concurrent-suggests-per-client", limits.max_concurrent_suggests_per_client},
        {"max_pending_suggests", limits.max_pending_suggests},
        {"max_queued_tasks", limits.max_queued_tasks}}) {
    if (value < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": must be at least 1, got ", value, "; omit it for the default"));
    }
  }
  auto parts = std::make_unique<Parts>();
  parts->shutdown_grace = options.shutdown_grace;
  const Clock* clock = options.clock != nullptr ? options.clock : &parts->real_clock;
  RETURN_IF_ERROR(auth::CheckListenSecurity(
      {options.listen, options.tls_cert_file, options.tls_key_file, options.tls_client_ca_file,
       options.auth_token_file, options.allow_insecure_remote, options.metrics_listen,
       options.dashboard}));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   auth::MakeServerCredentials(options.tls_cert_file, options.tls_key_file,
                                               options.tls_client_ca_file));
  if (!options.auth_token_file.empty()) {
    ASSIGN_OR_RETURN(auth::TokenTable tokens, auth::TokenTable::ReadFile(options.auth_token_file));
    parts->metrics.SetAuthTokens(tokens.size());
    parts->auth_token_file = options.auth_token_file;
    parts->authorizer = std::make_unique<auth::Authorizer>(std::move(tokens), clock);
  }

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
  parts->pool = std::make_unique<WorkerPool>(
      threads, static_cast<size_t>(std::max(options.limits.max_queued_tasks, 1)));
  parts->runtime =
      std::make_unique<Runtime>(parts->store.get(), clock, parts->pool.get(), options.limits);
  RETURN_IF_ERROR(parts->runtime->Load());
  parts->runtime->set_suggest_observer([metrics](const std::string& sampler, absl::Duration d) {
    metrics->ObserveSuggest(sampler, d);
  });
  storage::SqliteTrialStore* store = parts->store.get();
  WorkerPool* pool = parts->pool.get();
  metrics->AttachRuntime(
      parts->runtime.get(), [pool] { return pool->QueueDepth(); },
      [store] { return store->GetFileStats(); });

  // The HTTP port first, so GetServerInfo can tell clients where it is.
  if (!options.metrics_listen.empty()) {
    http::HttpSite site;
    site.metrics_text = [metrics] { return metrics->RenderText(); };
    if (options.dashboard) {
      parts->dashboard = std::make_unique<dashboard::DashboardApi>(
          parts->runtime.get(), parts->authorizer.get(), HYPERD_VERSION,
          [metrics](const auth::AuthDecision& decision, absl::string_view what) {
            metrics->CountAuthFailure(decision.failure);
            LogFields fields = {{"http", std::string(what)},
                                {"reason", std::string(auth::AuthFailureName(decision.failure))}};
            if (decision.token != nullptr) fields.emplace_back("token", decision.token->name);
            Log(LogLevel::kWarning, "dashboard request refused", fields);
          });
      dashboard::DashboardApi* api = parts->dashboard.get();
      site.dashboard_api = [api](const http::HttpRequest& request) { return api->Handle(request); };
    }
    ASSIGN_OR_RETURN(parts->http,
                     http::HttpServer::Start("--metrics-listen", options.metrics_listen,
                                             /*threads=*/8,
                                             [site = std::move(site)](const http::HttpRequest& r) {
                                               return http::ServeHttp(site, r);
                                             }));
  }
  hyperd::v1::ServerInfo info;
  info.set_version(HYPERD_VERSION);
  info.set_durability(std::string(storage::DurabilityName(options.durability)));
  *info.mutable_start_time() = ToProtoTime(absl::Now());
  if (parts->http != nullptr) {
    info.set_http_address(absl::StrCat(
        options.metrics_listen.substr(0, options.metrics_listen.rfind(':')), ":", parts->http->port()));
    info.set_dashboard(parts->dashboard != nullptr);
  }
  parts->service = std::make_unique<HyperdService>(parts->runtime.get(), metrics, info,
                                                   options.slow_request_threshold);
  parts->service->EnableBackups(parts->store.get(), parts->pool.get());
  if (parts->authorizer != nullptr) parts->service->EnableAuth(parts->authorizer.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &parts->grpc_port);
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

  Runtime* runtime = parts->runtime.get();
  parts->reaper = std::make_unique<LeaseReaper>(
      runtime, options.reaper_interval,
      [health, runtime] { health->SetServingStatus(runtime->healthy()); });
  Log(LogLevel::kInfo, "hyperd serving",
      {{"grpc",
        absl::StrCat(options.listen.substr(0, options.listen.rfind(':')), ":", parts->grpc_port)},
       {"http", parts->http == nullptr ? "off" : info.http_address()},
       {"dashboard", parts->dashboard == nullptr ? "off" : "on"},
       {"data_dir", options.data_dir},
       {"durability", std::string(storage::DurabilityName(options.durability))},
       {"tls", options.tls_cert_file.empty()        ? "off"
               : options.tls_client_ca_file.empty() ? "on"
                                                    : "mutual"},
       {"auth", parts->authorizer == nullptr
                    ? "off"
                    : absl::StrCat(parts->authorizer->token_count(), " tokens")}});
  return std::unique_ptr<HyperdServer>(new HyperdServer(std::move(parts)));
}

HyperdServer::HyperdServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

HyperdServer::~HyperdServer() { Shutdown(); }

int HyperdServer::grpc_port() const { return parts_->grpc_port; }

int HyperdServer::metrics_port() const {
  return parts_->http == nullptr ? 0 : parts_->http->port();
}

std::shared_ptr<grpc::Channel> HyperdServer::InProcessChannel() {
  return parts_->server->InProcessChannel(grpc::ChannelArguments());
}

Runtime& HyperdServer::runtime() { return *parts_->runtime; }

WorkerPool& HyperdServer::worker_pool() { return *parts_->pool; }

std::string HyperdServer::MetricsText() const { return parts_->metrics.RenderText(); }

absl::Status HyperdServer::ReloadAuthTokens() {
  if (parts_->authorizer == nullptr) {
    Log(LogLevel::kInfo, "auth token reload skipped: no --auth-token-file");
    return absl::OkStatus();
  }
  absl::StatusOr<auth::TokenTable> tokens = auth::TokenTable::ReadFile(parts_->auth_token_file);
  if (!tokens.ok()) {
    parts_->metrics.CountAuthReload(false);
    Log(LogLevel::kError, "auth token reload failed; the previous tokens stay in force",
        {{"error", std::string(tokens.status().message())}});
    return tokens.status();
  }
  const size_t count = tokens->size();
  parts_->authorizer->Replace(std::move(*tokens));
  parts_->metrics.SetAuthTokens(count);
  parts_->metrics.CountAuthReload(true);
  Log(LogLevel::kInfo, "auth tokens reloaded",
      {{"file", parts_->auth_token_file}, {"tokens", absl::StrCat(count)}});
  return absl::OkStatus();
}

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
  parts_->http.reset();
  parts_->pool.reset();
  parts_->store->Flush();
  Log(LogLevel::kInfo, "shut down cleanly");
}

}  // namespace hyperd::server
