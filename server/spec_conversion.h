// Conversions between the API's messages and the algorithms' types: the one place where the proto
// search space, sampler settings and parameter values cross into algorithms/.
#ifndef HYPERD_SERVER_SPEC_CONVERSION_H_
#define HYPERD_SERVER_SPEC_CONVERSION_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "algorithms/registry.h"
#include "algorithms/samplers/bandit/bandit_config.h"
#include "algorithms/samplers/bandit/reward_normalization.h"
#include "algorithms/samplers/sampler.h"
#include "algorithms/space/search_space.h"
#include "google/protobuf/repeated_field.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::server {

// INVALID_ARGUMENT ("parameters[1]: set one of double_spec, integer_spec or categorical_spec")
// when a parameter has no kind; the space's own rules are checked by ValidateSearchSpace.
absl::StatusOr<algorithms::SearchSpace> ToSearchSpace(const hyperd::v1::SearchSpace& proto);

// The spec must be normalised (NormalizeNewStudy): a sampler set, its defaults spelled out, and
// for bohb a hyperband scheduler (whose rungs are BOHB's budgets). Not for bandit samplers.
algorithms::SamplerConfig ToSamplerConfig(const hyperd::v1::StudySpec& spec);

// ucb1, thompson, exp3, tsallis_inf, linucb: stateful policies the runtime feeds each finished
// trial's reward (server/study_bandit.h), not Samplers.
bool IsBanditSampler(const hyperd::v1::SamplerSpec& proto);

struct BanditStudyConfig {
  algorithms::BanditConfig policy;
  struct Reward {
    algorithms::RewardNormalization normalization;
    // Reward of a FAILED trial without an objective; none: it teaches nothing.
    std::optional<double> failure_reward;
  } reward;
};

// The settings of a normalised bandit spec (IsBanditSampler), unvalidated: StudyBandit::Create
// validates them. LinUCB's context dimension is the study's.
BanditStudyConfig ToBanditStudyConfig(const hyperd::v1::StudySpec& spec);

// "random", "sobol", "grid", "gp", "tpe", "bohb", "ucb1", "thompson", "exp3", "tsallis_inf",
// "linucb": the sampler's name in metrics, logs and trial origins.
std::string SamplerName(const hyperd::v1::SamplerSpec& proto);

// The spec must be normalised (NormalizeNewStudy): defaults spelled out, seed set.
algorithms::SchedulerConfig ToSchedulerConfig(const hyperd::v1::StudySpec& spec);

// "fifo", "median", "successive_halving", "hyperband".
std::string SchedulerName(const hyperd::v1::SchedulerSpec& proto);

algorithms::Goal ToGoal(hyperd::v1::Objective::Goal goal);

// INVALID_ARGUMENT naming the parameter when a value is not set.
absl::StatusOr<algorithms::Assignment> ToAssignment(
    const google::protobuf::RepeatedPtrField<hyperd::v1::Parameter>& parameters);

void ToParameters(const algorithms::Assignment& assignment,
                  google::protobuf::RepeatedPtrField<hyperd::v1::Parameter>* parameters);

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_SPEC_CONVERSION_H_
