// bench_bandit_sor: the "Learning to Relax" fixture of specs/bandits.md §6/§7.3 simulated in
// process. A sequence of linear systems tridiag(-1, 2 + c, -1) x = 1 (n = 50, c drawn uniformly
// from 8 shifts) is solved by SOR with omega chosen per instance by a policy of the
// hyperd_bandit library from the grid 1.00 ... 1.95 (K = 20), learning from the reward
// 1 - min(iterations, 1000) / 1000; contextual policies see [1, u, u^2], u = normalised log c.
//
// Per policy it prints, at 200, 1,000 and 5,000 instances, the total SOR iterations as a ratio to
// the best fixed omega in hindsight (the grid omega with the fewest total iterations on the same
// instances) and to the instance-optimal omega (the best grid omega of every instance), median
// [25th, 75th percentile] over seeds; then the mean iterations per instance against the spec's
// reference numbers, and the quoted ratios against the measured ones.
//
// The iteration count of a solve is a deterministic function of (c, omega), so the fixture
// solves each of the 160 pairs once and the simulation reads the table; --solve_every_instance
// reruns SOR for every instance instead and checks the counts agree.
//
//   bench_bandit_sor                                       # 5,000 instances x 20 seeds
//   bench_bandit_sor --instances=500 --seeds=2             # the CTest smoke run
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "algorithms/samplers/random_bits.h"
#include "bench/bandits/policy_catalog.h"
#include "bench/bandits/sor_fixture.h"
#include "bench/bandits/sor_simulation.h"
#include "bench/bandits/sor_solver.h"
#include "bench/sample_stats.h"
#include "common/status_macros.h"

ABSL_FLAG(int64_t, instances, 5000, "Linear systems in each sequence (T).");
ABSL_FLAG(int, seeds, 20, "Independent instance sequences (and policy seeds).");
ABSL_FLAG(std::string, checkpoints, "200,1000,5000",
          "Instance counts at which ratios are reported (each <= --instances; --instances is "
          "always added).");
ABSL_FLAG(std::string, policies,
          "random,ucb1,ucb1_tuned,thompson,dts,exp3,tsallis_inf,d_ucb,sw_ucb,linucb",
          "Comma-separated policies (bench_bandit_regret's catalog; linucb_raw regresses the "
          "uncentred reward, the §5 pitfall).");
ABSL_FLAG(double, cap, 1000, "Loss cap: loss = min(iterations, cap) / cap (spec §0, §7.3).");
ABSL_FLAG(int, last_window, 500, "Instances at the end whose mean iterations are reported.");
ABSL_FLAG(int, batch, 1, "Instances whose omega is chosen before their iterations arrive.");
ABSL_FLAG(uint64_t, seed, 1, "Base seed; sequence s uses MixSeed(seed, s).");
ABSL_FLAG(bool, solve_every_instance, false,
          "Rerun SOR for every instance instead of reading the (c, omega) table, checking that "
          "the counts agree.");

namespace hyperd::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kSpecTolerance = 0.30;

// Spec §7.3: best grid omega and its iterations, and iterations at omega = 1.80, per shift.
struct SpecShiftRow {
  double shift;
  double best_omega;
  int64_t best_iterations;
  int64_t at_1_80;
};
constexpr SpecShiftRow kSpecShiftRows[] = {
    {0.005, 1.85, 135, 191}, {0.01, 1.80, 102, 102}, {0.02, 1.75, 79, 104}, {0.05, 1.65, 60, 105},
    {0.1, 1.55, 52, 106},    {0.2, 1.40, 41, 104},   {0.5, 1.25, 27, 95},   {1.0, 1.15, 19, 93},
};

// Spec §7.3 mean iterations per instance over T = 5000 and over the last 500 (0 = not given).
struct SpecPolicyRow {
  const char* policy;
  double mean_over_t;
  double mean_last_500;
};
constexpr SpecPolicyRow kSpecPolicyRows[] = {
    {"random", 289.5, 0},          {"ucb1", 198.6, 175.1}, {"exp3", 199.7, 161.2},
    {"tsallis_inf", 160.8, 135.8}, {"linucb", 90.8, 78.6},
};

