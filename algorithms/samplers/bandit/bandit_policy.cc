#include "algorithms/samplers/bandit/bandit_policy.h"

#include <memory>

#include "algorithms/samplers/bandit/exp3_policy.h"
#include "algorithms/samplers/bandit/linucb_policy.h"
#include "algorithms/samplers/bandit/thompson_policy.h"
#include "algorithms/samplers/bandit/tsallis_inf_policy.h"
#include "algorithms/samplers/bandit/ucb_policy.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {

absl::StatusOr<std::unique_ptr<BanditPolicy>> MakeBanditPolicy(const BanditConfig& config,
                                                               int arm_count) {
  RETURN_IF_ERROR(ValidateBanditConfig(config, arm_count));
  switch (config.algorithm) {
    case BanditAlgorithm::kUcb1:
      return std::make_unique<UcbPolicy>(config.ucb1, arm_count);
    case BanditAlgorithm::kThompson:
      return std::make_unique<ThompsonPolicy>(config.thompson, arm_count);
    case BanditAlgorithm::kExp3:
      return std::make_unique<Exp3Policy>(config.exp3, arm_count);
    case BanditAlgorithm::kTsallisInf:
      return std::make_unique<TsallisInfPolicy>(config.tsallis_inf, arm_count);
    case BanditAlgorithm::kLinUcb:
      return std::make_unique<LinUcbPolicy>(config.linucb, arm_count);
  }
  return absl::InvalidArgumentError("sampler: unknown bandit algorithm");
}

}  // namespace hyperd::algorithms
