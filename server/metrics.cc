#include "server/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "hyperd/v1/hyperd.pb.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"
#include "server/runtime.h"
#include "server/status_conversion.h"

namespace hyperd::server {
namespace {

// Buckets spanning loopback RPCs (~100 us) to slow fsyncs and model fits.
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
// From bandit decisions (tens of microseconds; the bandits issue's target is 200 us) to GP fits.
const prometheus::Histogram::BucketBoundaries kSuggestBuckets = {
    0.000025, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.005, 0.01, 0.05,
    0.1,      0.25,    0.5,    1,      2.5,    5,     10,    30,   60};
const prometheus::Histogram::BucketBoundaries kBatchBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256};

const google::protobuf::ServiceDescriptor* HyperdService() {
  return hyperd::v1::Study::descriptor()->file()->FindServiceByName("Hyperd");
}

prometheus::ClientMetric Value(double v, std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = v;
  m.counter.value = v;
  return m;
}

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                std::vector<prometheus::ClientMetric> metrics) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  f.metric = std::move(metrics);
  return f;
}
prometheus::MetricFamily Gauge(std::string name, std::string help,
                               std::vector<prometheus::ClientMetric> metrics) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Gauge,
                std::move(metrics));
}
prometheus::MetricFamily Counter(std::string name, std::string help,
                                 std::vector<prometheus::ClientMetric> metrics) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Counter,
                std::move(metrics));
}
prometheus::MetricFamily ByState(std::string name, std::string help,
                                 const std::map<std::string, int64_t>& counts) {
  std::vector<prometheus::ClientMetric> metrics;
  for (const auto& [state, n] : counts) {
    metrics.push_back(Value(static_cast<double>(n), {{"state", state}}));
  }
  return Gauge(std::move(name), std::move(help), std::move(metrics));
}

// Figures that live in the runtime and the store, read at scrape time so they are always exact.
class RuntimeCollector final : public prometheus::Collectable {
 public:
  RuntimeCollector(Runtime* runtime, std::function<size_t()> queue_depth,
                   std::function<storage::SqliteTrialStore::FileStats()> file_stats)
      : runtime_(runtime),
        queue_depth_(std::move(queue_depth)),
        file_stats_(std::move(file_stats)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    families.push_back(
        ByState("hyperd_trials", "Trials by state.", runtime_->CountTrialsByState()));
    families.push_back(
        ByState("hyperd_studies", "Studies by state.", runtime_->CountStudiesByState()));
    const RuntimeCounters& c = runtime_->counters();
    families.push_back(Counter("hyperd_trials_reclaimed_total",
                               "Open trials ended by the lease reaper because their lease expired.",
                               {Value(c.leases_reclaimed.load())}));
    families.push_back(Counter("hyperd_trials_created_total", "Trials created.",
                               {Value(c.trials_created.load())}));
    families.push_back(Counter("hyperd_trials_stopped_early_total",
                               "Trials asked to stop by the scheduler or a non-finite report.",
                               {Value(c.scheduler_stops.load())}));
    std::vector<prometheus::ClientMetric> decisions;
    for (const auto& [scheduler, tally] : c.scheduler_decisions.Snapshot()) {
      decisions.push_back(
          Value(static_cast<double>(tally.stop), {{"scheduler", scheduler}, {"decision", "stop"}}));
      decisions.push_back(Value(static_cast<double>(tally.go_on),
                                {{"scheduler", scheduler}, {"decision", "continue"}}));
    }
    families.push_back(Counter("hyperd_scheduler_decisions_total",
                               "Scheduler decisions on reports of active trials, by scheduler.",
                               std::move(decisions)));
    families.push_back(
        Counter("hyperd_measurements_total", "Measurements received, by result.",
                {Value(c.measurements_stored.load(), {{"result", "stored"}}),
                 Value(c.measurements_duplicate.load(), {{"result", "duplicate"}})}));
    families.push_back(Gauge("hyperd_worker_queue_depth", "Suggestion tasks waiting for a worker.",
                             {Value(static_cast<double>(queue_depth_()))}));
    const storage::SqliteTrialStore::FileStats files = file_stats_();
    families.push_back(Gauge("hyperd_storage_database_bytes", "Size of the SQLite database file.",
                             {Value(static_cast<double>(files.db_bytes))}));
    families.push_back(Gauge("hyperd_storage_wal_bytes", "Size of the SQLite write-ahead log.",
                             {Value(static_cast<double>(files.wal_bytes))}));
    if (files.filesystem_size_bytes >= 0) {
      families.push_back(Gauge("hyperd_storage_filesystem_avail_bytes",
                               "Bytes still available to hyperd on the database's file system.",
                               {Value(static_cast<double>(files.filesystem_avail_bytes))}));
      families.push_back(Gauge("hyperd_storage_filesystem_size_bytes",
                               "Total size of the database's file system in bytes.",
                               {Value(static_cast<double>(files.filesystem_size_bytes))}));
    }
    families.push_back(Gauge("hyperd_healthy", "1 while the server accepts writes.",
                             {Value(runtime_->healthy() ? 1 : 0)}));
    return families;
  }

