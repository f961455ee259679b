// bench_report_throughput: ReportMeasurement throughput against the real hyperd binary, next to
// an empty unary RPC (GetServerInfo) measured in the same run, at --durability=full and normal.
//
// For each durability it starts hyperd on port 0 in a fresh temporary data directory, connects
// --clients clients (one HTTP/2 connection each, like that many training jobs), creates a study,
// and then runs --repetitions repetitions of two closed loops of --seconds each: every client
// calling GetServerInfo back to back, and every client reporting steps 1, 2, 3, ... to its own
// trial. The order of the two loops alternates between repetitions so drift on a noisy machine
// hits both alike. Only OK replies count; any error aborts with a message and exit status 1.
// It prints each repetition and a Markdown table of medians across repetitions, and first times
// write + fdatasync on the data directory's disk: at --durability=full every acknowledged report
// waits for one, so clients / fdatasync latency bounds the report rate whatever the server does.
//
//   bench_report_throughput                       # 2 x 5 x (3 s + 3 s), about 1 minute
//   bench_report_throughput --durability=normal --repetitions=1 --seconds=0.5   # smoke run
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/closed_loop.h"
#include "bench/fsync_probe.h"
#include "tests/testing/http_fetch.h"
#include "bench/process_cpu_time.h"
#include "bench/prometheus_text.h"
#include "bench/rpc_workloads.h"
#include "bench/sample_stats.h"
#include "common/status_macros.h"
#include "tests/testing/server_process.h"

#ifndef HYPERD_BINARY
#define HYPERD_BINARY "hyperd"
#endif

ABSL_FLAG(std::string, hyperd_binary, HYPERD_BINARY, "Path of the hyperd executable to start.");
ABSL_FLAG(std::string, durability, "both", "full, normal, or both (full first).");
ABSL_FLAG(int, clients, 32, "Concurrent clients, each with its own connection and trial.");
ABSL_FLAG(int, repetitions, 5, "Repetitions of the pair of loops per durability.");
ABSL_FLAG(double, seconds, 3.0, "Length of each timed loop, in seconds.");
ABSL_FLAG(double, warmup_seconds, 0.5,
          "Untimed loop of each RPC after start-up (connections, allocator, SQLite cache); 0 "
          "skips it.");
ABSL_FLAG(std::string, work_dir, "",
          "Where the temporary data directory goes (decides the disk that fsyncs hit); default "
          "$TMPDIR or /tmp.");

namespace hyperd::bench {
namespace {

using ::hyperd::testing::ServerProcess;
using ::hyperd::testing::ServerProcessOptions;

constexpr char kBatchHistogram[] = "hyperd_storage_batch_size";
constexpr char kCommitHistogram[] = "hyperd_storage_commit_seconds";
// About half a second on a disk with 4 ms fdatasyncs.
constexpr int kFdatasyncSamples = 100;

// What the benchmark measures besides the client-side rate: CPU time of both processes and the
// server's storage histograms, read just before the clock starts and just after it stops.
struct Counters {
  absl::Duration server_cpu;
  absl::Duration client_cpu;
  Histogram batch;
  Histogram commit;
};

std::string WorkDir() {
  std::string dir = absl::GetFlag(FLAGS_work_dir);
  if (dir.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  return dir;
}

absl::Duration SelfCpuTime() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return absl::DurationFromTimeval(usage.ru_utime) + absl::DurationFromTimeval(usage.ru_stime);
}

absl::StatusOr<Counters> ReadCounters(const ServerProcess& server) {
  Counters counters;
  ASSIGN_OR_RETURN(counters.server_cpu, ProcessCpuTime(server.pid()));
  counters.client_cpu = SelfCpuTime();
  if (server.metrics_port() > 0) {
    ASSIGN_OR_RETURN(std::string text, hyperd::testing::HttpGet(server.metrics_port(), "/metrics"));
    ASSIGN_OR_RETURN(PrometheusSamples samples, ParsePrometheusText(text));
    counters.batch = HistogramFrom(samples, kBatchHistogram);
    counters.commit = HistogramFrom(samples, kCommitHistogram);
  }
  return counters;
}

// One timed loop of one RPC.
struct LoopResult {
  double rate = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double server_us_per_call = 0;
  double client_us_per_call = 0;
  Histogram batch;   // storage transactions during the loop
  Histogram commit;  // their durations
};

absl::StatusOr<LoopResult> TimedLoop(Workload& workload, const ServerProcess& server, int clients,
                                     absl::Duration duration) {
  Counters before;
  Counters after;
  ClosedLoopOptions options;
  options.workers = clients;
  options.duration = duration;
  options.before_start = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(before, ReadCounters(server));
    return absl::OkStatus();
  };
  options.after_stop = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(after, ReadCounters(server));
    return absl::OkStatus();
  };
  ASSIGN_OR_RETURN(ClosedLoopResult run, RunClosedLoop(workload, options));
  if (run.ok_calls == 0) {
    return absl::InternalError(
        absl::StrCat("no call succeeded in ", absl::FormatDuration(run.elapsed), " with ", clients,
                     " clients; the server is stalled or --seconds is too short"));
  }
  LoopResult result;
  const double calls = static_cast<double>(run.ok_calls);
  result.rate = run.Rate();
  result.p50_ms = 1e3 * Percentile(run.latency_seconds, 0.50);
  result.p99_ms = 1e3 * Percentile(run.latency_seconds, 0.99);
  result.server_us_per_call =
      absl::ToDoubleMicroseconds(after.server_cpu - before.server_cpu) / calls;
  result.client_us_per_call =
      absl::ToDoubleMicroseconds(after.client_cpu - before.client_cpu) / calls;
  result.batch = after.batch - before.batch;
  result.commit = after.commit - before.commit;
  return result;
}

