#include "bench/bandits/simulated_policy.h"

#include <algorithm>
#include <utility>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::bench {
namespace {

class LibraryPolicy : public SimulatedPolicy {
 public:
  explicit LibraryPolicy(std::unique_ptr<algorithms::BanditPolicy> policy)
      : policy_(std::move(policy)) {}

  absl::StatusOr<algorithms::BanditDecision> Select(absl::Span<const int64_t> pending,
                                                    absl::Span<const double> context,
                                                    uint64_t decision_seed) override {
    return policy_->Select(pending, context, decision_seed);
  }

  absl::Status Update(const algorithms::BanditDecision& decision, double reward,
                      absl::Span<const double> context, uint64_t decision_seed) override {
    return policy_->Update(decision.arm, reward, decision.probability, context, decision_seed);
  }

 private:
  std::unique_ptr<algorithms::BanditPolicy> policy_;
};

class UniformRandomPolicy : public SimulatedPolicy {
 public:
  explicit UniformRandomPolicy(int arm_count) : arm_count_(arm_count) {}

  absl::StatusOr<algorithms::BanditDecision> Select(absl::Span<const int64_t>,
                                                    absl::Span<const double>,
                                                    uint64_t decision_seed) override {
    const double u = algorithms::UnitDoubleFromBits(algorithms::Mix64(decision_seed));
    algorithms::BanditDecision decision;
    decision.arm = std::min(arm_count_ - 1, static_cast<int>(u * arm_count_));
    decision.probability = 1.0 / arm_count_;
    return decision;
  }

  absl::Status Update(const algorithms::BanditDecision&, double, absl::Span<const double>,
                      uint64_t) override {
    return absl::OkStatus();
  }

 private:
  int arm_count_;
};

}  // namespace

std::unique_ptr<SimulatedPolicy> WrapBanditPolicy(
    std::unique_ptr<algorithms::BanditPolicy> policy) {
  return std::make_unique<LibraryPolicy>(std::move(policy));
}

std::unique_ptr<SimulatedPolicy> MakeUniformRandomPolicy(int arm_count) {
  return std::make_unique<UniformRandomPolicy>(arm_count);
}

}  // namespace hyperd::bench
