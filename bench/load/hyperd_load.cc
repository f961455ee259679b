// hyperd_load: sustained load of full trial lifecycles against hyperd, with the empty-RPC
// baseline measured side by side in the same run (bench/load/lifecycle_load.h).
//
// --workers workers (one hyperd::Client and HTTP/2 connection each, like that many training jobs)
// loop SuggestTrials -> --steps x ReportMeasurement -> CompleteTrial on one study for --duration
// in all, split into --repetitions windows; next to each window, the same workers call
// GetServerInfo back to back for --empty_duration. The order of the two loops alternates between
// repetitions so drift on a noisy machine hits both alike. It prints every repetition and a
// Markdown table of medians across repetitions. Any failed call aborts with exit status 1.
//
//   hyperd_load --server=127.0.0.1:50051 --workers=64 --duration=300s --study-sampler=random
//   hyperd_load --durability=full --workers=64 --duration=300s   # starts its own hyperd
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/load/lifecycle_load.h"
#include "bench/sample_stats.h"
#include "client/cpp/hyperd_client.h"
#include "common/status_macros.h"
#include "tests/testing/server_process.h"

#ifndef HYPERD_BINARY
#define HYPERD_BINARY "hyperd"
#endif

ABSL_FLAG(std::string, server, "",
          "Address of a running hyperd (host:port). Empty: start --hyperd_binary on a free port "
          "in a temporary data directory.");
ABSL_FLAG(std::string, hyperd_binary, HYPERD_BINARY, "hyperd to start when --server is empty.");
ABSL_FLAG(std::string, durability, "full", "--durability of the started hyperd: full or normal.");
ABSL_FLAG(std::string, work_dir, "",
          "Parent of the started hyperd's data directory; default $TMPDIR or /tmp.");
ABSL_FLAG(int, workers, 64, "Concurrent workers, each looping trial lifecycles.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(300),
          "Total time of the lifecycle loops, split evenly into --repetitions windows.");
ABSL_FLAG(int, repetitions, 5, "Lifecycle windows, each next to an empty-RPC window.");
ABSL_FLAG(absl::Duration, empty_duration, absl::Seconds(10), "Length of each empty-RPC window.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(5),
          "Untimed lifecycle loop first (connections, SQLite cache); 0 skips it.");
ABSL_FLAG(int, steps, 10, "ReportMeasurement calls per trial.");
ABSL_FLAG(std::string, study_sampler, "random", "The study's sampler: random, sobol, tpe or gp.");
ABSL_FLAG(std::string, study_id, "",
          "Prefix of the studies created, one per repetition (suffix -N); default "
          "\"load-<sampler>-<time>\".");

namespace hyperd::load {
namespace {

using ::hyperd::bench::Median;
using ::hyperd::bench::Percentile;

// Accept --study-sampler as well as --study_sampler, like hyperd does.
void NormalizeFlagDashes(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (arg[0] != '-' || arg[1] != '-') continue;
    for (char* c = arg + 2; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') *c = '_';
    }
  }
}

absl::StatusOr<v1::Study> MakeStudy(const std::string& sampler) {
  v1::Study study;
  v1::StudySpec& spec = *study.mutable_spec();
  auto* lr = spec.mutable_search_space()->add_parameters();
  lr->set_name("lr");
  lr->mutable_double_spec()->set_min(1e-5);
  lr->mutable_double_spec()->set_max(1.0);
  lr->mutable_double_spec()->set_scale(v1::LOG);
  auto* dropout = spec.mutable_search_space()->add_parameters();
  dropout->set_name("dropout");
  dropout->mutable_double_spec()->set_min(0.0);
  dropout->mutable_double_spec()->set_max(0.5);
  auto* layers = spec.mutable_search_space()->add_parameters();
  layers->set_name("layers");
  layers->mutable_integer_spec()->set_min(1);
  layers->mutable_integer_spec()->set_max(8);
  spec.mutable_objective()->set_metric("loss");
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  spec.set_seed(1);
  if (sampler == "random") {
    spec.mutable_sampler()->mutable_random();
  } else if (sampler == "sobol") {
    spec.mutable_sampler()->mutable_sobol();
  } else if (sampler == "tpe") {
    spec.mutable_sampler()->mutable_tpe();
  } else if (sampler == "gp") {
    spec.mutable_sampler()->mutable_gp();
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--study-sampler is \"", sampler, "\": use random, sobol, tpe or gp"));
  }
  return study;
}

void PrintPhase(const char* label, const LoadPhase& phase) {
  std::printf("  %-10s %8.1f trials/s %9.1f RPC/s  (%lld trials, %lld calls in %.1f s)\n", label,
              phase.TrialsPerSecond(), phase.CallsPerSecond(),
              static_cast<long long>(phase.trials), static_cast<long long>(phase.calls),
              absl::ToDoubleSeconds(phase.elapsed));
  for (int k = 0; k < kRpcKinds; ++k) {
    const std::vector<double>& samples = phase.latency_seconds[k];
    if (samples.empty()) continue;
    std::printf("    %-18s n=%-8zu p50 %8.2f ms  p99 %8.2f ms\n", RpcName(static_cast<Rpc>(k)),
                samples.size(), 1e3 * Percentile(samples, 0.5), 1e3 * Percentile(samples, 0.99));
  }
  std::fflush(stdout);  // progress shows while a long run goes on, also when piped
}