// Per-repetition results of one durability, for the medians.
struct Series {
  std::vector<double> rate, p50_ms, p99_ms, server_us, client_us;
  void Add(const LoopResult& r) {
    rate.push_back(r.rate);
    p50_ms.push_back(r.p50_ms);
    p99_ms.push_back(r.p99_ms);
    server_us.push_back(r.server_us_per_call);
    client_us.push_back(r.client_us_per_call);
  }
};

struct DurabilityResult {
  std::string durability;
  Series empty;
  Series report;
  std::vector<double> ratios;  // report rate / empty rate, per repetition
  Histogram batch;             // summed over the report loops
  Histogram commit;
};

void Accumulate(Histogram& total, const Histogram& delta) {
  if (total.buckets.empty()) {
    total = delta;
    return;
  }
  total.sum += delta.sum;
  total.count += delta.count;
  for (size_t i = 0; i < total.buckets.size() && i < delta.buckets.size(); ++i) {
    total.buckets[i].cumulative_count += delta.buckets[i].cumulative_count;
  }
}

std::string DescribeLoop(const char* name, const LoopResult& r) {
  std::string line = absl::StrFormat(
      "%-6s %9.0f calls/s  p50 %6.2f ms  p99 %6.2f ms  cpu/call: server %5.0f us, client %5.0f us",
      name, r.rate, r.p50_ms, r.p99_ms, r.server_us_per_call, r.client_us_per_call);
  if (r.batch.count > 0) {
    absl::StrAppendFormat(&line, "  %.0f commits, mean batch %.1f, mean commit %.2f ms",
                          r.batch.count, r.batch.Mean(), 1e3 * r.commit.Mean());
  }
  return line;
}

