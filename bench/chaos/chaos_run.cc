#include "bench/chaos/chaos_run.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/cpp/hyperd_client.h"
#include "common/status_macros.h"
#include "tests/testing/server_process.h"

namespace hyperd::chaos {
namespace {

using ::hyperd::testing::ServerProcess;
using ::hyperd::testing::ServerProcessOptions;

constexpr char kStudyId[] = "chaos";
constexpr char kStudyName[] = "studies/chaos";
constexpr char kMetric[] = "loss";
// How long a worker keeps retrying one call while the server is down: far more than a restart.
constexpr absl::Duration kRetryBudget = absl::Seconds(60);

// The value a worker reports: a pure function of (trial number, step), so a mix-up shows.
double LossAt(int64_t number, int64_t step) {
  return 1.0 / static_cast<double>(1 + step) + 1e-3 * static_cast<double>(number % 1000);
}

bool IsServerDown(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

bool IsLeaseExpiry(const v1::Trial& trial) {
  return trial.state() == v1::Trial::FAILED && absl::StrContains(trial.reason(), "lease");
}

ClientOptions MakeClientOptions(int port, std::function<void(const RetryEvent&)> on_retry) {
  ClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", port);
  options.deadline = absl::Seconds(10);
  options.max_attempts = 4;
  options.initial_backoff = absl::Milliseconds(20);
  options.max_backoff = absl::Milliseconds(200);
  options.on_retry = std::move(on_retry);
  return options;
}

v1::Study MakeStudy(const ChaosOptions& options) {
  v1::Study study;
  v1::StudySpec& spec = *study.mutable_spec();
  auto* lr = spec.mutable_search_space()->add_parameters();
  lr->set_name("lr");
  lr->mutable_double_spec()->set_min(1e-4);
  lr->mutable_double_spec()->set_max(1.0);
  lr->mutable_double_spec()->set_scale(v1::LOG);
  auto* width = spec.mutable_search_space()->add_parameters();
  width->set_name("width");
  width->mutable_integer_spec()->set_min(16);
  width->mutable_integer_spec()->set_max(1024);
  spec.mutable_objective()->set_metric(kMetric);
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  spec.mutable_sampler()->mutable_random();
  spec.set_seed(options.seed == 0 ? 1 : options.seed);
  const int64_t lease_ns = absl::ToInt64Nanoseconds(options.lease);
  study.mutable_limits()->mutable_lease_duration()->set_seconds(lease_ns / 1000000000);
  study.mutable_limits()->mutable_lease_duration()->set_nanos(
      static_cast<int32_t>(lease_ns % 1000000000));
  return study;
}

absl::Status CheckOptions(const ChaosOptions& options) {
  if (options.hyperd_binary.empty()) {
    return absl::InvalidArgumentError("hyperd_binary is empty: give the path of hyperd");
  }
  if (options.durability != "full" && options.durability != "normal") {
    return absl::InvalidArgumentError(absl::StrCat("durability is \"", options.durability,
                                                   "\": use \"full\" or \"normal\""));
  }
  if (options.workers < 1 || options.cycles < 0 || options.steps_per_trial < 1 ||
      options.abandon_every < 0) {
    return absl::InvalidArgumentError(
        "workers and steps_per_trial must be >= 1, cycles and abandon_every >= 0");
  }
  if (options.min_writes_between_kills < 1 ||
      options.max_writes_between_kills < options.min_writes_between_kills) {
    return absl::InvalidArgumentError(
        "writes between kills: need 1 <= min_writes_between_kills <= max_writes_between_kills");
  }
  if (options.lease < absl::Seconds(1) || options.reaper_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "lease must be >= 1s (the study's minimum) and reaper_interval positive");
  }
  return absl::OkStatus();
}

// One training job looping trial lifecycles until stopped. Its own Client, so the retry
// counter it installs counts this worker's retries only.
class Worker {
 public:
  Worker(int index, int port, const ChaosOptions& options, AckLedger* ledger,
         const std::atomic<bool>* stop)
      : index_(index), options_(options), ledger_(ledger), stop_(stop) {
    client_ = Client::Create(MakeClientOptions(port, [this](const RetryEvent&) { ++retries_; }));
    NewIdentity();
  }

