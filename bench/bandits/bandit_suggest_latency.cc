// bench_bandit_suggest_latency: how long a bandit suggestion takes through the real hyperd
// (issue 5: under 200 us with 1,000 arms after 100,000 pulls), next to an empty RPC
// (GetServerInfo) timed in the same loop.
//
// Preparation (once): hyperd starts on a fresh data directory with --prepare_durability
// (default normal: the state is the same, it only gets there faster), and for each policy a
// study with one integer parameter arm = 0 ... --arms - 1 gets --pulls completed pulls through the
// API: SuggestTrials(count = 100) and a CompleteTrial per trial, from --prepare_threads workers.
// The loss of a pull is a Bernoulli draw whose mean depends on the arm; LinUCB (d = 3) gets the
// context [1, z1, z2], z ~ U[-1, 1]^2.
//
// Measurement (--repeats times per --durability): hyperd restarts on that data directory (it
// replays every reward, so each policy starts from its 100,000 pulls), and per policy
// --requests rounds of: GetServerInfo, SuggestTrials(count = 1), CompleteTrial of that trial
// (so the state stays at ~100k pulls), each timed on the client. /metrics is scraped before and
// after each policy's loop for the server-side view: hyperd_suggest_seconds{sampler=...} (the
// decision and the trial's reservation, without the commit), the SuggestTrials handler time
// (commit included) and the storage commit time. The fdatasync latency of the data directory's
// disk is measured too: at --durability=full every suggestion waits for one, since it commits a
// trial row before replying.
//
// Prints each run and a Markdown table of medians across repeats.
//
//   bench_bandit_suggest_latency                        # 4 policies x 100k pulls, 3 repeats
//   bench_bandit_suggest_latency --pulls=2000 --requests=100 --repeats=1   # the CTest smoke run
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "algorithms/samplers/random_bits.h"
#include "bench/bandits/labelled_histogram.h"
#include "bench/fsync_probe.h"
#include "tests/testing/http_fetch.h"
#include "bench/prometheus_text.h"
#include "bench/sample_stats.h"
#include "client/cpp/hyperd_client.h"
#include "common/status_macros.h"
#include "tests/testing/server_process.h"

#ifndef HYPERD_BINARY
#define HYPERD_BINARY "hyperd"
#endif

ABSL_FLAG(std::string, hyperd_binary, HYPERD_BINARY, "Path of the hyperd executable to start.");
ABSL_FLAG(std::string, policies, "ucb1,thompson,exp3,linucb",
          "Comma-separated bandit samplers: ucb1, thompson, exp3, tsallis_inf, linucb.");
ABSL_FLAG(int, arms, 1000, "Arms per study (one integer parameter 0 ... arms - 1).");
ABSL_FLAG(int64_t, pulls, 100000, "Completed pulls per study before the measurement.");
ABSL_FLAG(int, requests, 1000, "Timed SuggestTrials calls per policy and run.");
ABSL_FLAG(int, warmup, 50, "Untimed rounds per policy and run before the timed ones.");
ABSL_FLAG(int, repeats, 3, "Server restarts (runs) per durability.");
ABSL_FLAG(std::string, durability, "full,normal", "Durabilities measured, comma-separated.");
ABSL_FLAG(std::string, prepare_durability, "normal",
          "hyperd's --durability while the pulls are prepared (not measured).");
ABSL_FLAG(int, prepare_threads, 4, "Workers completing the preparation's pulls.");
ABSL_FLAG(std::string, work_dir, "",
          "Where the temporary data directory goes (decides the disk that fsyncs hit); default "
          "$TMPDIR or /tmp.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the studies and the simulated losses.");

