// Prometheus metrics: the standard grpc_server_* request metrics (go-grpc-prometheus names, so
// existing dashboards work), hyperd's own, read from the runtime and the store at scrape time, and
// the standard process_* metrics (CPU, memory, file descriptors, start time) from /proc/self.
#ifndef HYPERD_SERVER_METRICS_H_
#define HYPERD_SERVER_METRICS_H_

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/auth/authorizer.h"
#include "storage/sqlite/sqlite_trial_store.h"

namespace hyperd::server {

class Runtime;

// Metrics of one RPC method; children are created up front so recording takes no lock but the
// histogram's.
struct MethodMetrics {
  prometheus::Counter* started = nullptr;
  std::array<prometheus::Counter*, 17> handled{};  // by absl::StatusCode
  prometheus::Histogram* seconds = nullptr;
};

// Records one call: counts it as started on construction and as handled with its code on Finish.
class RpcTimer {
 public:
  explicit RpcTimer(MethodMetrics* method) : method_(method), start_(absl::Now()) {
    method_->started->Increment();
  }
  // Returns how long the call took.
  absl::Duration Finish(const absl::Status& status) const;

 private:
  MethodMetrics* method_;
  absl::Time start_;
};

// Thread-safe.
class Metrics {
 public:
  Metrics();

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // The metrics of `method` (a method of hyperd.v1.Hyperd); never null for the service's methods.
  MethodMetrics* Method(const std::string& method);

  void ObserveSuggest(const std::string& sampler, absl::Duration duration);
  void ObserveCommit(size_t requests, absl::Duration duration);

  // Authentication (issue 8): hyperd_auth_failures_total{reason}, hyperd_auth_tokens and
  // hyperd_auth_reloads_total{result}. `failure` must not be kNone.
  void CountAuthFailure(auth::AuthFailure failure);
  void SetAuthTokens(size_t count);
  void CountAuthReload(bool ok);

  // Gauges and counters read from the runtime and the store at scrape time. `storage_file_stats`
  // returns the (database, WAL) sizes.
  void AttachRuntime(Runtime* runtime, std::function<size_t()> worker_queue_depth,
                     std::function<storage::SqliteTrialStore::FileStats()> storage_file_stats);

  // What an exposer serves: the registry and the runtime collector (once attached).
  std::vector<std::shared_ptr<prometheus::Collectable>> Collectables() const;
  // The text exposition format of everything, as a scrape would return it.
  std::string RenderText() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::map<std::string, MethodMetrics> methods_;
  prometheus::Family<prometheus::Histogram>* suggest_seconds_;
  std::map<std::string, prometheus::Histogram*> suggest_by_sampler_;
  prometheus::Histogram* commit_seconds_;
  prometheus::Histogram* batch_size_;
  std::mutex suggest_mu_;
  std::map<auth::AuthFailure, prometheus::Counter*> auth_failures_;
  prometheus::Gauge* auth_tokens_;
  prometheus::Counter* auth_reloads_ok_;
  prometheus::Counter* auth_reloads_error_;
  std::shared_ptr<prometheus::Collectable> process_collector_;  // process_* from /proc/self
  std::shared_ptr<prometheus::Collectable> runtime_collector_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_METRICS_H_