 private:
  Runtime* runtime_;
  std::function<size_t()> queue_depth_;
  std::function<storage::SqliteTrialStore::FileStats()> file_stats_;
};

// The standard process_* metrics (the names every Prometheus client library exports), read from
// /proc/self at scrape time. A figure that cannot be read is left out rather than failing the
// scrape.
class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
    if (std::optional<std::vector<std::string>> stat = StatFields(); stat && ticks > 0) {
      // Fields after "(comm)": index 0 is field 3 (state) of proc(5).
      const double utime = ToDouble((*stat)[11]);
      const double stime = ToDouble((*stat)[12]);
      const double start_ticks = ToDouble((*stat)[19]);
      const double vsize = ToDouble((*stat)[20]);
      const double rss_pages = ToDouble((*stat)[21]);
      families.push_back(Counter("process_cpu_seconds_total",
                                 "Total user and system CPU time spent in seconds.",
                                 {Value((utime + stime) / ticks)}));
      families.push_back(Gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                               {Value(rss_pages * page_bytes)}));
      families.push_back(
          Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", {Value(vsize)}));
      if (std::optional<double> boot = BootTimeSeconds()) {
        families.push_back(Gauge("process_start_time_seconds",
                                 "Start time of the process since unix epoch in seconds.",
                                 {Value(*boot + start_ticks / ticks)}));
      }
    }
    if (std::optional<int64_t> open = OpenFds()) {
      families.push_back(Gauge("process_open_fds", "Number of open file descriptors.",
                               {Value(static_cast<double>(*open))}));
    }
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      const double max = limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<double>::infinity()
                                                         : static_cast<double>(limit.rlim_cur);
      families.push_back(
          Gauge("process_max_fds", "Maximum number of open file descriptors.", {Value(max)}));
    }
    return families;
  }

 private:
  static double ToDouble(const std::string& word) {
    double v = 0;
    return absl::SimpleAtod(word, &v) ? v : 0;
  }
  // The fields of /proc/self/stat after the command name (which may contain spaces).
  static std::optional<std::vector<std::string>> StatFields() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    const size_t close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::vector<std::string> fields =
        absl::StrSplit(line.substr(close + 1), ' ', absl::SkipEmpty());
    if (fields.size() < 22) return std::nullopt;
    return fields;
  }
  // The "btime" line of /proc/stat: boot time in seconds since the epoch.
  static std::optional<double> BootTimeSeconds() {
    std::ifstream in("/proc/stat");
    std::string line;
    while (std::getline(in, line)) {
      if (absl::StartsWith(line, "btime ")) {
        double v = 0;
        if (absl::SimpleAtod(absl::StripAsciiWhitespace(line.substr(6)), &v)) return v;
      }
    }
    return std::nullopt;
  }
  static std::optional<int64_t> OpenFds() {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return std::nullopt;
    int64_t n = 0;
    while (const dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(dir);
    return n - 1;  // without the descriptor of the listing itself
  }
};

}  // namespace

