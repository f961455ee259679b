// A running hyperd: storage, runtime, worker pool, gRPC server (with health and reflection),
// metrics endpoint and lease reaper, wired together. main() and the integration tests use it.
//
//   ASSIGN_OR_RETURN(auto server, HyperdServer::Start(options));
//   ... server->grpc_port() ...
//   server->Shutdown();  // graceful: health NOT_SERVING, drain calls, flush storage
#ifndef HYPERD_SERVER_HYPERD_SERVER_H_
#define HYPERD_SERVER_HYPERD_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/clock.h"
#include "server/server_limits.h"
#include "storage/sqlite/sqlite_trial_store.h"

namespace hyperd::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // port 0 picks a free port
  std::string data_dir = "hyperd-data";
  // The HTTP port: /metrics, and the study dashboard unless `dashboard` is false. Empty: no port.
  std::string metrics_listen = "127.0.0.1:9464";
  bool dashboard = true;
  storage::Durability durability = storage::Durability::kFull;
  absl::Duration reaper_interval = absl::Seconds(30);
  absl::Duration shutdown_grace = absl::Seconds(5);
  absl::Duration slow_request_threshold = absl::Seconds(1);  // zero: no slow-request log
  int max_message_bytes = 4 * 1024 * 1024;
  int worker_threads = 0;        // 0: one per core
  ServerLimits limits;           // studies, trials per study, suggestions in flight, worker queue
  const Clock* clock = nullptr;  // null: the real clock
  // Security (docs/security.md). TLS when both PEM files are set; with a client CA bundle,
  // clients must present a certificate it signed (mTLS). Bearer tokens when the token file is
  // set. A non-loopback `listen` needs TLS and tokens unless allow_insecure_remote.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  std::string auth_token_file;
  bool allow_insecure_remote = false;
};

class HyperdServer {
 public:
  static absl::StatusOr<std::unique_ptr<HyperdServer>> Start(const ServerOptions& options);
  ~HyperdServer();

  int grpc_port() const;
  int metrics_port() const;  // the HTTP port (metrics, dashboard); 0 without one
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Health NOT_SERVING, stop accepting calls, finish in-flight ones within the grace period,
  // flush storage. Idempotent.
  void Shutdown();

  // For tests: the runtime (e.g. to run the reaper now) and the metrics text.
  class Runtime& runtime();
  // For tests: the worker pool (e.g. paused, so suggestions wait at a known point).
  class WorkerPool& worker_pool();
  std::string MetricsText() const;

  // Re-reads the --auth-token-file and swaps the token table in at once (SIGHUP). On error the
  // old table stays in force, the error (with file:line) is logged and returned. OK and a no-op
  // without a token file.
  absl::Status ReloadAuthTokens();

 private:
  struct Parts;
  explicit HyperdServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_HYPERD_SERVER_H_
