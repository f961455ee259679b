// bench_bandit_regret: cumulative regret of hyperd's bandit policies (the hyperd_bandit library,
// called in process) on simulated problems with known means (specs/bandits.md §7): stationary
// Bernoulli and Gaussian arms, switching, rotating and smoothly drifting means, an oblivious
// adversary, and a linear contextual problem.
//
// For every problem x policy it runs --seeds seeds of --rounds rounds and prints, in markdown,
// the median [25th, 75th percentile] regret at T = 100, 1,000, 10,000 (and --rounds), the mean,
// the ratio to uniform random, the theoretical bound where one is known, and a growth check:
// the least-squares slope of ln(median regret) against ln T over [T/10, T] and R(T)/R(T/10).
// Where theory says the regret is sub-linear (log T or sqrt T) the check prints MET when the
// slope is <= 0.75 (R(T)/R(T/10) <= 5.6, "well below 10") and the median stays under the numeric
// bound, else MISSED; a median regret <= 1 counts as bounded (MET). A note says when a MISSED
// policy is still at uniform random's regret at T/10 (pre-asymptotic) or under its bound.
// Policies whose settings depend on the horizon (EXP3's gamma, the tuned drift variants) get a
// separate run per horizon, configured for it; the others are read at checkpoints of one run
// (they do not use T).
// Finally the means are compared with the reference numbers of spec §7.1/§7.2 (gate ±30 %).
//
//   bench_bandit_regret                                   # 10,000 rounds x 20 seeds, all
//   bench_bandit_regret --rounds=500 --seeds=2            # the CTest smoke run
//   bench_bandit_regret --problems=switch2 --policies=ucb1,dts --seeds=100
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "algorithms/samplers/random_bits.h"
#include "bench/bandits/bandit_problem.h"
#include "bench/bandits/policy_catalog.h"
#include "bench/bandits/regret_simulation.h"
#include "bench/bandits/regret_theory.h"
#include "bench/sample_stats.h"
#include "common/status_macros.h"

ABSL_FLAG(int64_t, rounds, 10000, "Rounds (pulls) per run: the largest horizon T.");
ABSL_FLAG(int, seeds, 20, "Independent runs per problem x policy.");
ABSL_FLAG(std::string, problems, "all",
          "Comma-separated problems, or 'all': bernoulli2, bernoulli10, gaussian5, switch2, "
          "rotate3, drift3, adversarial2, linear5.");
ABSL_FLAG(std::string, policies, "default",
          "Comma-separated policies, or 'default' (all but thompson_ng): random, ucb1, "
          "ucb1_tuned, thompson, thompson_ng, dts, exp3, exp3s, exp3_discounted, tsallis_inf, "
          "d_ucb, sw_ucb, "
          "d_ucb_tuned, sw_ucb_tuned, linucb. A policy that does not apply to a problem "
          "(linucb without context, a tuned drift policy without segments) is skipped there.");
ABSL_FLAG(int, batch, 1,
          "Pulls chosen before their rewards arrive (delayed feedback with pending pulls).");
ABSL_FLAG(uint64_t, seed, 1, "Base seed; run s uses MixSeed(seed, s).");
ABSL_FLAG(bool, fail_on_missed, false, "Exit 1 when a growth check is MISSED.");

namespace hyperd::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kSubLinearSlope = 0.75;
constexpr double kSpecTolerance = 0.30;
// A policy whose regret at T/10 is at least this fraction of uniform random's is still exploring.
constexpr double kExploringFraction = 0.75;