// The ratios to the best fixed omega the issue quotes (bandits issue, demonstration 2).
struct QuotedRatio {
  const char* policy;
  int64_t instances;
  double ratio;
};
constexpr QuotedRatio kQuotedRatios[] = {
    {"ucb1", 200, 2.3},     {"thompson", 200, 1.9}, {"linucb", 200, 1.55},
    {"linucb", 1000, 1.05}, {"linucb", 5000, 0.81},
};

struct Quantiles {
  double mean = 0, median = 0, q25 = 0, q75 = 0;
};

Quantiles Summarise(std::vector<double> values) {
  Quantiles q;
  if (values.empty()) return q;
  std::sort(values.begin(), values.end());
  q.mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  q.median = Median(values);
  q.q25 = Percentile(values, 0.25);
  q.q75 = Percentile(values, 0.75);
  return q;
}

std::string Cell(const Quantiles& q) {
  return absl::StrFormat("%.2f [%.2f, %.2f]", q.median, q.q25, q.q75);
}

// The baselines of one sequence at one checkpoint (totals over the first `instances`).
struct Baselines {
  int64_t best_fixed = 0;  // the grid omega with the fewest total iterations, in hindsight
  int best_fixed_arm = 0;
  int64_t instance_optimal = 0;
  int64_t gauss_seidel = 0;  // omega = 1.00
  int64_t omega_1_80 = 0;
};

Baselines ComputeBaselines(const SorFixture& fixture, const std::vector<int>& instances,
                           int64_t count) {
  Baselines b;
  std::vector<int64_t> per_arm(fixture.arm_count(), 0);
  for (int64_t t = 0; t < count; ++t) {
    const int shift = instances[t];
    for (int arm = 0; arm < fixture.arm_count(); ++arm) {
      per_arm[arm] += fixture.Iterations(shift, arm);
    }
    b.instance_optimal += fixture.InstanceOptimalIterations(shift);
  }
  b.best_fixed_arm =
      static_cast<int>(std::min_element(per_arm.begin(), per_arm.end()) - per_arm.begin());
  b.best_fixed = per_arm[b.best_fixed_arm];
  b.gauss_seidel = per_arm[0];
  for (int arm = 0; arm < fixture.arm_count(); ++arm) {
    if (std::abs(fixture.omega(arm) - 1.80) < 1e-9) b.omega_1_80 = per_arm[arm];
  }
  return b;
}

struct PolicyOutcome {
  const PolicyInfo* policy = nullptr;
  // [checkpoint][seed]: total iterations, and the mean over the last window of the longest run.
  std::vector<std::vector<double>> totals;
  std::vector<double> last_window_mean;
  double seconds = 0;
};

absl::StatusOr<std::vector<int64_t>> ParseCheckpoints(const std::string& text, int64_t instances) {
  std::vector<int64_t> checkpoints;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int64_t value = 0;
    if (!absl::SimpleAtoi(part, &value) || value < 1 || value > instances) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--checkpoints: '", part, "' is not an integer in [1, --instances = ", instances, "]"));
    }
    checkpoints.push_back(value);
  }
  checkpoints.push_back(instances);
  std::sort(checkpoints.begin(), checkpoints.end());
  checkpoints.erase(std::unique(checkpoints.begin(), checkpoints.end()), checkpoints.end());
  return checkpoints;
}

