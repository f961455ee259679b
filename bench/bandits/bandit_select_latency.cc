// Measures Select and Update latency of every bandit policy variant with 1,000 arms after
// 100,000 updates (the target: Select well under 200 us). Prints one line per policy with
// the median and 99th percentile over repeated calls. Run on a Release build.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "algorithms/samplers/bandit/bandit_policy.h"
#include "algorithms/samplers/random_bits.h"
#include "bench/sample_stats.h"
#include "tests/unit/algorithms/bandit/policy_catalog.h"

namespace hyperd::algorithms {
namespace {

constexpr int kArms = 1000;
constexpr int kWarmUpdates = 100000;
constexpr int kRepeats = 501;

int Run() {
  std::printf("%-24s %12s %12s %12s %12s\n", "policy", "select_p50", "select_p99", "update_p50",
              "update_p99");
  for (const testing::NamedConfig& variant : testing::AllPolicyVariants(kWarmUpdates)) {
    absl::StatusOr<std::unique_ptr<BanditPolicy>> made = MakeBanditPolicy(variant.config, kArms);
    if (!made.ok()) {
      std::fprintf(stderr, "%s: %s\n", variant.name.c_str(), made.status().ToString().c_str());
      return 1;
    }
    BanditPolicy& policy = **made;
    SplitMix64 random(1);
    std::vector<double> context;
    if (policy.context_dimension() > 0) context.assign(policy.context_dimension(), 1.0);
    auto reward_of = [&](int arm) {
      return std::min(1.0, 0.5 * UnitDoubleFromBits(random.Next()) + arm / (2.0 * kArms));
    };
    // Warm-up: decisions of the policy itself, rewards applied at once.
    for (int t = 0; t < kWarmUpdates; ++t) {
      const uint64_t seed = MixSeed(3, t);
      const BanditDecision d = *policy.Select({}, context, seed);
      if (!policy.Update(d.arm, reward_of(d.arm), d.probability, context, seed).ok()) return 1;
    }
    std::vector<int64_t> pending(kArms, 0);
    std::vector<double> select_us;
    std::vector<double> update_us;
    for (int r = 0; r < kRepeats; ++r) {
      const uint64_t seed = MixSeed(4, r);
      const auto start = std::chrono::steady_clock::now();
      const BanditDecision d = *policy.Select(pending, context, seed);
      const auto middle = std::chrono::steady_clock::now();
      if (!policy.Update(d.arm, reward_of(d.arm), d.probability, context, seed).ok()) return 1;
      const auto end = std::chrono::steady_clock::now();
      select_us.push_back(std::chrono::duration<double, std::micro>(middle - start).count());
      update_us.push_back(std::chrono::duration<double, std::micro>(end - middle).count());
    }
    std::sort(select_us.begin(), select_us.end());
    std::sort(update_us.begin(), update_us.end());
    std::printf("%-24s %10.2fus %10.2fus %10.3fus %10.3fus\n", variant.name.c_str(),
                bench::Median(select_us), bench::Percentile(select_us, 0.99),
                bench::Median(update_us), bench::Percentile(update_us, 0.99));
  }
  return 0;
}

}  // namespace
}  // namespace hyperd::algorithms

int main() { return hyperd::algorithms::Run(); }