// Reference means of spec §7.1 / §7.2 (its Python implementation, 50-200 seeds).
struct SpecReference {
  const char* problem;
  const char* policy;
  int64_t horizon;
  double mean;
};
constexpr SpecReference kSpecReferences[] = {
    {"bernoulli2", "ucb1", 1000, 24.9},        {"bernoulli2", "ucb1", 10000, 87.1},
    {"bernoulli2", "thompson", 1000, 7.2},     {"bernoulli2", "thompson", 10000, 10.9},
    {"bernoulli2", "exp3", 10000, 166.0},      {"bernoulli10", "ucb1", 1000, 83.0},
    {"bernoulli10", "ucb1", 10000, 592.6},     {"bernoulli10", "thompson", 1000, 65.6},
    {"bernoulli10", "thompson", 10000, 166.0}, {"bernoulli10", "exp3", 10000, 627.4},
    {"switch2", "ucb1", 5000, 51.5},           {"switch2", "ucb1", 10000, 668.7},
    {"switch2", "thompson", 5000, 10.3},       {"switch2", "thompson", 10000, 928.2},
    {"switch2", "exp3", 10000, 945.6},         {"switch2", "d_ucb_tuned", 10000, 461.0},
    {"switch2", "d_ucb", 5000, 296.4},         {"switch2", "d_ucb", 10000, 598.7},
    {"switch2", "sw_ucb_tuned", 10000, 399.9}, {"switch2", "sw_ucb", 5000, 249.8},
    {"switch2", "sw_ucb", 10000, 505.0},       {"switch2", "dts", 5000, 107.5},
    {"switch2", "dts", 10000, 241.2},          {"rotate3", "ucb1", 10000, 257.8},
    {"rotate3", "thompson", 10000, 1574.7},    {"rotate3", "exp3", 10000, 3236.7},
    {"rotate3", "d_ucb_tuned", 10000, 945.0},  {"rotate3", "sw_ucb_tuned", 10000, 746.7},
    {"rotate3", "dts", 10000, 308.4},
};

struct Quantiles {
  double mean = 0, median = 0, q25 = 0, q75 = 0;
};

Quantiles Summarise(std::vector<double> values) {
  Quantiles q;
  if (values.empty()) return q;
  std::sort(values.begin(), values.end());
  for (double v : values) q.mean += v;
  q.mean /= static_cast<double>(values.size());
  q.median = Median(values);
  q.q25 = Percentile(values, 0.25);
  q.q75 = Percentile(values, 0.75);
  return q;
}

// Regret of one policy on one problem: regrets[h][s] for horizon index h and seed s.
struct PolicyResult {
  const PolicyInfo* policy = nullptr;
  std::vector<std::vector<double>> regrets;
  double seconds = 0;
  std::string verdict;  // MET / MISSED / "-"
};

// Horizons at which regret is recorded: 100, 200, 500, 1000, ... up to T, plus T and T/10.
std::vector<int64_t> Horizons(int64_t rounds) {
  std::vector<int64_t> horizons;
  for (int64_t decade = 100; decade <= rounds; decade *= 10) {
    for (int64_t m : {1, 2, 5}) {
      if (decade * m <= rounds) horizons.push_back(decade * m);
    }
  }
  horizons.push_back(rounds);
  if (rounds % 10 == 0 && rounds / 10 >= 10) horizons.push_back(rounds / 10);
  std::sort(horizons.begin(), horizons.end());
  horizons.erase(std::unique(horizons.begin(), horizons.end()), horizons.end());
  return horizons;
}

// The horizons shown as table columns: powers of ten from 100, and T.
std::vector<int64_t> ShownHorizons(int64_t rounds) {
  std::vector<int64_t> shown;
  for (int64_t h = 100; h <= rounds; h *= 10) shown.push_back(h);
  if (shown.empty() || shown.back() != rounds) shown.push_back(rounds);
  return shown;
}

PolicyEnvironment EnvironmentFor(const BanditProblem& problem, int64_t horizon) {
  PolicyEnvironment env;
  env.arm_count = problem.arm_count();
  env.context_dimension = problem.context_dimension();
  env.horizon = horizon;
  env.segments = problem.SegmentsWithin(horizon);
  // EXP3.S competes with sequences of S switches; against a fixed-arm baseline S = 1 suffices.
  env.best_arm_switches =
      problem.baseline() == RegretBaseline::kBestFixedArm ? 0 : BestArmSwitches(problem, horizon);
  return env;
}

