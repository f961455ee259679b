#include "server/metrics.h"

#include <utility>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "hyperd/v1/hyperd.pb.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"
#include "server/runtime.h"

namespace hyperd::server {
namespace {

// grpc-go spelling, in code order 0-16, as go-grpc-prometheus exports them.
constexpr std::array<const char*, 17> kCodeNames = {
    "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated"};

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

// Figures that live in the runtime and the store, read at scrape time so they are always exact.
class RuntimeCollector final : public prometheus::Collectable {
 public:
  RuntimeCollector(Runtime* runtime, std::function<size_t()> queue_depth,
                   std::function<std::pair<int64_t, int64_t>()> file_bytes)
      : runtime_(runtime),
        queue_depth_(std::move(queue_depth)),
        file_bytes_(std::move(file_bytes)) {}

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
    families.push_back(
        Counter("hyperd_measurements_total", "Measurements received, by result.",
                {Value(c.measurements_stored.load(), {{"result", "stored"}}),
                 Value(c.measurements_duplicate.load(), {{"result", "duplicate"}})}));
    families.push_back(Gauge("hyperd_worker_queue_depth", "Suggestion tasks waiting for a worker.",
                             {Value(static_cast<double>(queue_depth_()))}));
    const auto [db, wal] = file_bytes_();
    families.push_back(Gauge("hyperd_storage_database_bytes", "Size of the SQLite database file.",
                             {Value(static_cast<double>(db))}));
    families.push_back(Gauge("hyperd_storage_wal_bytes", "Size of the SQLite write-ahead log.",
                             {Value(static_cast<double>(wal))}));
    families.push_back(Gauge("hyperd_healthy", "1 while the server accepts writes.",
                             {Value(runtime_->healthy() ? 1 : 0)}));
    return families;
  }

 private:
  static prometheus::MetricFamily Family(std::string name, std::string help,
                                         prometheus::MetricType type,
                                         std::vector<prometheus::ClientMetric> metrics) {
    prometheus::MetricFamily f;
    f.name = std::move(name);
    f.help = std::move(help);
    f.type = type;
    f.metric = std::move(metrics);
    return f;
  }
  static prometheus::MetricFamily Gauge(std::string name, std::string help,
                                        std::vector<prometheus::ClientMetric> metrics) {
    return Family(std::move(name), std::move(help), prometheus::MetricType::Gauge,
                  std::move(metrics));
  }
  static prometheus::MetricFamily Counter(std::string name, std::string help,
                                          std::vector<prometheus::ClientMetric> metrics) {
    return Family(std::move(name), std::move(help), prometheus::MetricType::Counter,
                  std::move(metrics));
  }
  static prometheus::MetricFamily ByState(std::string name, std::string help,
                                          const std::map<std::string, int64_t>& counts) {
    std::vector<prometheus::ClientMetric> metrics;
    for (const auto& [state, n] : counts) {
      metrics.push_back(Value(static_cast<double>(n), {{"state", state}}));
    }
    return Gauge(std::move(name), std::move(help), std::move(metrics));
  }

  Runtime* runtime_;
  std::function<size_t()> queue_depth_;
  std::function<std::pair<int64_t, int64_t>()> file_bytes_;
};

}  // namespace

void RpcTimer::Finish(const absl::Status& status) const {
  const auto code = static_cast<size_t>(status.code());
  if (code < method_->handled.size()) method_->handled[code]->Increment();
  method_->seconds->Observe(absl::ToDoubleSeconds(absl::Now() - start_));
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
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
    const std::string method = service->method(i)->name();
    const std::map<std::string, std::string> labels = {
        {"grpc_type", "unary"}, {"grpc_service", service->full_name()}, {"grpc_method", method}};
    MethodMetrics& m = methods_[method];
    m.started = &started.Add(labels);
    for (size_t code = 0; code < kCodeNames.size(); ++code) {
      auto with_code = labels;
      with_code["grpc_code"] = kCodeNames[code];
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

void Metrics::AttachRuntime(Runtime* runtime, std::function<size_t()> worker_queue_depth,
                            std::function<std::pair<int64_t, int64_t>()> storage_file_bytes) {
  runtime_collector_ = std::make_shared<RuntimeCollector>(runtime, std::move(worker_queue_depth),
                                                          std::move(storage_file_bytes));
}

std::vector<std::shared_ptr<prometheus::Collectable>> Metrics::Collectables() const {
  std::vector<std::shared_ptr<prometheus::Collectable>> all = {registry_};
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
