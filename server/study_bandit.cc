#include "server/study_bandit.h"

#include <cmath>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/bandit/arm_enumeration.h"
#include "algorithms/space/value_grid.h"
#include "common/status_macros.h"

namespace hyperd::server {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

absl::Status WithPrefix(absl::string_view prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<StudyBandit>> StudyBandit::Create(
    const hyperd::v1::StudySpec& spec, const algorithms::SearchSpace& space) {
  const BanditStudyConfig config = ToBanditStudyConfig(spec);
  const std::string sampler_path = absl::StrCat("sampler.", SamplerName(spec.sampler()));
  const int context_dimension = spec.context_dimension();
  if (config.policy.algorithm == algorithms::BanditAlgorithm::kLinUcb) {
    if (context_dimension < 1 || context_dimension > algorithms::kMaxLinUcbContextDimension) {
      return Invalid(
          "context_dimension",
          absl::StrCat("linucb regresses on the context vector, so the study must "
                       "declare its length between 1 and ",
                       algorithms::kMaxLinUcbContextDimension, ", got ", context_dimension,
                       " (e.g. 3 for the features [1, u, u^2] of a scalar u)"));
    }
  }
  std::unique_ptr<StudyBandit> bandit(new StudyBandit());
  bandit->space_ = space;
  absl::StatusOr<std::vector<algorithms::Assignment>> arms =
      algorithms::EnumerateArms(space, kMaxArms);
  if (!arms.ok()) return WithPrefix("search_space.", arms.status());
  bandit->arms_ = *std::move(arms);
  RETURN_IF_ERROR(algorithms::ValidateRewardNormalization(
      config.reward.normalization, absl::StrCat(sampler_path, ".reward").c_str()));
  if (config.reward.failure_reward.has_value()) {
    const double r = *config.reward.failure_reward;
    if (!(r >= 0 && r <= 1)) {
      return Invalid(absl::StrCat(sampler_path, ".reward.failure_reward"),
                     absl::StrCat("must be a reward in [0, 1] (0: a failure is as bad as the "
                                  "worst result), got ",
                                  r));
    }
  }
  ASSIGN_OR_RETURN(bandit->policy_,
                   algorithms::MakeBanditPolicy(config.policy, bandit->arm_count()));
  bandit->reward_ = config.reward;
  bandit->pending_.assign(bandit->arms_.size(), 0);
  for (int i = 0; i < bandit->arm_count(); ++i) {
    bandit->arm_by_key_.emplace(bandit->KeyOf(bandit->arms_[i]), i);
  }
  return bandit;
}

std::string StudyBandit::KeyOf(const algorithms::Assignment& assignment) const {
  // The values in search-space order, stepped floats by their grid index, so an assignment that
  // ValidateAssignment accepts maps to the arm EnumerateArms produced for it.
  std::string key;
  for (const algorithms::ParameterConfig& parameter : space_.parameters) {
    const algorithms::ParameterValue* value = nullptr;
    for (const auto& [name, v] : assignment) {
      if (name == parameter.name) value = &v;
    }
    if (value == nullptr) {
      absl::StrAppend(&key, "-;");
    } else if (const double* d = std::get_if<double>(value)) {
      const auto* kind = std::get_if<algorithms::DoubleParameter>(&parameter.kind);
      // A float arm is stepped, or fixed (min == max, no step: its one value is index 0);
      // SteppedDoubleIndexOf divides by the step (found by fuzz/request_validation_fuzzer).
      std::optional<int64_t> index;
      if (kind != nullptr && kind->step > 0) {
        index = algorithms::SteppedDoubleIndexOf(*kind, *d);
      } else if (kind != nullptr && *d == kind->min) {
        index = 0;
      }
      absl::StrAppend(&key, "d", index.has_value() ? *index : -1, ";");
    } else if (const int64_t* i = std::get_if<int64_t>(value)) {
      absl::StrAppend(&key, "i", *i, ";");
    } else {
      const std::string& s = std::get<std::string>(*value);
      absl::StrAppend(&key, "c", s.size(), ":", s, ";");
    }
  }
  return key;
}

absl::StatusOr<int> StudyBandit::ArmOf(const algorithms::Assignment& assignment) const {
  auto it = arm_by_key_.find(KeyOf(assignment));
  if (it == arm_by_key_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameters: ", algorithms::FormatAssignment(assignment),
                     " is not one of the study's arms; list them with ListArms (hyperctl arms)"));
  }
  return it->second;
}

absl::StatusOr<algorithms::BanditDecision> StudyBandit::Select(absl::Span<const double> context,
                                                               uint64_t decision_seed) const {
  return policy_->Select(pending_, context, decision_seed);
}

double StudyBandit::CurrentProbability(int arm) const {
  const double p = policy_->Summary()[arm].selection_probability;
  return p > 0 ? p : 1;
}

std::optional<double> StudyBandit::RewardOf(hyperd::v1::Trial::State state,
                                            std::optional<double> objective,
                                            algorithms::Goal goal) const {
  using hyperd::v1::Trial;
  if (state == Trial::INFEASIBLE) return 0.0;
  if (objective.has_value()) {
    return algorithms::NormalizeReward(reward_.normalization, goal == algorithms::Goal::kMaximize,
                                       *objective);
  }
  if (state == Trial::FAILED) return reward_.failure_reward;
  return std::nullopt;
}

absl::Status StudyBandit::Apply(double reward, absl::Span<const double> context,
                                uint64_t decision_seed, hyperd::v1::BanditPull& pull) {
  RETURN_IF_ERROR(policy_->Update(pull.arm(), reward, pull.probability(), context, decision_seed));
  pull.set_reward(reward);
  pull.set_reward_sequence(policy_->rewards_applied());
  return absl::OkStatus();
}

absl::Status StudyBandit::Replay(const hyperd::v1::BanditPull& pull,
                                 absl::Span<const double> context, uint64_t decision_seed) {
  if (pull.reward_sequence() != policy_->rewards_applied() + 1 || pull.arm() < 0 ||
      pull.arm() >= arm_count()) {
    return absl::DataLossError(absl::StrCat(
        "bandit reward ", pull.reward_sequence(), " of arm ", pull.arm(),
        " does not follow reward ", policy_->rewards_applied(), " of ", arm_count(), " arms"));
  }
  absl::Status applied =
      policy_->Update(pull.arm(), pull.reward(), pull.probability(), context, decision_seed);
  if (!applied.ok()) return absl::DataLossError(applied.message());
  return absl::OkStatus();
}

std::string StudyBandit::StatusLine() const {
  const std::vector<algorithms::ArmSummary> summary = policy_->Summary();
  int best = -1;
  for (int i = 0; i < arm_count(); ++i) {
    if (summary[i].pulls == 0) continue;
    if (best < 0 || summary[i].mean_reward > summary[best].mean_reward) best = i;
  }
  std::string line = absl::StrCat(policy_->name(), ": ", arm_count(), " arms, ",
                                  policy_->rewards_applied(), " rewards");
  if (best >= 0) {
    absl::StrAppend(&line, "; best mean ", summary[best].mean_reward, " at ",
                    algorithms::FormatAssignment(arms_[best]), " (", summary[best].pulls,
                    " pulls)");
  }
  return line;
}

}  // namespace hyperd::server
