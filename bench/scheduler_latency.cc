// bench_scheduler_latency: how long one early-stopping decision takes, in process, for each
// scheduler (median, successive_halving, hyperband, and fifo as the timer's floor), with a study
// of --trials trials of up to --steps steps each.
//
// Each scheduler gets its own simulated study: --concurrent trials are open at once and report
// in round robin, one measurement per call, like workers training in parallel. A trial reports
// steps 1, 2, ... of a noisy learning curve (its own asymptote, speed and noise, seeded) until
// the scheduler says stop or it reaches --steps; then it ends (OnTrialEnd) and the next trial
// takes its slot, with its bracket from AssignBracket. Only Scheduler::OnMeasurement is timed
// (steady_clock around the call). The simulations advance side by side, one call each in turn,
// so load from other processes hits all schedulers alike.
//
// With --honor_stops=false a stopped trial keeps reporting to its last step, so every study holds
// trials x steps measurements (the literal "10,000 trials with 100 steps each").
//
// It prints, per scheduler, the decisions made, how many trials were stopped, and the median, p99
// and maximum latency over all decisions and over those made once at least 90% of the trials
// had started (the rung tables and per-step statistics at their largest).
//
//   bench_scheduler_latency                                   # 10,000 trials x 100 steps
//   bench_scheduler_latency --trials=500 --max_p99_us=100     # the CTest smoke run
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "algorithms/registry.h"
#include "algorithms/schedulers/scheduler.h"
#include "bench/sample_stats.h"

ABSL_FLAG(int64_t, trials, 10000, "Trials each simulated study runs.");
ABSL_FLAG(int64_t, steps, 100, "Steps a trial reports unless stopped (the max_resource).");
ABSL_FLAG(int, concurrent, 100, "Trials open at once, reporting in round robin.");
ABSL_FLAG(int64_t, min_resource, 1, "First rung of successive_halving and hyperband.");
ABSL_FLAG(int, reduction_factor, 3, "eta of successive_halving and hyperband.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the learning curves and of Hyperband's brackets.");
ABSL_FLAG(bool, honor_stops, true,
          "End a trial when the scheduler says stop. With false every trial reports all --steps "
          "steps (a stop is final and repeated, the trial keeps reporting), so the study holds "
          "trials x steps measurements: the worst case for the schedulers' tables.");
ABSL_FLAG(double, max_p99_us, 0.0,
          "If > 0, exit 1 when a scheduler's p99 decision latency (all decisions) exceeds it.");

namespace hyperd::bench {
namespace {

namespace alg = ::hyperd::algorithms;
using Clock = std::chrono::steady_clock;

struct Workload {
  int64_t trials = 0;
  int64_t steps = 0;
  int concurrent = 0;
  uint64_t seed = 0;
  bool honor_stops = true;
};

// One open trial: its number, bracket, steps reported and learning curve.
struct Slot {
  bool open = false;
  bool stopped = false;
  int64_t number = 0;
  int bracket = 0;
  int64_t step = 0;
  double asymptote = 0;
  double tau = 0;
  double noise = 0;
  double ar = 0;  // AR(1) state of the validation noise
};

// A study driven through one scheduler; Step() makes one timed decision.
class Simulation {
 public:
  Simulation(std::string label, std::unique_ptr<alg::Scheduler> scheduler, const Workload& workload)
      : label_(std::move(label)),
        scheduler_(std::move(scheduler)),
        workload_(workload),
        rng_(workload.seed),
        slots_(workload.concurrent) {
    latencies_us_.reserve(static_cast<size_t>(workload.trials * workload.steps / 4));
  }

  const std::string& label() const { return label_; }
  bool Done() const { return next_trial_ >= workload_.trials && open_ == 0; }

  void Step() {
    // The next slot in round robin that has, or can get, an open trial.
    Slot* slot = nullptr;
    for (int tries = 0; tries < workload_.concurrent; ++tries) {
      Slot& candidate = slots_[cursor_];
      cursor_ = (cursor_ + 1) % workload_.concurrent;
      if (!candidate.open && next_trial_ < workload_.trials) Start(candidate);
      if (candidate.open) {
        slot = &candidate;
        break;
      }
    }
    if (slot == nullptr) return;
    ++slot->step;
    const double value = Value(*slot);
    const bool late = next_trial_ >= workload_.trials * 9 / 10;

    const Clock::time_point start = Clock::now();
    const alg::SchedulerDecision decision =
        scheduler_->OnMeasurement(slot->number, slot->bracket, slot->step, value);
    const Clock::time_point end = Clock::now();

    const double us = std::chrono::duration<double, std::micro>(end - start).count();
    latencies_us_.push_back(us);
    if (late) late_latencies_us_.push_back(us);
    if (decision.stop && !slot->stopped) {
      ++stops_;
      slot->stopped = true;
    }
    if (slot->stopped && workload_.honor_stops) {
      End(*slot, alg::TrialEnd::kPruned);
    } else if (slot->step >= workload_.steps) {
      End(*slot, slot->stopped ? alg::TrialEnd::kPruned : alg::TrialEnd::kSucceeded);
    }
  }

  void Print() const {
    std::vector<double> all = latencies_us_;
    std::vector<double> late = late_latencies_us_;
    std::sort(all.begin(), all.end());
    std::sort(late.begin(), late.end());
    absl::PrintF("| %-18s | %9d | %7d | %8.2f | %8.2f | %8.1f | %12.2f | %12.2f |\n", label_,
                 static_cast<int64_t>(all.size()), stops_, Median(all), Percentile(all, 0.99),
                 all.empty() ? 0.0 : all.back(), Median(late), Percentile(late, 0.99));
  }