absl::StatusOr<DurabilityResult> RunDurability(const std::string& durability) {
  const int clients = absl::GetFlag(FLAGS_clients);
  const int repetitions = absl::GetFlag(FLAGS_repetitions);
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const absl::Duration warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));

  // A fresh data directory under --work_dir, removed when `server` goes out of scope.
  ServerProcessOptions options;
  options.binary = absl::GetFlag(FLAGS_hyperd_binary);
  options.temp_root = WorkDir();
  options.extra_args = {"--durability=" + durability, "--metrics-listen=127.0.0.1:0",
                        "--log-level=warning"};
  options.start_timeout = absl::Seconds(30);
  ServerProcess server(options);
  if (absl::Status started = server.Start(); !started.ok()) {
    return absl::Status(started.code(),
                        absl::StrCat("starting hyperd (--hyperd_binary=", options.binary,
                                     ", --work_dir=", options.temp_root, "): ", started.message()));
  }
  std::printf("[%s] hyperd pid %d, grpc port %d, metrics port %d, data %s\n", durability.c_str(),
              static_cast<int>(server.pid()), server.grpc_port(), server.metrics_port(),
              server.data_dir().c_str());
  std::fflush(stdout);

  ASSIGN_OR_RETURN(Clients connections, ConnectClients(server.grpc_port(), clients));
  ASSIGN_OR_RETURN(std::string served_durability, ServerDurability(*connections[0]));
  if (served_durability != durability) {
    return absl::InternalError(absl::StrCat("hyperd reports durability \"", served_durability,
                                            "\", started with \"", durability, "\""));
  }
  ASSIGN_OR_RETURN(std::string study, CreateBenchStudy(*connections[0]));

  EmptyRpcWorkload empty(connections);
  auto run_reports = [&](absl::Duration length) -> absl::StatusOr<LoopResult> {
    ReportWorkload reports(connections, study);
    absl::StatusOr<LoopResult> result = TimedLoop(reports, server, clients, length);
    if (!result.ok()) return result;
    RETURN_IF_ERROR(reports.CompleteTrials());
    return result;
  };
  if (warmup > absl::ZeroDuration()) {
    RETURN_IF_ERROR(TimedLoop(empty, server, clients, warmup).status());
    RETURN_IF_ERROR(run_reports(warmup).status());
  }

  DurabilityResult result;
  result.durability = durability;
  for (int rep = 0; rep < repetitions; ++rep) {
    LoopResult empty_result;
    LoopResult report_result;
    // Alternate the order (ABBA...) so a trend in the machine's load biases neither RPC.
    if (rep % 2 == 0) {
      ASSIGN_OR_RETURN(empty_result, TimedLoop(empty, server, clients, duration));
      ASSIGN_OR_RETURN(report_result, run_reports(duration));
    } else {
      ASSIGN_OR_RETURN(report_result, run_reports(duration));
      ASSIGN_OR_RETURN(empty_result, TimedLoop(empty, server, clients, duration));
    }
    result.empty.Add(empty_result);
    result.report.Add(report_result);
    result.ratios.push_back(report_result.rate / empty_result.rate);
    Accumulate(result.batch, report_result.batch);
    Accumulate(result.commit, report_result.commit);
    std::printf("[%s] rep %d/%d  %s\n", durability.c_str(), rep + 1, repetitions,
                DescribeLoop("empty", empty_result).c_str());
    std::printf("[%s] rep %d/%d  %s\n", durability.c_str(), rep + 1, repetitions,
                DescribeLoop("report", report_result).c_str());
    std::printf("[%s] rep %d/%d  ratio report/empty %.3f\n", durability.c_str(), rep + 1,
                repetitions, result.ratios.back());
    std::fflush(stdout);
  }
  connections.clear();
  // A clean shutdown is part of the benchmark's contract: it must exit 0 after SIGTERM.
  RETURN_IF_ERROR(server.Terminate());
  return result;
}

std::string BatchDistribution(const Histogram& batch) {
  if (batch.count <= 0) return "no storage transactions observed (metrics endpoint off?)";
  std::vector<std::string> parts;
  const std::vector<double> counts = batch.PerBucketCounts();
  double lower = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double upper = batch.buckets[i].upper_bound;
    const std::string range =
        std::isinf(upper) ? absl::StrFormat(">%.0f", lower)
                          : (upper - lower <= 1 ? absl::StrFormat("%.0f", upper)
                                                : absl::StrFormat("%.0f-%.0f", lower + 1, upper));
    if (counts[i] > 0) {
      parts.push_back(absl::StrFormat("%s: %.1f%%", range, 100 * counts[i] / batch.count));
    }
    lower = upper;
  }
  return absl::StrCat("requests per transaction (share of transactions): ",
                      absl::StrJoin(parts, ", "));
}

