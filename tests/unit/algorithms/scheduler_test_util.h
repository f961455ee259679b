// Helpers shared by the scheduler unit tests: decision letters ("CCS") and a seeded generator of
// asynchronous report streams (trials running concurrently, each on its own report grid).
#ifndef HYPERD_TESTS_UNIT_ALGORITHMS_SCHEDULER_TEST_UTIL_H_
#define HYPERD_TESTS_UNIT_ALGORITHMS_SCHEDULER_TEST_UTIL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/samplers/random_bits.h"
#include "algorithms/schedulers/scheduler.h"

namespace hyperd::algorithms::testing {

// "C" for continue, "S" for stop.
inline char Letter(const SchedulerDecision& decision) { return decision.stop ? 'S' : 'C'; }

// Each trial reports its values at step 1 (a single rung at step 1) and the decisions are returned
// as letters, in arrival order.
inline std::string DecideAtStepOne(Scheduler& scheduler, const std::vector<double>& values,
                                   int64_t first_trial = 0) {
  std::string letters;
  for (size_t i = 0; i < values.size(); ++i) {
    letters +=
        Letter(scheduler.OnMeasurement(first_trial + static_cast<int64_t>(i), 0, 1, values[i]));
  }
  return letters;
}

// A trial's planned reports: increasing steps and their values.
struct TrialPlan {
  int64_t trial = 0;
  std::vector<int64_t> steps;
  std::vector<double> values;
};

struct StreamOptions {
  int num_trials = 200;
  int concurrency = 8;         // trials running at once; the next report comes from one at random
  int64_t max_step = 30;       // each trial reports up to here (or stops earlier)
  bool sparse = true;          // random gaps between report steps (otherwise every step)
  double nan_probability = 0;  // chance that a report is NaN
};

// Deterministic plans: trial i's curve is a random level times a decaying shape plus noise.
inline std::vector<TrialPlan> MakePlans(uint64_t seed, const StreamOptions& options) {
  SplitMix64 rng(seed);
  auto uniform = [&rng] { return UnitDoubleFromBits(rng.Next()); };
  std::vector<TrialPlan> plans;
  for (int i = 0; i < options.num_trials; ++i) {
    TrialPlan plan;
    plan.trial = i;
    const double level = 1 + 4 * uniform();
    int64_t step = options.sparse ? 1 + static_cast<int64_t>(rng.Next() % 3) : 1;
    while (step <= options.max_step) {
      plan.steps.push_back(step);
      double value = level / (1 + 0.1 * static_cast<double>(step)) + 0.3 * uniform();
      if (uniform() < options.nan_probability) value = std::nan("");
      plan.values.push_back(value);
      step += options.sparse ? 1 + static_cast<int64_t>(rng.Next() % 5) : 1;
    }
    plans.push_back(plan);
  }
  return plans;
}

// One report of a stream.
struct Arrival {
  int64_t trial;
  int64_t step;
  double value;
};

// Interleaves the plans the way concurrent workers would: `concurrency` trials are open, each
// arrival comes from one of them at random, and a trial leaves when its plan is done or when
// `on_arrival` (called for every arrival, in order) returns true ("stopped"). Returns the arrivals.
template <typename OnArrival>
std::vector<Arrival> RunStream(uint64_t seed, const std::vector<TrialPlan>& plans, int concurrency,
                               OnArrival on_arrival) {
  SplitMix64 rng(seed ^ 0x5eed);
  std::vector<Arrival> arrivals;
  std::vector<std::pair<size_t, size_t>> open;  // (plan index, next report)
  size_t next_plan = 0;
  while (true) {
    while (static_cast<int>(open.size()) < concurrency && next_plan < plans.size()) {
      if (!plans[next_plan].steps.empty()) open.push_back({next_plan, 0});
      ++next_plan;
    }
    if (open.empty()) break;
    const size_t pick = rng.Next() % open.size();
    auto& [plan_index, report] = open[pick];
    const TrialPlan& plan = plans[plan_index];
    const Arrival arrival{plan.trial, plan.steps[report], plan.values[report]};
    arrivals.push_back(arrival);
    const bool stopped = on_arrival(arrival);
    if (stopped || ++report == plan.steps.size()) open.erase(open.begin() + pick);
  }
  return arrivals;
}

}  // namespace hyperd::algorithms::testing

#endif  // HYPERD_TESTS_UNIT_ALGORITHMS_SCHEDULER_TEST_UTIL_H_