absl::Duration RpcTimer::Finish(const absl::Status& status) const {
  const absl::Duration elapsed = absl::Now() - start_;
  const auto code = static_cast<size_t>(status.code());
  if (code < method_->handled.size()) method_->handled[code]->Increment();
  method_->seconds->Observe(absl::ToDoubleSeconds(elapsed));
  return elapsed;
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      process_collector_(std::make_shared<ProcessCollector>()) {
  auto& started = prometheus::BuildCounter()
                      .Name("grpc_server_started_total")
                      .Help("Total number of RPCs started on the server.")
                      .Register(*registry_);
  auto& handled =
      prometheus::BuildCounter()
          .Name("grpc_server_handled_total")
          .Help("Total number of RPCs completed on the server, regardless of success or failure.")
          .Register(*registry_);
  auto& seconds =
      prometheus::BuildHistogram()
          .Name("grpc_server_handling_seconds")
          .Help("Histogram of response latency (seconds) of RPCs handled by the server.")
          .Register(*registry_);
  const google::protobuf::ServiceDescriptor* service = HyperdService();
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* descriptor = service->method(i);
    const std::string method = descriptor->name();
    // go-grpc-prometheus' grpc_type values.
    const char* type = descriptor->client_streaming()
                           ? (descriptor->server_streaming() ? "bidi_stream" : "client_stream")
                           : (descriptor->server_streaming() ? "server_stream" : "unary");
    const std::map<std::string, std::string> labels = {
        {"grpc_type", type}, {"grpc_service", service->full_name()}, {"grpc_method", method}};
    MethodMetrics& m = methods_[method];
    m.started = &started.Add(labels);
    for (size_t code = 0; code < m.handled.size(); ++code) {
      auto with_code = labels;
      with_code["grpc_code"] = GrpcCodeName(static_cast<absl::StatusCode>(code));
      m.handled[code] = &handled.Add(with_code);
    }
    m.seconds = &seconds.Add(labels, kLatencyBuckets);
  }
  suggest_seconds_ = &prometheus::BuildHistogram()
                          .Name("hyperd_suggest_seconds")
                          .Help("Time to compute and reserve a SuggestTrials answer, by sampler.")
                          .Register(*registry_);
  commit_seconds_ = &prometheus::BuildHistogram()
                         .Name("hyperd_storage_commit_seconds")
                         .Help("Duration of one storage group commit (all requests of a batch).")
                         .Register(*registry_)
                         .Add({}, kLatencyBuckets);
  batch_size_ = &prometheus::BuildHistogram()
                     .Name("hyperd_storage_batch_size")
                     .Help("Requests committed together in one storage transaction.")
                     .Register(*registry_)
                     .Add({}, kBatchBuckets);
  auto& auth_failures =
      prometheus::BuildCounter()
          .Name("hyperd_auth_failures_total")
          .Help(
              "Calls refused by authentication (missing, invalid, expired token) or "
              "authorization (role, study), by reason.")
          .Register(*registry_);
  for (auth::AuthFailure failure : auth::kAllAuthFailures) {
    auth_failures_[failure] =
        &auth_failures.Add({{"reason", std::string(auth::AuthFailureName(failure))}});
  }
  auth_tokens_ = &prometheus::BuildGauge()
                      .Name("hyperd_auth_tokens")
                      .Help("Bearer tokens loaded from --auth-token-file (0 without one).")
                      .Register(*registry_)
                      .Add({});
  auto& reloads = prometheus::BuildCounter()
                      .Name("hyperd_auth_reloads_total")
                      .Help(
                          "Reloads of --auth-token-file (SIGHUP), by result; on error the "
                          "previous tokens stay in force.")
                      .Register(*registry_);
  auth_reloads_ok_ = &reloads.Add({{"result", "ok"}});
  auth_reloads_error_ = &reloads.Add({{"result", "error"}});
}

MethodMetrics* Metrics::Method(const std::string& method) {
  auto it = methods_.find(method);
  return it == methods_.end() ? nullptr : &it->second;
}

void Metrics::ObserveSuggest(const std::string& sampler, absl::Duration duration) {
  prometheus::Histogram* histogram;
  {
    std::lock_guard<std::mutex> lock(suggest_mu_);
    auto [it, inserted] = suggest_by_sampler_.try_emplace(sampler, nullptr);
    if (inserted) it->second = &suggest_seconds_->Add({{"sampler", sampler}}, kSuggestBuckets);
    histogram = it->second;
  }
  histogram->Observe(absl::ToDoubleSeconds(duration));
}

void Metrics::ObserveCommit(size_t requests, absl::Duration duration) {
  commit_seconds_->Observe(absl::ToDoubleSeconds(duration));
  batch_size_->Observe(static_cast<double>(requests));
}

void Metrics::CountAuthFailure(auth::AuthFailure failure) {
  auto it = auth_failures_.find(failure);
  if (it != auth_failures_.end()) it->second->Increment();
}

void Metrics::SetAuthTokens(size_t count) { auth_tokens_->Set(static_cast<double>(count)); }

void Metrics::CountAuthReload(bool ok) {
  (ok ? auth_reloads_ok_ : auth_reloads_error_)->Increment();
}

void Metrics::AttachRuntime(
    Runtime* runtime, std::function<size_t()> worker_queue_depth,
    std::function<storage::SqliteTrialStore::FileStats()> storage_file_stats) {
  runtime_collector_ = std::make_shared<RuntimeCollector>(runtime, std::move(worker_queue_depth),
                                                          std::move(storage_file_stats));
}

std::vector<std::shared_ptr<prometheus::Collectable>> Metrics::Collectables() const {
  std::vector<std::shared_ptr<prometheus::Collectable>> all = {registry_, process_collector_};
  if (runtime_collector_) all.push_back(runtime_collector_);
  return all;
}

std::string Metrics::RenderText() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& collectable : Collectables()) {
    for (auto& family : collectable->Collect()) families.push_back(std::move(family));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace hyperd::server