void PrintSummary(const std::vector<DurabilityResult>& results,
                  const std::vector<double>& fdatasync_seconds) {
  std::printf(
      "\nMedians over %d repetitions of %.1f s, %d clients:\n\n"
      "| durability | empty RPC calls/s | ReportMeasurement calls/s | ratio (of medians) | "
      "median per-rep ratio | target >= 0.50 | empty p50 / p99 ms | report p50 / p99 ms | "
      "server CPU us/call empty / report | mean batch | mean commit ms |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|\n",
      absl::GetFlag(FLAGS_repetitions), absl::GetFlag(FLAGS_seconds), absl::GetFlag(FLAGS_clients));
  for (const DurabilityResult& r : results) {
    const double empty_rate = Median(r.empty.rate);
    const double report_rate = Median(r.report.rate);
    const double ratio = report_rate / empty_rate;
    std::printf(
        "| %s | %.0f | %.0f | %.3f | %.3f | %s | %.2f / %.2f | %.2f / %.2f | %.0f / %.0f | %.1f | "
        "%.2f |\n",
        r.durability.c_str(), empty_rate, report_rate, ratio, Median(r.ratios),
        Median(r.ratios) >= 0.5 ? "met" : "MISSED", Median(r.empty.p50_ms), Median(r.empty.p99_ms),
        Median(r.report.p50_ms), Median(r.report.p99_ms), Median(r.empty.server_us),
        Median(r.report.server_us), r.batch.Mean(), 1e3 * r.commit.Mean());
  }
  std::printf("\n");
  for (const DurabilityResult& r : results) {
    std::printf("[%s] %s\n", r.durability.c_str(), BatchDistribution(r.batch).c_str());
  }
  // Every acknowledged full-durability report waits for at least one fdatasync that started
  // after it arrived, so each client completes at most one report per fdatasync.
  const double p50 = Percentile(fdatasync_seconds, 0.5);
  std::printf(
      "\nDisk under %s: 4 KiB write + fdatasync p50 %.2f ms, p90 %.2f ms, p99 %.2f ms "
      "(%zu samples, before the runs).\nCeiling for --durability=full with %d closed-loop "
      "clients and one fdatasync per report: %d / p50 = %.0f reports/s.\n",
      WorkDir().c_str(), 1e3 * p50, 1e3 * Percentile(fdatasync_seconds, 0.9),
      1e3 * Percentile(fdatasync_seconds, 0.99), fdatasync_seconds.size(),
      absl::GetFlag(FLAGS_clients), absl::GetFlag(FLAGS_clients),
      p50 > 0 ? absl::GetFlag(FLAGS_clients) / p50 : 0.0);
}

absl::Status Run() {
  const std::string durability = absl::GetFlag(FLAGS_durability);
  std::vector<std::string> durabilities;
  if (durability == "both") {
    durabilities = {"full", "normal"};
  } else if (durability == "full" || durability == "normal") {
    durabilities = {durability};
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--durability: \"", durability, "\" is not full, normal or both"));
  }
  if (absl::GetFlag(FLAGS_clients) < 1 || absl::GetFlag(FLAGS_repetitions) < 1 ||
      !(absl::GetFlag(FLAGS_seconds) > 0) || !(absl::GetFlag(FLAGS_warmup_seconds) >= 0)) {
    return absl::InvalidArgumentError(
        "--clients, --repetitions and --seconds must be positive and --warmup_seconds not "
        "negative");
  }
  std::printf("bench_report_throughput: %d clients, %d x %.1f s per RPC, %ld cores, hyperd %s\n",
              absl::GetFlag(FLAGS_clients), absl::GetFlag(FLAGS_repetitions),
              absl::GetFlag(FLAGS_seconds), sysconf(_SC_NPROCESSORS_ONLN),
              absl::GetFlag(FLAGS_hyperd_binary).c_str());
  ASSIGN_OR_RETURN(std::vector<double> fdatasync_seconds,
                   MeasureFdatasync(WorkDir(), kFdatasyncSamples));
  std::vector<DurabilityResult> results;
  for (const std::string& d : durabilities) {
    ASSIGN_OR_RETURN(DurabilityResult result, RunDurability(d));
    results.push_back(std::move(result));
  }
  PrintSummary(results, fdatasync_seconds);
  return absl::OkStatus();
}

}  // namespace
}  // namespace hyperd::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "ReportMeasurement throughput vs an empty RPC against the real hyperd binary.\n"
      "Usage: bench_report_throughput [--durability=both|full|normal] [--clients=32] "
      "[--repetitions=5] [--seconds=3]");
  absl::ParseCommandLine(argc, argv);
  // Debian builds Abseil with mutex deadlock detection on, and gRPC's locks are absl::Mutex: the
  // cycle bookkeeping costs the load generator ~4% of its CPU, which it shares with hyperd.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const absl::Status status = hyperd::bench::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "bench_report_throughput: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