absl::StatusOr<PolicyResult> RunPolicy(const BanditProblem& problem, const PolicyInfo& policy,
                                       const std::vector<int64_t>& horizons, int seeds, int batch,
                                       uint64_t base_seed) {
  PolicyResult result;
  result.policy = &policy;
  result.regrets.assign(horizons.size(), std::vector<double>(seeds, 0.0));
  const Clock::time_point start = Clock::now();
  for (int s = 0; s < seeds; ++s) {
    SimulationOptions options;
    options.batch = batch;
    options.problem_seed = algorithms::MixSeed(base_seed, static_cast<uint64_t>(s));
    options.study_seed = algorithms::MixSeed(options.problem_seed, 0x57d7);
    if (policy.horizon_dependent) {
      for (size_t h = 0; h < horizons.size(); ++h) {
        options.horizon = horizons[h];
        options.checkpoints = {horizons[h]};
        ASSIGN_OR_RETURN(std::unique_ptr<SimulatedPolicy> instance,
                         MakeSimulatedPolicy(policy, EnvironmentFor(problem, horizons[h])));
        ASSIGN_OR_RETURN(std::vector<double> regret, SimulateRegret(problem, *instance, options));
        result.regrets[h][s] = regret.front();
      }
    } else {
      options.horizon = horizons.back();
      options.checkpoints = horizons;
      ASSIGN_OR_RETURN(std::unique_ptr<SimulatedPolicy> instance,
                       MakeSimulatedPolicy(policy, EnvironmentFor(problem, horizons.back())));
      ASSIGN_OR_RETURN(std::vector<double> regret, SimulateRegret(problem, *instance, options));
      for (size_t h = 0; h < horizons.size(); ++h) result.regrets[h][s] = regret[h];
    }
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

std::string Cell(const Quantiles& q) {
  return absl::StrFormat("%.1f [%.1f, %.1f]", q.median, q.q25, q.q75);
}

size_t IndexOf(const std::vector<int64_t>& horizons, int64_t h) {
  return static_cast<size_t>(std::find(horizons.begin(), horizons.end(), h) - horizons.begin());
}

// Prints one problem's table; fills every result's verdict.
void PrintProblemTable(const BanditProblem& problem, const std::vector<int64_t>& horizons,
                       std::vector<PolicyResult>& results, double seconds) {
  const int64_t rounds = horizons.back();
  const std::vector<int64_t> shown = ShownHorizons(rounds);
  absl::PrintF("\n### %s\n\n%s. Regret baseline: %s. %d seeds, %.1f s.\n", problem.name(),
               problem.description(),
               problem.baseline() == RegretBaseline::kBestFixedArm ? "best fixed arm in hindsight"
                                                                   : "best arm of each round",
               results.empty() ? 0 : static_cast<int>(results.front().regrets.front().size()),
               seconds);
  if (problem.kind() == ProblemKind::kStationary) {
    BanditRound round;
    problem.MakeRound(0, 0, &round);
    if (problem.bernoulli_rewards()) {
      const double c = LaiRobbinsConstant(round.means);
      absl::PrintF("Lai-Robbins constant %.2f: %.1f x ln T = %.1f at T = %d (asymptotic).\n", c, c,
                   c * std::log(static_cast<double>(rounds)), rounds);
    }
  }
  const size_t tenth = IndexOf(horizons, rounds / 10);
  double random_median = 0;
  double random_tenth = 0;
  for (const PolicyResult& r : results) {
    if (r.policy->name != "random") continue;
    random_median = Summarise(r.regrets.back()).median;
    if (tenth < horizons.size()) random_tenth = Summarise(r.regrets[tenth]).median;
  }
  std::string header = "\n| policy |";
  std::string rule = "|---|";
  for (int64_t h : shown) {
    absl::StrAppend(&header, " R(", h, ") |");
    rule += "---|";
  }
  absl::StrAppend(&header, " mean R(", rounds, ") | / random | bound | slope | R(T)/R(T/10) |",
                  " theory | sub-linear | note |");
  rule += "---|---|---|---|---|---|---|---|";
  absl::PrintF("%s\n%s\n", header, rule);
  for (PolicyResult& r : results) {
    std::vector<double> medians;
    std::vector<int64_t> fit_horizons;
    for (size_t h = 0; h < horizons.size(); ++h) {
      if (horizons[h] * 10 < rounds) continue;
      fit_horizons.push_back(horizons[h]);
      medians.push_back(Summarise(r.regrets[h]).median);
    }
    const Quantiles last = Summarise(r.regrets.back());
    const std::optional<double> slope = LogLogSlope(fit_horizons, medians);
    const std::optional<double> bound = RegretUpperBound(r.policy->name, problem, rounds);
    const RateExpectation expected = ExpectedRate(r.policy->name, problem);
    std::string ratio = "-";
    double before = 0;
    if (tenth < horizons.size()) {
      before = Summarise(r.regrets[tenth]).median;
      if (before > 0 && last.median > 0) ratio = absl::StrFormat("%.2f", last.median / before);
    }
    if (!IsSubLinear(expected.rate)) {
      r.verdict = "-";
    } else if (bound.has_value() && last.median > *bound) {
      r.verdict = "MISSED (above bound)";
    } else if (last.median <= 1.0) {
      r.verdict = "MET (bounded)";
    } else if (slope.has_value() && *slope <= kSubLinearSlope) {
      r.verdict = "MET";
    } else {
      r.verdict = "MISSED";
    }
    // Why a sub-linear policy missed: still at uniform random's regret at T/10 (its exploration
    // phase, where regret is capped by the trivial linear bound), and/or under its bound.
    std::string note;
    if (absl::StartsWith(r.verdict, "MISSED") && random_tenth > 0 &&
        before >= kExploringFraction * random_tenth) {
      note = absl::StrFormat("R(T/10) = %.0f %% of random's", 100 * before / random_tenth);
    }
    if (absl::StartsWith(r.verdict, "MISSED") && bound.has_value() && last.median <= *bound) {
      absl::StrAppend(&note, note.empty() ? "" : "; ", "under the bound");
    }
    std::string row = absl::StrCat("| ", r.policy->name, " |");
    for (int64_t h : shown) {
      absl::StrAppend(&row, " ", Cell(Summarise(r.regrets[IndexOf(horizons, h)])), " |");
    }
    absl::StrAppend(
        &row, absl::StrFormat(" %.1f |", last.mean),
        random_median > 0 ? absl::StrFormat(" %.3f |", last.median / random_median) : " - |",
        bound.has_value() ? absl::StrFormat(" %.0f |", *bound) : " - |",
        slope.has_value() ? absl::StrFormat(" %.2f |", *slope) : " - |", " ", ratio, " |",
        absl::StrCat(" ", RateClassName(expected.rate), " (", expected.reason, ") |"), " ",
        r.verdict, " | ", note.empty() ? "" : note, " |");
    absl::PrintF("%s\n", row);
  }
}

struct ProblemOutcome {
  std::string problem;
  std::vector<PolicyResult> results;
  std::vector<int64_t> horizons;
};

void PrintVerdictMatrix(const std::vector<ProblemOutcome>& outcomes,
                        const std::vector<const PolicyInfo*>& policies) {
  absl::PrintF("\n### Growth check (slope <= %.2f of ln R vs ln T over [T/10, T])\n\n| policy |",
               kSubLinearSlope);
  for (const ProblemOutcome& o : outcomes) absl::PrintF(" %s |", o.problem);
  absl::PrintF("\n|---|");
  for (size_t i = 0; i < outcomes.size(); ++i) absl::PrintF("---|");
  absl::PrintF("\n");
  for (const PolicyInfo* policy : policies) {
    absl::PrintF("| %s |", policy->name);
    for (const ProblemOutcome& o : outcomes) {
      std::string cell = " n/a";
      for (const PolicyResult& r : o.results) {
        if (r.policy == policy) cell = absl::StrCat(" ", r.verdict);
      }
      absl::PrintF("%s |", cell);
    }
    absl::PrintF("\n");
  }
}

// Returns the number of reference cells outside the tolerance.
int PrintSpecComparison(const std::vector<ProblemOutcome>& outcomes) {
  std::string rows;
  int outside = 0;
  for (const SpecReference& ref : kSpecReferences) {
    for (const ProblemOutcome& o : outcomes) {
      if (o.problem != ref.problem) continue;
      const size_t h = IndexOf(o.horizons, ref.horizon);
      if (h >= o.horizons.size()) continue;
      for (const PolicyResult& r : o.results) {
        if (r.policy->name != ref.policy) continue;
        const double mean = Summarise(r.regrets[h]).mean;
        const bool within = std::abs(mean - ref.mean) <= kSpecTolerance * ref.mean;
        outside += within ? 0 : 1;
        absl::StrAppend(&rows, absl::StrFormat("| %s | %s | %d | %.1f | %.1f | %.2f | %s |\n",
                                               ref.problem, ref.policy, ref.horizon, ref.mean, mean,
                                               mean / ref.mean, within ? "within" : "OUTSIDE"));
      }
    }
  }
  if (rows.empty()) return 0;
  absl::PrintF(
      "\n### Against the spec's reference means (specs/bandits.md §7.1, §7.2; gate +/-30 %%)\n\n"
      "| problem | policy | T | spec mean | our mean | ratio | +/-30 %% |\n"
      "|---|---|---|---|---|---|---|\n%s",
      rows);
  return outside;
}

absl::StatusOr<std::vector<std::string>> ParseList(const std::string& value,
                                                   std::vector<std::string> all) {
  if (value == "all" || value == "default") return all;
  std::vector<std::string> names = absl::StrSplit(value, ',', absl::SkipEmpty());
  if (names.empty()) return absl::InvalidArgumentError("empty list; give names or 'all'");
  return names;
}

absl::Status Run() {
  const int64_t rounds = absl::GetFlag(FLAGS_rounds);
  const int seeds = absl::GetFlag(FLAGS_seeds);
  const int batch = absl::GetFlag(FLAGS_batch);
  if (rounds < 10) {
    return absl::InvalidArgumentError(absl::StrCat("--rounds=", rounds, ": use at least 10"));
  }
  if (seeds < 1 || batch < 1) {
    return absl::InvalidArgumentError("--seeds and --batch must be >= 1");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> problem_names,
                   ParseList(absl::GetFlag(FLAGS_problems), BanditProblemNames()));
  ASSIGN_OR_RETURN(std::vector<std::string> policy_names,
                   ParseList(absl::GetFlag(FLAGS_policies), DefaultPolicyNames()));
  std::vector<const PolicyInfo*> policies;
  for (const std::string& name : policy_names) {
    ASSIGN_OR_RETURN(const PolicyInfo* policy, FindPolicy(name));
    policies.push_back(policy);
  }
  const std::vector<int64_t> horizons = Horizons(rounds);
  absl::PrintF(
      "## Bandit regret (bench_bandit_regret --rounds=%d --seeds=%d --batch=%d --seed=%d)"
      "\n\nCells: median [25th, 75th percentile] cumulative pseudo-regret over seeds. "
      "`/ random`: median R(T) over uniform random's. `bound`: UCB1's (Auer et al. 2002, "
      "Thm 1) or EXP3's (2.63 sqrt(T K ln K)) at T. `slope`: least-squares slope of "
      "ln median R vs ln T over [T/10, T].\n",
      rounds, seeds, batch, absl::GetFlag(FLAGS_seed));
  const Clock::time_point start = Clock::now();
  std::vector<ProblemOutcome> outcomes;
  int missed = 0;
  for (const std::string& name : problem_names) {
    ASSIGN_OR_RETURN(std::unique_ptr<BanditProblem> problem, MakeBanditProblem(name));
    ProblemOutcome outcome{problem->name(), {}, horizons};
    const Clock::time_point problem_start = Clock::now();
    for (const PolicyInfo* policy : policies) {
      if (!PolicyApplies(*policy, EnvironmentFor(*problem, rounds))) continue;
      absl::StatusOr<PolicyResult> result =
          RunPolicy(*problem, *policy, horizons, seeds, batch, absl::GetFlag(FLAGS_seed));
      if (!result.ok()) {
        return absl::Status(
            result.status().code(),
            absl::StrCat(problem->name(), " / ", policy->name, ": ", result.status().message()));
      }
      outcome.results.push_back(*std::move(result));
    }
    PrintProblemTable(*problem, horizons, outcome.results,
                      std::chrono::duration<double>(Clock::now() - problem_start).count());
    for (const PolicyResult& r : outcome.results) {
      missed += absl::StartsWith(r.verdict, "MISSED") ? 1 : 0;
    }
    outcomes.push_back(std::move(outcome));
    std::fflush(stdout);
  }
  PrintVerdictMatrix(outcomes, policies);
  const int outside = PrintSpecComparison(outcomes);
  absl::PrintF(
      "\nGrowth checks MISSED: %d. Spec reference cells outside +/-30 %%: %d. "
      "Wall time %.1f s.\n",
      missed, outside, std::chrono::duration<double>(Clock::now() - start).count());
  if (missed > 0 && absl::GetFlag(FLAGS_fail_on_missed)) {
    return absl::FailedPreconditionError(absl::StrCat(missed, " growth checks MISSED"));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace hyperd::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Regret of hyperd's bandit policies on simulated problems (specs/bandits.md §7).");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = hyperd::bench::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "bench_bandit_regret: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