  void Run() {
    if (!client_.ok()) {
      ledger_->RecordError(absl::StrCat("worker ", index_, ": ", client_.status().ToString()));
      return;
    }
    int trial_index = 0;
    while (!stop_->load()) {
      std::optional<v1::Trial> trial = Suggest();
      if (!trial) break;
      ++trial_index;
      const bool abandon =
          options_.abandon_every > 0 && trial_index % options_.abandon_every == 0;
      const Outcome outcome = RunTrial(*trial, abandon);
      if (outcome == Outcome::kError) break;
      if (outcome == Outcome::kStopped) {
        ledger_->RecordAbandoned();  // open when the run ended: the reaper must fail it
        break;
      }
      if (outcome != Outcome::kCompleted) NewIdentity();  // a "new job" takes over
    }
    ledger_->RecordRetries(retries_);
  }

 private:
  enum class Outcome { kCompleted, kAbandoned, kLeaseLost, kStopped, kError };

  void NewIdentity() { client_id_ = absl::StrCat("chaos-w", index_, "-g", generation_++); }

  void Fail(const std::string& error) {
    ledger_->RecordError(absl::StrCat(client_id_, ": ", error));
  }

  // Calls `call` again while the server is down, up to kRetryBudget or until the run stops.
  template <typename Call>
  auto UntilAnswered(Call call) -> decltype(call()) {
    const absl::Time give_up = absl::Now() + kRetryBudget;
    while (true) {
      auto result = call();
      if (result.ok() || !IsServerDown(result.status()) || stop_->load() ||
          absl::Now() > give_up) {
        return result;
      }
      ++retries_;
    }
  }

  std::optional<v1::Trial> Suggest() {
    v1::SuggestTrialsRequest request;
    request.set_parent(kStudyName);
    request.set_count(1);
    request.set_client_id(client_id_);
    auto reply = UntilAnswered([&] { return (*client_)->SuggestTrials(request); });
    if (!reply.ok()) {
      if (!stop_->load()) Fail(absl::StrCat("SuggestTrials failed: ", reply.status().ToString()));
      return std::nullopt;
    }
    if (reply->trials_size() != 1) {
      Fail(absl::StrCat("SuggestTrials returned ", reply->trials_size(),
                        " trials instead of 1: ", reply->ShortDebugString()));
      return std::nullopt;
    }
    const v1::Trial& trial = reply->trials(0);
    if (trial.client_id() != client_id_ || trial.state() != v1::Trial::ACTIVE) {
      Fail(absl::StrCat("SuggestTrials handed out a trial not ACTIVE for this client: ",
                        trial.ShortDebugString()));
      return std::nullopt;
    }
    if (ledger_->IsCompleted(trial.name())) {
      Fail(absl::StrCat("SuggestTrials handed back ", trial.name(),
                        " whose completion was acknowledged: the completion was lost"));
      return std::nullopt;
    }
    ledger_->RecordHandedOut(trial.name(), client_id_);
    return trial;
  }

  Outcome RunTrial(const v1::Trial& trial, bool abandon) {
    for (int step = 1; step <= options_.steps_per_trial; ++step) {
      if (stop_->load()) return Outcome::kStopped;
      v1::ReportMeasurementRequest request;
      request.set_name(trial.name());
      request.set_client_id(client_id_);
      request.mutable_measurement()->set_step(step);
      const double value = LossAt(trial.number(), step);
      (*request.mutable_measurement()->mutable_metrics())[kMetric] = value;
      auto reply = UntilAnswered([&] { return (*client_)->ReportMeasurement(request); });
      if (!reply.ok()) {
        if (stop_->load()) return Outcome::kStopped;
        return Unexpected(trial, absl::StrCat("ReportMeasurement step ", step), reply.status());
      }
      if (reply->should_stop()) {
        Fail(absl::StrCat("ReportMeasurement ", trial.name(),
                          " says should_stop under the fifo scheduler: ",
                          reply->ShortDebugString()));
        return Outcome::kError;
      }
      ledger_->RecordMeasurement(trial.name(), step, value, reply->duplicate());
      if (abandon) {
        ledger_->RecordAbandoned();
        return Outcome::kAbandoned;
      }
    }
    if (stop_->load()) return Outcome::kStopped;
    v1::CompleteTrialRequest request;
    request.set_name(trial.name());
    request.set_client_id(client_id_);
    const double value = LossAt(trial.number(), options_.steps_per_trial);
    request.mutable_final_measurement()->set_step(options_.steps_per_trial);
    (*request.mutable_final_measurement()->mutable_metrics())[kMetric] = value;
    const int64_t retries_before = retries_;
    auto reply = UntilAnswered([&] { return (*client_)->CompleteTrial(request); });
    const bool retried = retries_ > retries_before;
    if (reply.ok()) {
      if (!IsSucceededWith(*reply, value)) return Outcome::kError;
      ledger_->RecordCompletion(trial.name(), value, /*after_lost_reply=*/false);
      return Outcome::kCompleted;
    }
    if (stop_->load() && IsServerDown(reply.status())) return Outcome::kStopped;
    if (absl::IsFailedPrecondition(reply.status()) && retried) {
      // An earlier attempt may have committed before the kill: the trial is then finished
      // already. It counts as acknowledged only if it finished as this worker asked.
      auto current = GetTrial(trial.name());
      if (!current.ok()) return Outcome::kError;
      if (current->state() == v1::Trial::SUCCEEDED) {
        if (!IsSucceededWith(*current, value)) return Outcome::kError;
        ledger_->RecordCompletion(trial.name(), value, /*after_lost_reply=*/true);
        return Outcome::kCompleted;
      }
    }
    return Unexpected(trial, "CompleteTrial", reply.status());
  }