namespace hyperd::bench {
namespace {

using ::hyperd::testing::ServerProcess;
using ::hyperd::testing::ServerProcessOptions;
using Clock = std::chrono::steady_clock;
namespace v1 = ::hyperd::v1;

constexpr int kContextDimension = 3;
constexpr int kPrepareBatch = 100;  // SuggestTrials' maximum count
// The first bucket bound of hyperd_suggest_seconds (server/metrics.cc): 100 us.
constexpr double kFastSuggestSeconds = 0.0001;

std::string WorkDir() {
  if (!absl::GetFlag(FLAGS_work_dir).empty()) return absl::GetFlag(FLAGS_work_dir);
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
}

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

std::string StudyId(const std::string& policy) { return absl::StrCat("latency-", policy); }
std::string StudyName(const std::string& policy) {
  return absl::StrCat("studies/", StudyId(policy));
}

absl::StatusOr<v1::CreateStudyRequest> StudyRequest(const std::string& policy) {
  v1::CreateStudyRequest request;
  request.set_study_id(StudyId(policy));
  v1::StudySpec* spec = request.mutable_study()->mutable_spec();
  v1::ParameterSpec* arm = spec->mutable_search_space()->add_parameters();
  arm->set_name("arm");
  arm->mutable_integer_spec()->set_min(0);
  arm->mutable_integer_spec()->set_max(absl::GetFlag(FLAGS_arms) - 1);
  spec->mutable_objective()->set_metric("loss");
  spec->mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  spec->set_seed(absl::GetFlag(FLAGS_seed));
  v1::SamplerSpec* sampler = spec->mutable_sampler();
  if (policy == "ucb1") {
    sampler->mutable_ucb1();
  } else if (policy == "thompson") {
    sampler->mutable_thompson();
  } else if (policy == "exp3") {
    sampler->mutable_exp3();
  } else if (policy == "tsallis_inf") {
    sampler->mutable_tsallis_inf();
  } else if (policy == "linucb") {
    sampler->mutable_linucb();
    spec->set_context_dimension(kContextDimension);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--policies: '", policy, "' is not one of ucb1, thompson, exp3, tsallis_inf, linucb"));
  }
  return request;
}

// The context of a suggestion: [1, z1, z2], z ~ U[-1, 1]^2 from `key`; none for non-contextual
// policies.
void AddContext(const std::string& policy, uint64_t key, v1::SuggestTrialsRequest& request) {
  if (policy != "linucb") return;
  const uint64_t seed = algorithms::MixSeed(absl::GetFlag(FLAGS_seed), key);
  request.add_context(1.0);
  request.add_context(2 * algorithms::UnitDoubleFromBits(algorithms::Mix64(seed)) - 1);
  request.add_context(2 * algorithms::UnitDoubleFromBits(algorithms::Mix64(seed + 1)) - 1);
}

// A Bernoulli loss whose mean, 0.2 ... 0.8, depends on the arm; the draw on the trial number.
double Loss(const v1::Trial& trial) {
  const int arms = absl::GetFlag(FLAGS_arms);
  const int64_t arm = trial.parameters(0).int_value();
  const double mean = 0.2 + 0.6 * static_cast<double>((arm * 7919) % arms) / arms;
  const uint64_t bits = algorithms::MixSeed(absl::GetFlag(FLAGS_seed) ^ 0x10551055,
                                            static_cast<uint64_t>(trial.number()));
  return algorithms::UnitDoubleFromBits(bits) < mean ? 1.0 : 0.0;
}

v1::CompleteTrialRequest Completion(const v1::Trial& trial, const std::string& client_id) {
  v1::CompleteTrialRequest request;
  request.set_name(trial.name());
  request.set_client_id(client_id);
  (*request.mutable_final_measurement()->mutable_metrics())["loss"] = Loss(trial);
  return request;
}

// One worker's share of the preparation: batches of SuggestTrials(count) + CompleteTrial each.
absl::Status PreparePulls(Client& client, const std::string& policy, int worker, int64_t pulls) {
  const std::string client_id = absl::StrCat("prepare-", worker);
  for (int64_t done = 0; done < pulls;) {
    v1::SuggestTrialsRequest suggest;
    suggest.set_parent(StudyName(policy));
    suggest.set_count(static_cast<int>(std::min<int64_t>(kPrepareBatch, pulls - done)));
    suggest.set_client_id(client_id);
    AddContext(policy, (static_cast<uint64_t>(worker) << 40) + done, suggest);
    ASSIGN_OR_RETURN(v1::SuggestTrialsResponse reply, client.SuggestTrials(suggest));
    if (reply.trials_size() != suggest.count()) {
      return absl::InternalError(absl::StrCat(policy, ": SuggestTrials(count=", suggest.count(),
                                              ") returned ", reply.trials_size(), " trials"));
    }
    for (const v1::Trial& trial : reply.trials()) {
      RETURN_IF_ERROR(client.CompleteTrial(Completion(trial, client_id)).status());
    }
    done += reply.trials_size();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ServerProcess>> StartServer(const std::string& data_dir,
                                                           const std::string& durability) {
  ServerProcessOptions options;
  options.binary = absl::GetFlag(FLAGS_hyperd_binary);
  options.data_dir = data_dir;
  options.temp_root = WorkDir();
  options.extra_args = {"--durability=" + durability, "--metrics-listen=127.0.0.1:0",
                        "--log-level=warning"};
  options.start_timeout = absl::Minutes(5);  // a restart replays every pull
  auto server = std::make_unique<ServerProcess>(options);
  if (absl::Status started = server->Start(); !started.ok()) {
    return absl::Status(started.code(),
                        absl::StrCat("starting hyperd (--hyperd_binary=", options.binary,
                                     "): ", started.message(), "\n", server->LogTail()));
  }
  return server;
}

absl::StatusOr<std::unique_ptr<Client>> Connect(const ServerProcess& server) {
  ClientOptions options;
  options.address = server.address();
  options.deadline = absl::Seconds(60);
  return Client::Create(options);
}

absl::Status Prepare(const std::string& data_dir, const std::vector<std::string>& policies) {
  ASSIGN_OR_RETURN(std::unique_ptr<ServerProcess> server,
                   StartServer(data_dir, absl::GetFlag(FLAGS_prepare_durability)));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Connect(*server));
  const int threads = std::max(1, absl::GetFlag(FLAGS_prepare_threads));
  const int64_t pulls = absl::GetFlag(FLAGS_pulls);
  for (const std::string& policy : policies) {
    ASSIGN_OR_RETURN(v1::CreateStudyRequest create, StudyRequest(policy));
    RETURN_IF_ERROR(client->CreateStudy(create).status());
    const Clock::time_point start = Clock::now();
    absl::Mutex mu;
    absl::Status first_error;
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
      const int64_t share = pulls / threads + (w < pulls % threads ? 1 : 0);
      workers.emplace_back([&, w, share] {
        absl::Status status = PreparePulls(*client, policy, w, share);
        absl::MutexLock lock(&mu);
        if (first_error.ok()) first_error = status;
      });
    }
    for (std::thread& worker : workers) worker.join();
    RETURN_IF_ERROR(first_error);
    std::printf("prepared %s: %lld pulls over %d arms in %.1f s (--durability=%s)\n",
                policy.c_str(), static_cast<long long>(pulls), absl::GetFlag(FLAGS_arms),
                std::chrono::duration<double>(Clock::now() - start).count(),
                absl::GetFlag(FLAGS_prepare_durability).c_str());
    std::fflush(stdout);
  }
  client.reset();  // close the connection first: hyperd's shutdown waits for open ones
  return server->Terminate();
}

// One policy's timed loop in one run.
struct RunResult {
  double suggest_us = 0;  // median SuggestTrials(count = 1), client-side
  double suggest_p90_us = 0;
  double empty_us = 0;                   // median GetServerInfo in the same loop
  double complete_us = 0;                // median CompleteTrial
  double server_suggest_mean_us = 0;     // hyperd_suggest_seconds: decision + reservation
  double server_suggest_fast_share = 0;  // share of them at or below 100 us
  double handler_mean_us = 0;            // SuggestTrials handler, commit included
  double commit_mean_us = 0;             // storage group commits during the loop
  int64_t rewards = 0;                   // rewards the policy had applied at the end
};

struct Scrape {
  Histogram suggest;
  Histogram handler;
  Histogram commit;
};

absl::StatusOr<Scrape> ReadMetrics(const ServerProcess& server, const std::string& policy) {
  ASSIGN_OR_RETURN(std::string text, hyperd::testing::HttpGet(server.metrics_port(), "/metrics"));
  ASSIGN_OR_RETURN(PrometheusSamples samples, ParsePrometheusText(text));
  Scrape scrape;
  scrape.suggest = LabelledHistogramFrom(samples, "hyperd_suggest_seconds", "sampler", policy);
  scrape.handler = LabelledHistogramFrom(samples, "grpc_server_handling_seconds", "grpc_method",
                                         "SuggestTrials");
  scrape.commit = HistogramFrom(samples, "hyperd_storage_commit_seconds");
  return scrape;
}

absl::StatusOr<RunResult> TimePolicy(Client& client, const ServerProcess& server,
                                     const std::string& policy, int run) {
  const std::string client_id = "latency-measure";
  const int requests = absl::GetFlag(FLAGS_requests);
  std::vector<double> suggest_us, empty_us, complete_us;
  Scrape before;
  const int warmup = absl::GetFlag(FLAGS_warmup);
  for (int i = 0; i < warmup + requests; ++i) {
    if (i == warmup) {
      ASSIGN_OR_RETURN(before, ReadMetrics(server, policy));
    }
    v1::SuggestTrialsRequest suggest;
    suggest.set_parent(StudyName(policy));
    suggest.set_count(1);
    suggest.set_client_id(client_id);
    AddContext(policy, (uint64_t{1} << 50) + static_cast<uint64_t>(run) * 1'000'000 + i, suggest);

    const Clock::time_point t0 = Clock::now();
    RETURN_IF_ERROR(client.GetServerInfo().status());
    const Clock::time_point t1 = Clock::now();
    ASSIGN_OR_RETURN(v1::SuggestTrialsResponse reply, client.SuggestTrials(suggest));
    const Clock::time_point t2 = Clock::now();
    if (reply.trials_size() != 1) {
      return absl::InternalError(
          absl::StrCat(policy, ": SuggestTrials returned ", reply.trials_size(), " trials"));
    }
    if (reply.trials(0).origin() != policy) {
      return absl::InternalError(absl::StrCat(policy, ": the trial came from '",
                                              reply.trials(0).origin(), "', not the bandit"));
    }
    RETURN_IF_ERROR(client.CompleteTrial(Completion(reply.trials(0), client_id)).status());
    const Clock::time_point t3 = Clock::now();
    if (i >= warmup) {
      empty_us.push_back(Micros(t1 - t0));
      suggest_us.push_back(Micros(t2 - t1));
      complete_us.push_back(Micros(t3 - t2));
    }
  }
  ASSIGN_OR_RETURN(Scrape after, ReadMetrics(server, policy));
  const Histogram suggest = after.suggest - before.suggest;
  const Histogram handler = after.handler - before.handler;
  const Histogram commit = after.commit - before.commit;
  if (suggest.count != requests) {
    return absl::InternalError(absl::StrCat(policy, ": hyperd_suggest_seconds counted ",
                                            suggest.count, " suggestions, expected ", requests));
  }
  RunResult r;
  std::sort(suggest_us.begin(), suggest_us.end());
  r.suggest_us = Median(suggest_us);
  r.suggest_p90_us = Percentile(suggest_us, 0.9);
  r.empty_us = Median(empty_us);
  r.complete_us = Median(complete_us);
  r.server_suggest_mean_us = 1e6 * suggest.Mean();
  r.server_suggest_fast_share = ShareAtOrBelow(suggest, kFastSuggestSeconds);
  r.handler_mean_us = 1e6 * handler.Mean();
  r.commit_mean_us = 1e6 * commit.Mean();
  v1::ListArmsRequest arms;
  arms.set_parent(StudyName(policy));
  arms.set_page_size(1);
  ASSIGN_OR_RETURN(v1::ListArmsResponse listed, client.ListArms(arms));
  r.rewards = listed.rewards_applied();
  return r;
}

std::string RunLine(const std::string& durability, const std::string& policy, int run,
                    const RunResult& r) {
  return absl::StrFormat(
      "[%s run %d] %-11s suggest RPC %6.0f us (p90 %6.0f)  empty RPC %4.0f us  server suggest "
      "mean %5.1f us (%3.0f %% <= 100 us)  handler mean %6.0f us  commit mean %6.0f us  "
      "complete RPC %6.0f us  rewards %d",
      durability, run + 1, policy, r.suggest_us, r.suggest_p90_us, r.empty_us,
      r.server_suggest_mean_us, 100 * r.server_suggest_fast_share, r.handler_mean_us,
      r.commit_mean_us, r.complete_us, r.rewards);
}

absl::Status Run() {
  std::vector<std::string> policies =
      absl::StrSplit(absl::GetFlag(FLAGS_policies), ',', absl::SkipEmpty());
  std::vector<std::string> durabilities =
      absl::StrSplit(absl::GetFlag(FLAGS_durability), ',', absl::SkipEmpty());
  if (policies.empty() || durabilities.empty() || absl::GetFlag(FLAGS_arms) < 2 ||
      absl::GetFlag(FLAGS_requests) < 1 || absl::GetFlag(FLAGS_repeats) < 1 ||
      absl::GetFlag(FLAGS_pulls) < 0) {
    return absl::InvalidArgumentError(
        "--policies and --durability must list at least one value, --arms >= 2, --requests >= "
        "1, --repeats >= 1 and --pulls >= 0");
  }
  for (const std::string& policy : policies) RETURN_IF_ERROR(StudyRequest(policy).status());

  std::string data_dir = absl::StrCat(WorkDir(), "/bandit-latency-XXXXXX");
  if (mkdtemp(data_dir.data()) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create a directory under ", WorkDir(), " (--work_dir)"));
  }
  struct RemoveDir {
    std::string path;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remove_data_dir{data_dir};

  std::printf(
      "## Bandit suggestion latency through hyperd (%d arms, %lld pulls per study, %d timed "
      "requests per policy and run, %d runs per durability)\n\n",
      absl::GetFlag(FLAGS_arms), static_cast<long long>(absl::GetFlag(FLAGS_pulls)),
      absl::GetFlag(FLAGS_requests), absl::GetFlag(FLAGS_repeats));
  RETURN_IF_ERROR(Prepare(data_dir, policies));

  // results[durability][policy] = one RunResult per run.
  std::map<std::string, std::map<std::string, std::vector<RunResult>>> results;
  std::map<std::string, std::vector<double>> restart_seconds;
  for (int run = 0; run < absl::GetFlag(FLAGS_repeats); ++run) {
    for (const std::string& durability : durabilities) {
      const Clock::time_point start = Clock::now();
      ASSIGN_OR_RETURN(std::unique_ptr<ServerProcess> server, StartServer(data_dir, durability));
      restart_seconds[durability].push_back(
          std::chrono::duration<double>(Clock::now() - start).count());
      ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Connect(*server));
      for (const std::string& policy : policies) {
        ASSIGN_OR_RETURN(RunResult r, TimePolicy(*client, *server, policy, run));
        std::printf("%s\n", RunLine(durability, policy, run, r).c_str());
        std::fflush(stdout);
        results[durability][policy].push_back(r);
      }
      client.reset();
      RETURN_IF_ERROR(server->Terminate());
    }
  }
  ASSIGN_OR_RETURN(std::vector<double> fsync_seconds, MeasureFdatasync(data_dir, 200));

  const auto median_of = [](const std::vector<RunResult>& runs, double RunResult::*field) {
    std::vector<double> values;
    for (const RunResult& r : runs) values.push_back(r.*field);
    return Median(values);
  };
  std::printf(
      "\n### Median over %d runs of each run's median, microseconds\n\n"
      "| durability | policy | SuggestTrials RPC | empty RPC | RPC - empty | server: suggest "
      "mean (share <= 100 us) | server: SuggestTrials handler mean | commit mean | CompleteTrial "
      "RPC |\n"
      "|---|---|---|---|---|---|---|---|---|\n",
      absl::GetFlag(FLAGS_repeats));
  for (const std::string& durability : durabilities) {
    for (const std::string& policy : policies) {
      const std::vector<RunResult>& runs = results[durability][policy];
      const double rpc = median_of(runs, &RunResult::suggest_us);
      const double empty = median_of(runs, &RunResult::empty_us);
      std::printf("| %s | %s | %.0f | %.0f | %.0f | %.1f (%.0f %%) | %.0f | %.0f | %.0f |\n",
                  durability.c_str(), policy.c_str(), rpc, empty, rpc - empty,
                  median_of(runs, &RunResult::server_suggest_mean_us),
                  100 * median_of(runs, &RunResult::server_suggest_fast_share),
                  median_of(runs, &RunResult::handler_mean_us),
                  median_of(runs, &RunResult::commit_mean_us),
                  median_of(runs, &RunResult::complete_us));
    }
  }
  std::printf(
      "\nServer: suggest = hyperd_suggest_seconds{sampler} (the decision and the trial's "
      "reservation, before the commit): exact mean, and the share in its first bucket (<= 100 "
      "us). Write + fdatasync of 4 KiB on the data directory's disk: median "
      "%.0f us, p90 %.0f us (%zu samples). Restart with every study's pulls replayed: %s.\n",
      1e6 * Median(fsync_seconds), 1e6 * Percentile(fsync_seconds, 0.9), fsync_seconds.size(),
      [&] {
        std::string text;
        for (const auto& [durability, seconds] : restart_seconds) {
          absl::StrAppendFormat(&text, "%s%s median %.2f s", text.empty() ? "" : ", ", durability,
                                Median(seconds));
        }
        return text;
      }()
          .c_str());
  return absl::OkStatus();
}

}  // namespace
}  // namespace hyperd::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Bandit SuggestTrials latency through the real hyperd with 1,000 arms after 100,000 "
      "pulls, next to an empty RPC.");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = hyperd::bench::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "bench_bandit_suggest_latency: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
