#include "bench/closed_loop.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace hyperd::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The start line and the finish line shared by the workers and the coordinating thread.
class Race {
 public:
  explicit Race(int workers) : workers_(workers) {}

  // Worker side: report prepared, wait for the start (false: the run was aborted).
  bool ArriveAndWaitForStart() {
    absl::MutexLock lock(&mu_);
    ++prepared_;
    mu_.Await(absl::Condition(
        +[](Race* race)
             ABSL_EXCLUSIVE_LOCKS_REQUIRED(race->mu_) { return race->started_ || race->aborted_; },
        this));
    return started_ && !aborted_;
  }
  void Finish() {
    absl::MutexLock lock(&mu_);
    ++finished_;
  }
  // Records the first error and stops everyone.
  void Abort(absl::Status status) {
    absl::MutexLock lock(&mu_);
    if (first_error_.ok()) first_error_ = std::move(status);
    aborted_ = true;
    stop_.store(true, std::memory_order_relaxed);
  }

  // Coordinator side.
  void WaitUntilAllPrepared() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Race* race)
             ABSL_EXCLUSIVE_LOCKS_REQUIRED(race->mu_) { return race->prepared_ == race->workers_; },
        this));
  }
  // Returns the start time; `deadline` is published to the workers with the start.
  SteadyClock::time_point Start(SteadyClock::duration duration) {
    absl::MutexLock lock(&mu_);
    const SteadyClock::time_point now = SteadyClock::now();
    deadline_ = now + duration;
    started_ = true;
    return now;
  }
  void WaitUntilAllFinished() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Race* race)
             ABSL_EXCLUSIVE_LOCKS_REQUIRED(race->mu_) { return race->finished_ == race->workers_; },
        this));
  }

  // Read by workers after the start only (the mutex publishes it).
  SteadyClock::time_point deadline() const { return deadline_; }
  bool stopped() const { return stop_.load(std::memory_order_relaxed); }
  absl::Status first_error() {
    absl::MutexLock lock(&mu_);
    return first_error_;
  }

 private:
  const int workers_;
  absl::Mutex mu_;
  int prepared_ ABSL_GUARDED_BY(mu_) = 0;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool aborted_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
  SteadyClock::time_point deadline_;
  std::atomic<bool> stop_{false};
};

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

// One worker thread: prepare, wait for the start, call until the deadline or an abort.
void RunWorker(Workload& workload, int worker, Race& race, std::vector<double>& latencies) {
  if (absl::Status status = workload.Prepare(worker); !status.ok()) {
    race.Abort(Annotate(status, absl::StrCat("worker ", worker, " set-up")));
  }
  if (race.ArriveAndWaitForStart()) {
    const SteadyClock::time_point deadline = race.deadline();
    for (SteadyClock::time_point now = SteadyClock::now(); now < deadline && !race.stopped();) {
      const absl::Status status = workload.Call(worker);
      const SteadyClock::time_point done = SteadyClock::now();
      if (!status.ok()) {
        race.Abort(Annotate(status, absl::StrCat("worker ", worker, " call")));
        break;
      }
      latencies.push_back(std::chrono::duration<double>(done - now).count());
      now = done;
    }
  }
  race.Finish();
}

}  // namespace

double ClosedLoopResult::Rate() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(ok_calls) / seconds : 0;
}

absl::StatusOr<ClosedLoopResult> RunClosedLoop(Workload& workload,
                                               const ClosedLoopOptions& options) {
  if (options.workers < 1 || options.duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("closed loop: workers (", options.workers, ") and duration (",
                     absl::FormatDuration(options.duration), ") must be positive"));
  }
  Race race(options.workers);
  std::vector<std::vector<double>> latencies(options.workers);
  std::vector<std::thread> threads;
  threads.reserve(options.workers);
  for (int worker = 0; worker < options.workers; ++worker) {
    threads.emplace_back(RunWorker, std::ref(workload), worker, std::ref(race),
                         std::ref(latencies[worker]));
  }
  race.WaitUntilAllPrepared();
  if (options.before_start) {
    if (absl::Status status = options.before_start(); !status.ok()) race.Abort(status);
  }
  const SteadyClock::time_point start =
      race.Start(std::chrono::duration_cast<SteadyClock::duration>(
          absl::ToChronoNanoseconds(options.duration)));
  race.WaitUntilAllFinished();
  const SteadyClock::time_point end = SteadyClock::now();
  if (options.after_stop && race.first_error().ok()) {
    if (absl::Status status = options.after_stop(); !status.ok()) race.Abort(status);
  }
  for (std::thread& thread : threads) thread.join();
  if (absl::Status status = race.first_error(); !status.ok()) return status;

  ClosedLoopResult result;
  result.elapsed = absl::FromChrono(end - start);
  for (const std::vector<double>& worker_latencies : latencies) {
    result.latency_seconds.insert(result.latency_seconds.end(), worker_latencies.begin(),
                                  worker_latencies.end());
  }
  std::sort(result.latency_seconds.begin(), result.latency_seconds.end());
  result.ok_calls = static_cast<int64_t>(result.latency_seconds.size());
  return result;
}

}  // namespace hyperd::bench