  // A non-retryable error on `trial`: a lease the reaper took (the worker was too slow; not a
  // server fault, counted), or an error.
  Outcome Unexpected(const v1::Trial& trial, const std::string& what,
                     const absl::Status& status) {
    if (absl::IsFailedPrecondition(status)) {
      auto current = GetTrial(trial.name());
      if (!current.ok()) return Outcome::kError;
      if (IsLeaseExpiry(*current)) {
        ledger_->RecordLeaseLost();
        return Outcome::kLeaseLost;
      }
    }
    Fail(absl::StrCat(what, " on ", trial.name(), " failed: ", status.ToString()));
    return Outcome::kError;
  }

  absl::StatusOr<v1::Trial> GetTrial(const std::string& name) {
    v1::GetTrialRequest request;
    request.set_name(name);
    auto trial = UntilAnswered([&] { return (*client_)->GetTrial(request); });
    if (!trial.ok()) Fail(absl::StrCat("GetTrial ", name, " failed: ", trial.status().ToString()));
    return trial;
  }

  bool IsSucceededWith(const v1::Trial& trial, double value) {
    if (trial.state() == v1::Trial::SUCCEEDED && trial.has_objective_value() &&
        trial.objective_value() == value) {
      return true;
    }
    Fail(absl::StrCat("expected ", trial.name(), " SUCCEEDED with objective ", value, ", got ",
                      trial.ShortDebugString()));
    return false;
  }

  const int index_;
  const ChaosOptions& options_;
  AckLedger* const ledger_;
  const std::atomic<bool>* const stop_;
  absl::StatusOr<std::unique_ptr<Client>> client_;
  std::string client_id_;
  int generation_ = 0;
  int64_t retries_ = 0;
};

// The servers of one run: the first listens on a free port, every restart on that port again.
class ServerChain {
 public:
  ServerChain(const ChaosOptions& options, std::string root)
      : options_(options), root_(std::move(root)), data_dir_(root_ + "/data") {}

  absl::Status Start() {
    ServerProcessOptions process;
    process.binary = options_.hyperd_binary;
    process.data_dir = data_dir_;
    process.temp_root = root_;
    process.extra_args = {absl::StrCat("--durability=", options_.durability),
                          absl::StrCat("--reaper-interval=",
                                       absl::FormatDuration(options_.reaper_interval))};
    if (port_ != 0) process.extra_args.push_back(absl::StrCat("--listen=127.0.0.1:", port_));
    servers_.push_back(std::make_unique<ServerProcess>(process));
    absl::Status started = current().Start();
    if (!started.ok()) {
      return absl::Status(started.code(), absl::StrCat("start ", servers_.size(), " of hyperd: ",
                                                       started.message()));
    }
    if (port_ == 0) port_ = current().grpc_port();
    if (current().grpc_port() != port_) {
      return absl::InternalError(absl::StrCat("the restarted hyperd listens on port ",
                                              current().grpc_port(), " instead of ", port_));
    }
    return absl::OkStatus();
  }

  ServerProcess& current() { return *servers_.back(); }
  int port() const { return port_; }
  std::string LogTail() const { return servers_.empty() ? "" : servers_.back()->LogTail(); }

 private:
  const ChaosOptions& options_;
  const std::string root_;
  const std::string data_dir_;
  int port_ = 0;
  std::vector<std::unique_ptr<ServerProcess>> servers_;  // dead ones keep their logs
};

absl::StatusOr<std::string> MakeTempRoot(const std::string& temp_root) {
  std::string parent = temp_root;
  if (parent.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    parent = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  std::string pattern = parent + "/hyperd-chaos-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a directory under ", parent,
                                            " (temp_root / $TMPDIR): ", std::strerror(errno)));
  }
  return pattern;
}