absl::StatusOr<PolicyOutcome> RunPolicy(const SorFixture& fixture, const PolicyInfo& policy,
                                        const std::vector<std::vector<int>>& sequences,
                                        const std::vector<int64_t>& checkpoints, int last_window) {
  PolicyOutcome outcome;
  outcome.policy = &policy;
  outcome.totals.assign(checkpoints.size(), std::vector<double>(sequences.size(), 0.0));
  outcome.last_window_mean.assign(sequences.size(), 0.0);
  const Clock::time_point start = Clock::now();
  for (size_t s = 0; s < sequences.size(); ++s) {
    SorSimulationOptions options;
    options.study_seed = algorithms::MixSeed(absl::GetFlag(FLAGS_seed), 1000 + s);
    options.batch = absl::GetFlag(FLAGS_batch);
    options.solve_every_instance = absl::GetFlag(FLAGS_solve_every_instance);
    PolicyEnvironment env;
    env.arm_count = fixture.arm_count();
    env.context_dimension = 3;
    env.segments = 1;
    // Horizon-dependent policies are configured for each checkpoint and run that long; the
    // others run once and are read at the checkpoints.
    const size_t runs = policy.horizon_dependent ? checkpoints.size() : 1;
    for (size_t r = 0; r < runs; ++r) {
      const int64_t horizon = policy.horizon_dependent ? checkpoints[r] : checkpoints.back();
      env.horizon = horizon;
      ASSIGN_OR_RETURN(std::unique_ptr<SimulatedPolicy> instance, MakeSimulatedPolicy(policy, env));
      const std::vector<int> prefix(sequences[s].begin(), sequences[s].begin() + horizon);
      ASSIGN_OR_RETURN(std::vector<int64_t> iterations,
                       SimulateSorSequence(fixture, *instance, prefix, options));
      for (size_t c = 0; c < checkpoints.size(); ++c) {
        if (checkpoints[c] > horizon || (policy.horizon_dependent && c != r)) continue;
        outcome.totals[c][s] = static_cast<double>(
            std::accumulate(iterations.begin(), iterations.begin() + checkpoints[c], int64_t{0}));
      }
      if (horizon == checkpoints.back()) {
        const int64_t window = std::min<int64_t>(last_window, horizon);
        outcome.last_window_mean[s] =
            static_cast<double>(
                std::accumulate(iterations.end() - window, iterations.end(), int64_t{0})) /
            static_cast<double>(window);
      }
    }
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return outcome;
}

// The arm whose omega is `omega`, or -1.
int ArmOf(const SorFixture& fixture, double omega) {
  for (int arm = 0; arm < fixture.arm_count(); ++arm) {
    if (std::abs(fixture.omega(arm) - omega) < 1e-9) return arm;
  }
  return -1;
}

void PrintFixtureTable(const SorFixture& fixture) {
  absl::PrintF(
      "\n### The fixture against spec §7.3\n\n"
      "| c | omega* (Young) | best grid omega | its iterations | iterations at 1.80 | spec: best "
      "omega / its iterations / at 1.80 |\n|---|---|---|---|---|---|\n");
  const int arm_1_80 = ArmOf(fixture, 1.80);
  for (int s = 0; s < fixture.shift_count(); ++s) {
    const int best = fixture.InstanceOptimalArm(s);
    const int64_t at_1_80 = arm_1_80 >= 0 ? fixture.Iterations(s, arm_1_80) : -1;
    std::string spec = "-";
    for (const SpecShiftRow& row : kSpecShiftRows) {
      if (std::abs(row.shift - fixture.shift(s)) > 1e-12) continue;
      const bool same = std::abs(row.best_omega - fixture.omega(best)) < 1e-9 &&
                        row.best_iterations == fixture.Iterations(s, best) &&
                        row.at_1_80 == at_1_80;
      spec = absl::StrFormat("%.2f / %d / %d %s", row.best_omega, row.best_iterations, row.at_1_80,
                             same ? "(same)" : "(DIFFERENT)");
    }
    absl::PrintF("| %g | %.4f | %.2f | %d | %d | %s |\n", fixture.shift(s),
                 OptimalOmega(fixture.options().n, fixture.shift(s)), fixture.omega(best),
                 fixture.Iterations(s, best), at_1_80, spec);
  }
}

absl::Status Run() {
  const int64_t instances = absl::GetFlag(FLAGS_instances);
  const int seeds = absl::GetFlag(FLAGS_seeds);
  const int last_window = absl::GetFlag(FLAGS_last_window);
  if (instances < 1 || seeds < 1 || last_window < 1 || absl::GetFlag(FLAGS_batch) < 1) {
    return absl::InvalidArgumentError(
        "--instances, --seeds, --last_window and --batch must all be >= 1");
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> checkpoints,
                   ParseCheckpoints(absl::GetFlag(FLAGS_checkpoints), instances));
  std::vector<const PolicyInfo*> policies;
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_policies), ',', absl::SkipEmpty())) {
    ASSIGN_OR_RETURN(const PolicyInfo* policy, FindPolicy(name));
    policies.push_back(policy);
  }
  const Clock::time_point start = Clock::now();
  SorFixtureOptions fixture_options;
  fixture_options.loss_cap = absl::GetFlag(FLAGS_cap);
  ASSIGN_OR_RETURN(SorFixture fixture, SorFixture::Create(fixture_options));
  const double fixture_seconds = std::chrono::duration<double>(Clock::now() - start).count();

  absl::PrintF(
      "## Bandits on the SOR sequence (bench_bandit_sor --instances=%d --seeds=%d --cap=%g "
      "--batch=%d --seed=%d%s)\n\nn = %d, tolerance 1e-8, %d shifts, %d omegas; the (c, omega) "
      "table took %.2f s to solve.\n",
      instances, seeds, fixture_options.loss_cap, absl::GetFlag(FLAGS_batch),
      absl::GetFlag(FLAGS_seed),
      absl::GetFlag(FLAGS_solve_every_instance) ? " --solve_every_instance" : "", fixture_options.n,
      fixture.shift_count(), fixture.arm_count(), fixture_seconds);
  PrintFixtureTable(fixture);

  std::vector<std::vector<int>> sequences;
  for (int s = 0; s < seeds; ++s) {
    sequences.push_back(fixture.DrawInstances(
        instances, algorithms::MixSeed(absl::GetFlag(FLAGS_seed), static_cast<uint64_t>(s))));
  }
  // baselines[c][s]
  std::vector<std::vector<Baselines>> baselines(checkpoints.size());
  for (size_t c = 0; c < checkpoints.size(); ++c) {
    for (const std::vector<int>& sequence : sequences) {
      baselines[c].push_back(ComputeBaselines(fixture, sequence, checkpoints[c]));
    }
  }

  absl::PrintF(
      "\n### Baselines (mean SOR iterations per instance, mean over seeds)\n\n"
      "| instances | best fixed omega in hindsight | its omega (mode) | omega = 1.80 |"
      " instance-optimal | Gauss-Seidel (omega = 1) |\n|---|---|---|---|---|---|\n");
  for (size_t c = 0; c < checkpoints.size(); ++c) {
    double fixed = 0, optimal = 0, gs = 0, at_1_80 = 0;
    std::vector<int> arm_votes(fixture.arm_count(), 0);
    for (const Baselines& b : baselines[c]) {
      fixed += b.best_fixed;
      optimal += b.instance_optimal;
      gs += b.gauss_seidel;
      at_1_80 += b.omega_1_80;
      ++arm_votes[b.best_fixed_arm];
    }
    const double scale = 1.0 / (static_cast<double>(seeds) * checkpoints[c]);
    const int mode =
        static_cast<int>(std::max_element(arm_votes.begin(), arm_votes.end()) - arm_votes.begin());
    absl::PrintF("| %d | %.1f | %.2f | %.1f | %.1f | %.1f |\n", checkpoints[c], fixed * scale,
                 fixture.omega(mode), at_1_80 * scale, optimal * scale, gs * scale);
  }

  std::vector<PolicyOutcome> outcomes;
  for (const PolicyInfo* policy : policies) {
    absl::StatusOr<PolicyOutcome> outcome =
        RunPolicy(fixture, *policy, sequences, checkpoints, last_window);
    if (!outcome.ok()) {
      return absl::Status(outcome.status().code(),
                          absl::StrCat(policy->name, ": ", outcome.status().message()));
    }
    outcomes.push_back(*std::move(outcome));
  }

  // Ratio tables.
  for (int table = 0; table < 2; ++table) {
    absl::PrintF(table == 0 ? "\n### Total iterations / best fixed omega in hindsight "
                              "(median [25th, 75th percentile] over seeds)\n\n| policy |"
                            : "\n### Total iterations / instance-optimal omega "
                              "(median [25th, 75th percentile] over seeds)\n\n| policy |");
    for (int64_t c : checkpoints) absl::PrintF(" T = %d |", c);
    absl::PrintF("\n|---|");
    for (size_t c = 0; c < checkpoints.size(); ++c) absl::PrintF("---|");
    absl::PrintF("\n");
    for (const PolicyOutcome& o : outcomes) {
      absl::PrintF("| %s |", o.policy->name);
      for (size_t c = 0; c < checkpoints.size(); ++c) {
        std::vector<double> ratios;
        for (size_t s = 0; s < sequences.size(); ++s) {
          const Baselines& b = baselines[c][s];
          ratios.push_back(o.totals[c][s] /
                           static_cast<double>(table == 0 ? b.best_fixed : b.instance_optimal));
        }
        absl::PrintF(" %s |", Cell(Summarise(ratios)));
      }
      absl::PrintF("\n");
    }
  }

  // Mean iterations per instance against spec §7.3.
  const int64_t horizon = checkpoints.back();
  absl::PrintF(
      "\n### Mean iterations per instance at T = %d (mean over seeds) against spec §7.3 "
      "(T = 5000, 20 seeds; gate +/-30 %%)\n\n"
      "| policy | mean over T | spec | last %d | spec | seconds |\n"
      "|---|---|---|---|---|---|\n",
      horizon, last_window);
  int outside = 0;
  const auto spec_cell = [&](double ours, double spec) -> std::string {
    if (spec <= 0 || horizon != 5000) return "-";
    const bool within = std::abs(ours - spec) <= kSpecTolerance * spec;
    outside += within ? 0 : 1;
    return absl::StrFormat("%.1f (%s)", spec, within ? "within" : "OUTSIDE");
  };
  for (const PolicyOutcome& o : outcomes) {
    const double over_t = Summarise(o.totals.back()).mean / horizon;
    const double last = Summarise(o.last_window_mean).mean;
    double spec_t = 0, spec_last = 0;
    for (const SpecPolicyRow& row : kSpecPolicyRows) {
      if (o.policy->name == row.policy) {
        spec_t = row.mean_over_t;
        spec_last = row.mean_last_500;
      }
    }
    const std::string spec_t_cell = spec_cell(over_t, spec_t);
    const std::string spec_last_cell = last_window == 500 ? spec_cell(last, spec_last) : "-";
    absl::PrintF("| %s | %.1f | %s | %.1f | %s | %.1f |\n", o.policy->name, over_t, spec_t_cell,
                 last, spec_last_cell, o.seconds);
  }

  // The quoted ratios and the spec's LinUCB gate.
  absl::PrintF(
      "\n### The issue's quoted ratios to the best fixed omega\n\n"
      "| policy | T | quoted | measured median | measured mean | within +10 %% of "
      "quoted |\n|---|---|---|---|---|---|\n");
  for (const QuotedRatio& quoted : kQuotedRatios) {
    const size_t c = static_cast<size_t>(
        std::find(checkpoints.begin(), checkpoints.end(), quoted.instances) - checkpoints.begin());
    if (c >= checkpoints.size()) continue;
    for (const PolicyOutcome& o : outcomes) {
      if (o.policy->name != quoted.policy) continue;
      std::vector<double> ratios;
      for (size_t s = 0; s < sequences.size(); ++s) {
        ratios.push_back(o.totals[c][s] / static_cast<double>(baselines[c][s].best_fixed));
      }
      const Quantiles q = Summarise(ratios);
      absl::PrintF("| %s | %d | %.2f | %.2f | %.2f | %s |\n", quoted.policy, quoted.instances,
                   quoted.ratio, q.median, q.mean,
                   q.median <= 1.10 * quoted.ratio ? "MET" : "MISSED");
    }
  }
  for (const PolicyOutcome& o : outcomes) {
    if (o.policy->name != "linucb") continue;
    double fixed = 0;
    for (const Baselines& b : baselines.back()) fixed += b.best_fixed;
    fixed /= static_cast<double>(seeds) * horizon;
    const double last = Summarise(o.last_window_mean).mean;
    absl::PrintF(
        "\nSpec §7.3 gate: LinUCB's mean over the last %d instances (%.1f) below the best "
        "fixed omega's mean (%.1f): %s.\n",
        last_window, last, fixed, last < fixed ? "MET" : "MISSED");
  }
  absl::PrintF("\nSpec cells outside +/-30 %%: %d. Wall time %.1f s.\n", outside,
               std::chrono::duration<double>(Clock::now() - start).count());
  return absl::OkStatus();
}

}  // namespace
}  // namespace hyperd::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Bandit-chosen SOR relaxation over a sequence of linear systems (specs/bandits.md §6/§7.3).");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = hyperd::bench::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "bench_bandit_sor: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
