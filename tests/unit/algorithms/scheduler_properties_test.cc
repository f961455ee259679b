// Properties every rung scheduler must have on random asynchronous streams (seeded): no trial is
// stopped before its first rung, a trial that is best at every rung is never stopped, Hyperband's
// last bracket stops nothing, and replaying the same measurements into a fresh scheduler gives the
// same decisions, rung tables and Summary (what a server restart relies on).
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/registry.h"
#include "algorithms/schedulers/hyperband.h"
#include "algorithms/schedulers/median_stopping.h"
#include "algorithms/schedulers/scheduler.h"
#include "algorithms/schedulers/successive_halving.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/algorithms/scheduler_test_util.h"

namespace hyperd::algorithms {
namespace {

using ::hyperd::algorithms::testing::Arrival;
using ::hyperd::algorithms::testing::MakePlans;
using ::hyperd::algorithms::testing::RunStream;
using ::hyperd::algorithms::testing::StreamOptions;
using ::hyperd::algorithms::testing::TrialPlan;

constexpr uint64_t kSeeds[] = {11, 12, 13, 14, 15};

StreamOptions LongStreams() {
  StreamOptions options;
  options.num_trials = 300;
  options.concurrency = 12;
  options.max_step = 200;
  options.sparse = true;
  options.nan_probability = 0.01;
  return options;
}

// Feeds a stream (trials leave when stopped) and calls `check` with every decision.
void Drive(Scheduler& scheduler, uint64_t seed, const std::vector<TrialPlan>& plans,
           int concurrency,
           const std::function<void(const Arrival&, int, const SchedulerDecision&)>& check) {
  RunStream(seed, plans, concurrency, [&](const Arrival& a) {
    const int bracket = scheduler.AssignBracket(a.trial);
    const SchedulerDecision decision = scheduler.OnMeasurement(a.trial, bracket, a.step, a.value);
    check(a, bracket, decision);
    return decision.stop;
  });
}

TEST(SchedulerProperties, SuccessiveHalvingNeverStopsATrialBelowMinResource) {
  for (int bootstrap : {0, 2}) {
    for (uint64_t seed : kSeeds) {
      SuccessiveHalvingScheduler asha(SuccessiveHalvingConfig{5, 135, 3, bootstrap});
      int stops = 0;
      Drive(asha, seed, MakePlans(seed, LongStreams()), 12,
            [&](const Arrival& a, int, const SchedulerDecision& d) {
              if (!d.stop) return;
              ++stops;
              EXPECT_GE(a.step, 5) << "trial " << a.trial;
            });
      EXPECT_GT(stops, 50);
    }
  }
}

TEST(SchedulerProperties, HyperbandNeverStopsATrialBelowItsBracketsFirstRung) {
  for (uint64_t seed : kSeeds) {
    HyperbandScheduler hyperband(HyperbandConfig{2, 162, 3, 0, seed});
    int stops = 0;
    Drive(hyperband, seed, MakePlans(seed, LongStreams()), 12,
          [&](const Arrival& a, int bracket, const SchedulerDecision& d) {
            if (!d.stop) return;
            ++stops;
            EXPECT_GE(a.step, hyperband.table().RungSteps(bracket).front()) << "trial " << a.trial;
            EXPECT_GE(a.step, 2);
          });
    EXPECT_GT(stops, 50);
  }
}

// Adds `champions`: trials reporting every step with the same value, below every other trial's.
std::vector<TrialPlan> WithChampions(std::vector<TrialPlan> plans,
                                     const std::vector<int64_t>& champions, int64_t max_step) {
  for (int64_t champion : champions) {
    TrialPlan& plan = plans[champion];
    plan.steps.clear();
    plan.values.clear();
    for (int64_t step = 1; step <= max_step; ++step) {
      plan.steps.push_back(step);
      plan.values.push_back(-1.0 - 0.001 * static_cast<double>(step));
    }
  }
  return plans;
}

TEST(SchedulerProperties, ATrialBestAtEveryRungIsNeverStopped) {
  const std::vector<int64_t> champions = {0, 37, 150, 299};
  for (uint64_t seed : kSeeds) {
    const std::vector<TrialPlan> plans =
        WithChampions(MakePlans(seed, LongStreams()), champions, 200);
    SuccessiveHalvingScheduler asha(SuccessiveHalvingConfig{1, 81, 3, 0});
    HyperbandScheduler hyperband(HyperbandConfig{1, 81, 3, 0, seed});
    for (Scheduler* scheduler :
         {static_cast<Scheduler*>(&asha), static_cast<Scheduler*>(&hyperband)}) {
      int stops = 0;
      Drive(*scheduler, seed, plans, 12, [&](const Arrival& a, int, const SchedulerDecision& d) {
        stops += d.stop;
        for (int64_t champion : champions) {
          EXPECT_FALSE(d.stop && a.trial == champion)
              << scheduler->name() << " stopped champion " << champion << ": " << d.reason;
        }
      });
      EXPECT_GT(stops, 50) << scheduler->name();
    }
  }
}

TEST(SchedulerProperties, HyperbandsLastBracketStopsNothing) {
  for (uint64_t seed : kSeeds) {
    HyperbandScheduler hyperband(HyperbandConfig{1, 81, 3, /*bootstrap_count=*/1, seed});
    const int last = hyperband.table().s_max();
    int last_bracket_reports = 0;
    int other_stops = 0;
    Drive(hyperband, seed, MakePlans(seed, LongStreams()), 12,
          [&](const Arrival&, int bracket, const SchedulerDecision& d) {
            if (bracket == last) {
              ++last_bracket_reports;
              EXPECT_FALSE(d.stop) << d.reason;
              EXPECT_EQ(d.next_check_step, 0);
            } else {
              other_stops += d.stop;
            }
          });
    EXPECT_GT(last_bracket_reports, 50);
    EXPECT_GT(other_stops, 50);
  }
}

struct Decision {
  bool stop;
  std::string reason;
  int64_t next_check_step;
  bool operator==(const Decision& o) const {
    return stop == o.stop && reason == o.reason && next_check_step == o.next_check_step;
  }
};

struct Event {
  Arrival arrival;
  bool is_end;
  TrialEnd end;
};

std::vector<std::vector<int64_t>> SummaryRows(const Scheduler& scheduler) {
  std::vector<std::vector<int64_t>> rows;
  for (const RungSummary& r : scheduler.Summary()) {
    rows.push_back({r.bracket, r.rung, r.step, r.recorded, r.stopped});
  }
  return rows;
}

// Runs a stream with trial ends, returning the events and the decisions.
std::vector<Decision> Record(Scheduler& scheduler, uint64_t seed, std::vector<Event>& events) {
  StreamOptions options = LongStreams();
  options.num_trials = 150;
  const std::vector<TrialPlan> plans = MakePlans(seed, options);
  std::vector<Decision> decisions;
  RunStream(seed, plans, options.concurrency, [&](const Arrival& a) {
    const SchedulerDecision d =
        scheduler.OnMeasurement(a.trial, scheduler.AssignBracket(a.trial), a.step, a.value);
    decisions.push_back({d.stop, d.reason, d.next_check_step});
    events.push_back({a, false, TrialEnd::kSucceeded});
    if (d.stop || a.step == plans[a.trial].steps.back()) {
      const TrialEnd end = d.stop             ? TrialEnd::kPruned
                           : a.trial % 9 == 0 ? TrialEnd::kFailed
                                              : TrialEnd::kSucceeded;
      scheduler.OnTrialEnd(a.trial, end);
      events.push_back({a, true, end});
    }
    return d.stop;
  });
  return decisions;
}

std::vector<Decision> Replay(Scheduler& scheduler, const std::vector<Event>& events) {
  std::vector<Decision> decisions;
  for (const Event& e : events) {
    if (e.is_end) {
      scheduler.OnTrialEnd(e.arrival.trial, e.end);
      continue;
    }
    const SchedulerDecision d = scheduler.OnMeasurement(
        e.arrival.trial, scheduler.AssignBracket(e.arrival.trial), e.arrival.step, e.arrival.value);
    decisions.push_back({d.stop, d.reason, d.next_check_step});
  }
  return decisions;
}

TEST(SchedulerProperties, ReplayingTheSameMeasurementsReproducesDecisionsAndRungTables) {
  const std::vector<SchedulerConfig> configs = {
      SuccessiveHalvingConfig{1, 81, 3, 1},
      HyperbandConfig{1, 81, 3, 0, 77},
      MedianStoppingConfig{},
      MedianStoppingConfig{2, 3, 2, 2, MedianStoppingConfig::Statistic::kRunningMean,
                           MedianStoppingConfig::Reference::kCompleted},
  };
  for (const SchedulerConfig& config : configs) {
    for (uint64_t seed : {21u, 22u}) {
      std::unique_ptr<Scheduler> live = *MakeScheduler(config);
      std::unique_ptr<Scheduler> replayed = *MakeScheduler(config);
      std::vector<Event> events;
      const std::vector<Decision> live_decisions = Record(*live, seed, events);
      EXPECT_TRUE(Replay(*replayed, events) == live_decisions) << live->name();
      EXPECT_EQ(SummaryRows(*live), SummaryRows(*replayed)) << live->name();
      int stops = 0;
      for (const Decision& d : live_decisions) stops += d.stop;
      EXPECT_GT(stops, 10) << live->name();
      if (auto* a = dynamic_cast<SuccessiveHalvingScheduler*>(live.get())) {
        auto* b = dynamic_cast<SuccessiveHalvingScheduler*>(replayed.get());
        for (int k = 0; k < a->bracket().num_rungs(); ++k) {
          EXPECT_EQ(a->bracket().rung_values(k), b->bracket().rung_values(k));
        }
      }
      if (auto* a = dynamic_cast<HyperbandScheduler*>(live.get())) {
        auto* b = dynamic_cast<HyperbandScheduler*>(replayed.get());
        for (int bracket = 0; bracket < a->table().num_brackets(); ++bracket) {
          for (int k = 0; k < a->bracket(bracket).num_rungs(); ++k) {
            EXPECT_EQ(a->bracket(bracket).rung_values(k), b->bracket(bracket).rung_values(k));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace hyperd::algorithms