// Waits until no trial of the study is open, or until the open ones' leases plus a few reaper
// intervals have passed; returns how many are still open then (zombies). Polls: the reaper runs
// on its own clock and offers nothing to wait on.
absl::StatusOr<int64_t> WaitForReaper(Client& client, const ChaosOptions& options) {
  v1::ListTrialsRequest request;
  request.set_parent(kStudyName);
  request.add_states(v1::Trial::ACTIVE);
  request.add_states(v1::Trial::STOPPING);
  request.set_skip_measurements(true);
  std::optional<absl::Time> deadline;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<v1::Trial> open, client.ListAllTrials(request));
    if (open.empty()) return 0;
    if (!deadline) {
      absl::Time latest = absl::Now();
      for (const v1::Trial& trial : open) {
        latest = std::max(latest, absl::FromUnixSeconds(trial.lease_expire_time().seconds()) +
                                      absl::Nanoseconds(trial.lease_expire_time().nanos()));
      }
      deadline = latest + 5 * options.reaper_interval + absl::Seconds(2);
    }
    if (absl::Now() > *deadline) return static_cast<int64_t>(open.size());
    absl::SleepFor(options.reaper_interval / 2);
  }
}

std::string Mib(int64_t bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buffer;
}

}  // namespace

absl::StatusOr<int64_t> ReadRssBytes(int pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/status");
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, "VmRSS:")) continue;
    std::vector<std::string> words =
        absl::StrSplit(line.substr(6), absl::ByAnyChar(" \t"), absl::SkipEmpty());
    int64_t kib = 0;
    if (words.size() == 2 && words[1] == "kB" && absl::SimpleAtoi(words[0], &kib)) {
      return kib * 1024;
    }
    return absl::InternalError(absl::StrCat("unexpected VmRSS line in ", path, ": ", line));
  }
  return absl::NotFoundError(absl::StrCat(path, " has no VmRSS line"));
}

bool ChaosReport::Clean() const {
  return worker_errors.empty() && check.lost_trials == 0 && check.lost_measurements == 0 &&
         check.lost_completions == 0 && check.duplicate_trials == 0 && check.problems.empty() &&
         zombies == 0 && rss_bounded;
}

std::string ChaosReport::Summary() const {
  std::ostringstream out;
  out << "SIGKILL/restart cycles: " << cycles.size() << " in " << absl::FormatDuration(elapsed)
      << "\n";
  for (const CycleFigures& c : cycles) {
    out << "  cycle " << c.cycle << ": killed after " << c.writes_target
        << " writes since the last start (" << c.writes_total << " in all), RSS "
        << Mib(c.rss_bytes) << ", restarted in " << absl::FormatDuration(c.restart_time)
        << "\n";
  }
  out << "acknowledged: " << writes << " writes = " << trials_handed_out << " trials handed out + "
      << measurements_acknowledged << " measurements + " << completions_acknowledged
      << " completions (" << completions_after_lost_reply
      << " confirmed after a reply lost to a kill; " << duplicate_replies
      << " reports answered duplicate after a lost reply; " << retries << " calls retried)\n";
  out << "checked on the server (" << trials_on_server << " trials): " << check.trials_checked
      << " trials, " << check.measurements_checked << " measurements, "
      << check.completions_checked << " completions\n";
  out << "lost trials = " << check.lost_trials << ", lost measurements = "
      << check.lost_measurements << ", lost completions = " << check.lost_completions
      << ", duplicate trials = " << check.duplicate_trials << ", zombies = " << zombies << "\n";
  out << "abandoned trials = " << trials_abandoned << ", failed by the lease reaper = "
      << trials_reaped << ", leases lost by slow workers = " << leases_lost << "\n";
  out << "final RSS " << Mib(final_rss_bytes) << " (bound " << Mib(max_rss_bytes) << ", "
      << (rss_bounded ? "kept" : "EXCEEDED") << ")\n";
  for (const std::string& problem : check.problems) out << "PROBLEM: " << problem << "\n";
  for (const std::string& error : worker_errors) out << "WORKER ERROR: " << error << "\n";
  out << (Clean() ? "clean" : "NOT CLEAN") << "\n";
  return out.str();
}