  double P99() const {
    std::vector<double> all = latencies_us_;
    std::sort(all.begin(), all.end());
    return Percentile(all, 0.99);
  }

 private:
  void Start(Slot& slot) {
    slot.open = true;
    slot.number = next_trial_++;
    slot.bracket = scheduler_->AssignBracket(slot.number);
    slot.step = 0;
    slot.stopped = false;
    // Log-loss-like curves: asymptotes 0.05-1.0, speeds 0.5-50 steps, 2-6% noise.
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    slot.asymptote = 0.05 * std::pow(20.0, unit(rng_));
    slot.tau = 0.5 * std::pow(100.0, unit(rng_));
    slot.noise = 0.02 + 0.04 * unit(rng_);
    slot.ar = 0.0;
    ++open_;
  }

  void End(Slot& slot, alg::TrialEnd end) {
    scheduler_->OnTrialEnd(slot.number, end);
    slot.open = false;
    --open_;
  }

  double Value(Slot& slot) {
    std::normal_distribution<double> normal(0.0, 1.0);
    slot.ar = 0.6 * slot.ar + 0.8 * normal(rng_);
    const double t = static_cast<double>(slot.step);
    const double mean = slot.asymptote + (2.3 - slot.asymptote) / (1.0 + t / slot.tau);
    return mean * std::exp(slot.noise * slot.ar);
  }

  std::string label_;
  std::unique_ptr<alg::Scheduler> scheduler_;
  Workload workload_;
  std::mt19937_64 rng_;
  std::vector<Slot> slots_;
  int cursor_ = 0;
  int64_t next_trial_ = 0;
  int open_ = 0;
  int64_t stops_ = 0;
  std::vector<double> latencies_us_;
  std::vector<double> late_latencies_us_;
};

int Run() {
  Workload workload;
  workload.trials = absl::GetFlag(FLAGS_trials);
  workload.steps = absl::GetFlag(FLAGS_steps);
  workload.concurrent = absl::GetFlag(FLAGS_concurrent);
  workload.seed = absl::GetFlag(FLAGS_seed);
  workload.honor_stops = absl::GetFlag(FLAGS_honor_stops);
  if (workload.trials < 1 || workload.steps < 1 || workload.concurrent < 1) {
    absl::FPrintF(stderr, "--trials, --steps and --concurrent must be >= 1\n");
    return 2;
  }
  const int64_t min_resource = absl::GetFlag(FLAGS_min_resource);
  const int eta = absl::GetFlag(FLAGS_reduction_factor);

  alg::SuccessiveHalvingConfig sh;
  sh.min_resource = min_resource;
  sh.max_resource = workload.steps;
  sh.reduction_factor = eta;
  alg::HyperbandConfig hb;
  hb.min_resource = min_resource;
  hb.max_resource = workload.steps;
  hb.reduction_factor = eta;
  hb.bracket_seed = workload.seed;
  const std::vector<std::pair<std::string, alg::SchedulerConfig>> configs = {
      {"fifo (timer floor)", alg::FifoSchedulerConfig{}},
      {"median", alg::MedianStoppingConfig{}},
      {"successive_halving", sh},
      {"hyperband", hb},
  };
  std::vector<Simulation> simulations;
  for (const auto& [label, config] : configs) {
    auto scheduler = alg::MakeScheduler(config);
    if (!scheduler.ok()) {
      absl::FPrintF(stderr, "MakeScheduler(%s): %s\n", label, scheduler.status().ToString());
      return 1;
    }
    simulations.emplace_back(label, *std::move(scheduler), workload);
  }

  const Clock::time_point started = Clock::now();
  bool any_running = true;
  while (any_running) {
    any_running = false;
    for (Simulation& simulation : simulations) {
      if (simulation.Done()) continue;
      simulation.Step();
      any_running = true;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  absl::PrintF(
      "Scheduler decision latency (Scheduler::OnMeasurement, in process): %d trials x up to %d "
      "steps, %d open at once, r=%d eta=%d, seed %d, %s; %.2f s\n\n",
      workload.trials, workload.steps, workload.concurrent, min_resource, eta, workload.seed,
      workload.honor_stops ? "stopped trials end" : "stopped trials keep reporting", seconds);
  absl::PrintF(
      "| scheduler          | decisions |   stops | p50 (us) | p99 (us) | max (us) | "
      "p50 last 10%% | p99 last 10%% |\n");
  absl::PrintF(
      "|--------------------|-----------|---------|----------|----------|----------|"
      "--------------|--------------|\n");
  for (const Simulation& simulation : simulations) simulation.Print();

  const double max_p99 = absl::GetFlag(FLAGS_max_p99_us);
  int code = 0;
  if (max_p99 > 0) {
    for (const Simulation& simulation : simulations) {
      if (simulation.P99() > max_p99) {
        absl::FPrintF(stderr, "%s: p99 %.2f us exceeds --max_p99_us=%.2f\n", simulation.label(),
                      simulation.P99(), max_p99);
        code = 1;
      }
    }
  }
  return code;
}

}  // namespace
}  // namespace hyperd::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Times Scheduler::OnMeasurement for median, successive_halving and hyperband side by side "
      "(see the header of bench/scheduler_latency.cc).");
  absl::ParseCommandLine(argc, argv);
  return hyperd::bench::Run();
}