absl::Status Run() {
  const int workers = absl::GetFlag(FLAGS_workers);
  const int repetitions = absl::GetFlag(FLAGS_repetitions);
  if (repetitions < 1) return absl::InvalidArgumentError("--repetitions must be >= 1");
  const std::string sampler = absl::GetFlag(FLAGS_study_sampler);
  ASSIGN_OR_RETURN(v1::Study study, MakeStudy(sampler));

  std::unique_ptr<testing::ServerProcess> server;
  std::string address = absl::GetFlag(FLAGS_server);
  if (address.empty()) {
    testing::ServerProcessOptions options;
    options.binary = absl::GetFlag(FLAGS_hyperd_binary);
    options.temp_root = absl::GetFlag(FLAGS_work_dir);
    options.extra_args = {absl::StrCat("--durability=", absl::GetFlag(FLAGS_durability))};
    server = std::make_unique<testing::ServerProcess>(options);
    RETURN_IF_ERROR(server->Start());
    address = server->address();
  }
  ASSIGN_OR_RETURN(WorkerClients clients, ConnectWorkers(address, workers));
  ASSIGN_OR_RETURN(v1::ServerInfo info, clients[0]->GetServerInfo());

  // Each repetition (and the warm-up) gets a study of its own, as a team starting a new sweep
  // would: one study would reach the server's --max-trials-per-study within a 5-minute run.
  std::string study_prefix = absl::GetFlag(FLAGS_study_id);
  if (study_prefix.empty()) {
    study_prefix = absl::StrCat("load-", sampler, "-", absl::ToUnixMillis(absl::Now()));
  }
  int studies_created = 0;
  auto new_study = [&]() -> absl::StatusOr<std::string> {
    v1::CreateStudyRequest create;
    create.set_study_id(absl::StrCat(study_prefix, "-", studies_created++));
    *create.mutable_study() = study;
    ASSIGN_OR_RETURN(v1::Study created, clients[0]->CreateStudy(create));
    return created.name();
  };

  LifecycleOptions lifecycle;
  ASSIGN_OR_RETURN(lifecycle.study, new_study());
  lifecycle.steps = absl::GetFlag(FLAGS_steps);
  lifecycle.client_id_prefix = absl::StrCat("load-", absl::ToUnixMillis(absl::Now()));
  const absl::Duration window = absl::GetFlag(FLAGS_duration) / repetitions;
  const absl::Duration empty_window = absl::GetFlag(FLAGS_empty_duration);
  std::printf("hyperd_load: %s (hyperd %s, durability=%s), %d workers, sampler %s, %d steps per "
              "trial, %d x (%s lifecycles + %s GetServerInfo)\n",
              address.c_str(), info.version().c_str(), info.durability().c_str(), workers,
              sampler.c_str(), lifecycle.steps, repetitions,
              absl::FormatDuration(window).c_str(), absl::FormatDuration(empty_window).c_str());

  if (absl::GetFlag(FLAGS_warmup) > absl::ZeroDuration()) {
    lifecycle.duration = absl::GetFlag(FLAGS_warmup);
    RETURN_IF_ERROR(RunLifecycles(clients, lifecycle).status());
  }
  lifecycle.duration = window;
  // Per repetition: trials/s, RPC/s, p50 and p99 of each lifecycle RPC, empty RPC/s, p50, p99.
  std::vector<double> trial_rate, call_rate, empty_rate, empty_p50, empty_p99;
  std::vector<std::vector<double>> p50(kRpcKinds), p99(kRpcKinds);
  for (int rep = 0; rep < repetitions; ++rep) {
    std::printf("repetition %d/%d\n", rep + 1, repetitions);
    ASSIGN_OR_RETURN(lifecycle.study, new_study());
    LoadPhase load, empty;
    for (int half = 0; half < 2; ++half) {
      if ((half + rep) % 2 == 0) {
        ASSIGN_OR_RETURN(load, RunLifecycles(clients, lifecycle));
        PrintPhase("lifecycle", load);
      } else {
        ASSIGN_OR_RETURN(empty, RunEmptyRpcs(clients, empty_window));
        PrintPhase("empty", empty);
      }
    }
    trial_rate.push_back(load.TrialsPerSecond());
    call_rate.push_back(load.CallsPerSecond());
    empty_rate.push_back(empty.CallsPerSecond());
    for (int k = 0; k < kRpcKinds; ++k) {
      const std::vector<double>& samples =
          k == static_cast<int>(Rpc::kGetServerInfo) ? empty.latency_seconds[k]
                                                     : load.latency_seconds[k];
      p50[k].push_back(Percentile(samples, 0.5));
      p99[k].push_back(Percentile(samples, 0.99));
    }
  }

  std::printf("\nMedians over %d repetitions (%d workers, durability=%s, sampler %s, %d steps):\n\n",
              repetitions, workers, info.durability().c_str(), sampler.c_str(), lifecycle.steps);
  std::printf("| figure | median |\n|---|---:|\n");
  std::printf("| lifecycles (trials/s) | %.1f |\n", Median(trial_rate));
  std::printf("| lifecycle RPCs (calls/s) | %.0f |\n", Median(call_rate));
  std::printf("| GetServerInfo alone (calls/s) | %.0f |\n", Median(empty_rate));
  for (int k = 0; k < kRpcKinds; ++k) {
    std::printf("| %s p50 / p99 (ms) | %.2f / %.2f |\n", RpcName(static_cast<Rpc>(k)),
                1e3 * Median(p50[k]), 1e3 * Median(p99[k]));
  }
  if (server) RETURN_IF_ERROR(server->Terminate());
  return absl::OkStatus();
}

}  // namespace
}  // namespace hyperd::load

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Load of full trial lifecycles against hyperd, next to an empty RPC; flags may be written "
      "with dashes or underscores. See docs/benchmarks.md \"Load: 64 workers\".");
  hyperd::load::NormalizeFlagDashes(argc, argv);
  absl::ParseCommandLine(argc, argv);
  absl::Status status = hyperd::load::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "hyperd_load: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
