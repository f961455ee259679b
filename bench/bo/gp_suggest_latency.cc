// Suggest latency of the GP sampler on a 6-D continuous space (Hartmann-6 values) at several study
// sizes, in the model phase: with a refit from scratch (empty state: prior mean + 2 random
// restarts), with the refit policy's warm-started refit (state fitted max(1, n/20) points earlier),
// without a refit (the state of the first case, fresh sampler: the factor is rebuilt), and with a
// warm cache (same sampler, same input).
// Medians over repeats of wall and thread CPU time. Not a test: run by hand.
//
//   bench_gp_suggest_latency [repeats=5] [sizes=100,200,500,1500] [profile]
// With "profile", each size runs its refit once and then only the no-refit suggestion, `repeats`
// times (for perf).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "algorithms/samplers/gp/gp_sampler.h"
#include "algorithms/samplers/sobol_sequence.h"
#include "bench/sample_stats.h"

namespace hyperd::algorithms {
namespace {

double Hartmann6(const std::vector<double>& x) {
  static const double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double kA[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                  {0.05, 10, 17, 0.1, 8, 14},
                                  {3, 3.5, 1.7, 10, 17, 8},
                                  {17, 8, 0.05, 10, 0.1, 14}};
  static const double kP[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                  {2329, 4135, 8307, 3736, 1004, 9991},
                                  {2348, 1451, 3522, 2883, 3047, 6650},
                                  {4047, 8828, 8732, 5743, 1091, 381}};
  double f = 0;
  for (int i = 0; i < 4; ++i) {
    double s = 0;
    for (int j = 0; j < 6; ++j) s += kA[i][j] * std::pow(x[j] - 1e-4 * kP[i][j], 2);
    f -= kAlpha[i] * std::exp(-s);
  }
  return f;
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

struct Timing {
  double wall = 0;
  double cpu = 0;
};

Timing Time(const Sampler& sampler, const SamplerInput& input, SamplerOutput* output) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu = ThreadCpuSeconds();
  absl::StatusOr<SamplerOutput> out = sampler.Suggest(input);
  Timing t{std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
           ThreadCpuSeconds() - cpu};
  if (!out.ok()) {
    std::fprintf(stderr, "suggest failed: %s\n", std::string(out.status().message()).c_str());
    std::exit(1);
  }
  *output = *std::move(out);
  return t;
}


}  // namespace
}  // namespace hyperd::algorithms

int main(int argc, char** argv) {
  using namespace hyperd::algorithms;
  using hyperd::bench::Median;
  Eigen::setNbThreads(1);
  int repeats = 5;
  std::vector<int> sizes = {100, 200, 500, 1500};
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &repeats)) return 2;
  if (argc > 2) {
    sizes.clear();
    for (absl::string_view s : absl::StrSplit(argv[2], ',')) {
      int n;
      if (!absl::SimpleAtoi(s, &n)) return 2;
      sizes.push_back(n);
    }
  }
  SearchSpace space;
  for (int i = 0; i < 6; ++i) {
    space.parameters.push_back({"x" + std::to_string(i), DoubleParameter{0, 1}, std::nullopt});
  }
  const bool profile = argc > 3 && std::string(argv[3]) == "profile";
  const SobolSequence sobol(6);
  std::printf("%6s %-22s %12s %12s\n", "n", "case", "wall ms", "cpu ms");
  for (int n : sizes) {
    std::vector<double> refit_wall, refit_cpu, cold_wall, cold_cpu, warm_wall, warm_cpu;
    std::vector<double> warm_refit_wall, warm_refit_cpu;
    std::string status;
    for (int r = 0; r < repeats; ++r) {
      std::vector<TrialObservation> trials;
      for (int i = 0; i < n; ++i) {
        const std::vector<double> u = sobol.ScrambledPoint(i, 100 + r);
        TrialObservation t;
        t.number = i;
        t.outcome = TrialObservation::Outcome::kSucceeded;
        for (int j = 0; j < 6; ++j) t.parameters.emplace_back("x" + std::to_string(j), u[j]);
        t.objective = Hartmann6(u);
        trials.push_back(std::move(t));
      }
      SamplerInput input;
      input.space = &space;
      input.seed = r;
      input.trials = &trials;
      input.count = 1;
      std::unique_ptr<Sampler> sampler = *MakeGpSampler({}, space);
      SamplerOutput refit;
      const Timing a = Time(*sampler, input, &refit);
      refit_wall.push_back(a.wall);
      refit_cpu.push_back(a.cpu);
      input.state = refit.state;
      if (!profile) {
        // The refit the policy triggers: warm-started from the fit max(1, n/20) points earlier.
        const int earlier = n - std::max(1, n / 20);
        std::vector<TrialObservation> prefix(trials.begin(), trials.begin() + earlier);
        SamplerInput old_input = input;
        old_input.trials = &prefix;
        old_input.state = "";
        std::unique_ptr<Sampler> old_sampler = *MakeGpSampler({}, space);
        SamplerOutput old_output;
        Time(*old_sampler, old_input, &old_output);
        SamplerInput refit_input = input;
        refit_input.state = old_output.state;
        SamplerOutput warm_refit;
        const Timing w = Time(*old_sampler, refit_input, &warm_refit);
        warm_refit_wall.push_back(w.wall);
        warm_refit_cpu.push_back(w.cpu);
      }
      if (profile) {
        for (int k = 0; k < repeats; ++k) {
          std::unique_ptr<Sampler> again = *MakeGpSampler({}, space);
          SamplerOutput out;
          const Timing t = Time(*again, input, &out);
          cold_wall.push_back(t.wall);
          cold_cpu.push_back(t.cpu);
        }
        std::printf("%6d %-22s %12.1f %12.1f\n", n, "no refit, cold cache", 1e3 * Median(cold_wall),
                    1e3 * Median(cold_cpu));
        break;
      }
      std::unique_ptr<Sampler> cold_sampler = *MakeGpSampler({}, space);
      SamplerOutput cold;
      const Timing b = Time(*cold_sampler, input, &cold);
      cold_wall.push_back(b.wall);
      cold_cpu.push_back(b.cpu);
      SamplerOutput warm;
      const Timing c = Time(*cold_sampler, input, &warm);
      warm_wall.push_back(c.wall);
      warm_cpu.push_back(c.cpu);
      status = refit.status;
    }
    if (profile) continue;
    std::printf("%6d %-22s %12.1f %12.1f\n", n, "with refit", 1e3 * Median(refit_wall),
                1e3 * Median(refit_cpu));
    std::printf("%6d %-22s %12.1f %12.1f\n", n, "warm-started refit", 1e3 * Median(warm_refit_wall),
                1e3 * Median(warm_refit_cpu));
    std::printf("%6d %-22s %12.1f %12.1f\n", n, "no refit, cold cache", 1e3 * Median(cold_wall),
                1e3 * Median(cold_cpu));
    std::printf("%6d %-22s %12.1f %12.1f\n", n, "no refit, warm cache", 1e3 * Median(warm_wall),
                1e3 * Median(warm_cpu));
    std::printf("       status: %s\n", status.c_str());
  }
  return 0;
}