absl::StatusOr<ChaosReport> RunChaos(const ChaosOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  const absl::Time started = absl::Now();
  ASSIGN_OR_RETURN(const std::string root, MakeTempRoot(options.temp_root));
  // Removes the data directory however the run ends (the servers are gone by then).
  struct RemoveRoot {
    std::string path;
    ~RemoveRoot() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remove_root{root};

  ChaosReport report;
  report.max_rss_bytes = options.max_rss_bytes;
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };

  ServerChain servers(options, root);
  RETURN_IF_ERROR(servers.Start());
  ASSIGN_OR_RETURN(std::unique_ptr<Client> control,
                   Client::Create(MakeClientOptions(servers.port(), nullptr)));
  v1::CreateStudyRequest create;
  create.set_study_id(kStudyId);
  *create.mutable_study() = MakeStudy(options);
  RETURN_IF_ERROR(control->CreateStudy(create).status());

  AckLedger ledger;
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  for (int i = 0; i < options.workers; ++i) {
    workers.push_back(std::make_unique<Worker>(i, servers.port(), options, &ledger, &stop));
  }
  for (auto& worker : workers) threads.emplace_back([w = worker.get()] { w->Run(); });
  auto stop_workers = [&] {
    stop.store(true);
    for (std::thread& thread : threads) {
      if (thread.joinable()) thread.join();
    }
  };

  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<int> writes_between(options.min_writes_between_kills,
                                                    options.max_writes_between_kills);
  absl::Status harness = absl::OkStatus();
  for (int cycle = 1; cycle <= options.cycles; ++cycle) {
    CycleFigures figures;
    figures.cycle = cycle;
    figures.writes_target = writes_between(rng);
    if (!ledger.WaitForWrites(ledger.writes() + figures.writes_target, options.cycle_timeout)) {
      harness = absl::DeadlineExceededError(absl::StrCat(
          "cycle ", cycle, ": the workers acknowledged fewer than ", figures.writes_target,
          " writes within ", absl::FormatDuration(options.cycle_timeout), "; server log:\n",
          servers.LogTail()));
      break;
    }
    if (!ledger.errors().empty()) break;
    figures.writes_total = ledger.writes();
    absl::StatusOr<int64_t> rss = ReadRssBytes(servers.current().pid());
    if (!rss.ok()) {
      harness = rss.status();
      break;
    }
    figures.rss_bytes = *rss;
    if (*rss > options.max_rss_bytes) report.rss_bounded = false;
    const absl::Time kill_time = absl::Now();
    harness = servers.current().Kill();
    if (harness.ok()) harness = servers.Start();
    if (!harness.ok()) break;
    figures.restart_time = absl::Now() - kill_time;
    report.cycles.push_back(figures);
    log(absl::StrCat("cycle ", cycle, "/", options.cycles, ": SIGKILL after ",
                     figures.writes_target, " writes (", figures.writes_total, " in all), RSS ",
                     Mib(figures.rss_bytes), ", back in ",
                     absl::FormatDuration(figures.restart_time)));
  }
  // Some work on the last restarted server before the workers stop.
  if (harness.ok() && ledger.errors().empty() &&
      !ledger.WaitForWrites(ledger.writes() + options.min_writes_between_kills,
                            options.cycle_timeout)) {
    harness = absl::DeadlineExceededError(absl::StrCat(
        "no progress after the last restart within ", absl::FormatDuration(options.cycle_timeout),
        "; server log:\n", servers.LogTail()));
  }
  stop_workers();
  RETURN_IF_ERROR(harness);

  ASSIGN_OR_RETURN(report.zombies, WaitForReaper(*control, options));
  ASSIGN_OR_RETURN(std::vector<v1::Trial> trials, control->ListAllTrials(kStudyName));
  report.trials_on_server = static_cast<int64_t>(trials.size());
  for (const v1::Trial& trial : trials) {
    if (IsLeaseExpiry(trial)) ++report.trials_reaped;
  }
  report.check = ledger.Check(trials, kMetric);
  ASSIGN_OR_RETURN(report.final_rss_bytes, ReadRssBytes(servers.current().pid()));
  if (report.final_rss_bytes > options.max_rss_bytes) report.rss_bounded = false;

  report.writes = ledger.writes();
  report.trials_handed_out = ledger.trials_handed_out();
  report.measurements_acknowledged = ledger.measurements();
  report.completions_acknowledged = ledger.completions();
  report.completions_after_lost_reply = ledger.completions_after_lost_reply();
  report.duplicate_replies = ledger.duplicate_replies();
  report.trials_abandoned = ledger.abandoned();
  report.leases_lost = ledger.leases_lost();
  report.retries = ledger.retries();
  report.worker_errors = ledger.errors();
  if (absl::Status stopped = servers.current().Terminate(); !stopped.ok()) {
    report.worker_errors.push_back(
        absl::StrCat("hyperd did not shut down cleanly at the end: ", stopped.ToString()));
  }
  report.elapsed = absl::Now() - started;
  return report;
}

}  // namespace hyperd::chaos
