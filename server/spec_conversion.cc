#include "server/spec_conversion.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "algorithms/samplers/random_bits.h"

namespace hyperd::server {
namespace {

using hyperd::v1::ParameterSpec;

algorithms::Scale ToScale(hyperd::v1::Scale scale) {
  return scale == hyperd::v1::LOG ? algorithms::Scale::kLog : algorithms::Scale::kLinear;
}

}  // namespace

absl::StatusOr<algorithms::SearchSpace> ToSearchSpace(const hyperd::v1::SearchSpace& proto) {
  algorithms::SearchSpace space;
  for (int i = 0; i < proto.parameters_size(); ++i) {
    const ParameterSpec& p = proto.parameters(i);
    algorithms::ParameterConfig config;
    config.name = p.name();
    switch (p.kind_case()) {
      case ParameterSpec::kDoubleSpec:
        config.kind =
            algorithms::DoubleParameter{p.double_spec().min(), p.double_spec().max(),
                                        ToScale(p.double_spec().scale()), p.double_spec().step()};
        break;
      case ParameterSpec::kIntegerSpec:
        config.kind = algorithms::IntegerParameter{
            p.integer_spec().min(), p.integer_spec().max(), ToScale(p.integer_spec().scale()),
            p.integer_spec().step() == 0 ? 1 : p.integer_spec().step()};
        break;
      case ParameterSpec::kCategoricalSpec:
        config.kind = algorithms::CategoricalParameter{
            {p.categorical_spec().values().begin(), p.categorical_spec().values().end()}};
        break;
      case ParameterSpec::KIND_NOT_SET:
        return absl::InvalidArgumentError(
            absl::StrCat("parameters[", i, "] ('", p.name(),
                         "'): no type; set one of double_spec, integer_spec or categorical_spec"));
    }
    if (p.has_condition()) {
      const hyperd::v1::Condition& c = p.condition();
      config.condition =
          algorithms::Condition{c.parent(),
                                {c.categorical_values().begin(), c.categorical_values().end()},
                                {c.integer_values().begin(), c.integer_values().end()}};
    }
    space.parameters.push_back(std::move(config));
  }
  return space;
}

algorithms::SamplerConfig ToSamplerConfig(const hyperd::v1::StudySpec& spec) {
  const hyperd::v1::SamplerSpec& proto = spec.sampler();
  switch (proto.algorithm_case()) {
    case hyperd::v1::SamplerSpec::kSobol:
      return algorithms::SobolSamplerConfig{!proto.sobol().disable_scrambling()};
    case hyperd::v1::SamplerSpec::kGrid: {
      algorithms::GridSamplerConfig grid;
      grid.shuffle = proto.grid().shuffle();
      grid.points_per_continuous_parameter = proto.grid().points_per_continuous_parameter();
      return grid;
    }
    case hyperd::v1::SamplerSpec::kGp: {
      // Unset settings were filled with their defaults by NormalizeSampler.
      const hyperd::v1::GpSampler& gp = proto.gp();
      algorithms::GpSamplerConfig config;
      config.acquisition = gp.acquisition() == hyperd::v1::GpSampler::UPPER_CONFIDENCE_BOUND
                               ? algorithms::GpSamplerConfig::Acquisition::kUpperConfidenceBound
                               : algorithms::GpSamplerConfig::Acquisition::kLogExpectedImprovement;
      config.ucb_beta = gp.ucb_beta();
      config.n_startup_trials = gp.n_startup_trials();
      config.deterministic_objective = gp.deterministic_objective();
      return config;
    }
    case hyperd::v1::SamplerSpec::kTpe: {
      const hyperd::v1::TpeSampler& tpe = proto.tpe();
      algorithms::TpeSamplerConfig config;
      config.n_startup_trials = tpe.n_startup_trials();
      config.n_ei_candidates = tpe.n_ei_candidates();
      config.multivariate = tpe.multivariate();
      config.constant_liar = tpe.constant_liar();
      config.prior_weight = tpe.prior_weight();
      return config;
    }
    case hyperd::v1::SamplerSpec::kBohb: {
      const hyperd::v1::BohbSampler& bohb = proto.bohb();
      algorithms::BohbSamplerConfig config;
      config.top_n_percent = bohb.top_n_percent();
      config.num_samples = bohb.num_samples();
      config.random_fraction = bohb.random_fraction();
      config.bandwidth_factor = bohb.bandwidth_factor();
      config.min_bandwidth = bohb.min_bandwidth();
      config.min_points_in_model = bohb.min_points_in_model();
      // The budgets are the hyperband rungs (BOHB is valid only with scheduler.hyperband).
      config.min_resource = spec.scheduler().hyperband().min_resource();
      config.max_resource = spec.resource().max_resource();
      config.reduction_factor = spec.scheduler().hyperband().reduction_factor();
      return config;
    }
    case hyperd::v1::SamplerSpec::kUcb1:
    case hyperd::v1::SamplerSpec::kThompson:
    case hyperd::v1::SamplerSpec::kExp3:
    case hyperd::v1::SamplerSpec::kTsallisInf:
    case hyperd::v1::SamplerSpec::kLinucb:
      // Bandit policies are not Samplers: see ToBanditStudyConfig.
    case hyperd::v1::SamplerSpec::kRandom:
    case hyperd::v1::SamplerSpec::ALGORITHM_NOT_SET:
      break;
  }
  return algorithms::RandomSamplerConfig{};
}

bool IsBanditSampler(const hyperd::v1::SamplerSpec& proto) {
  switch (proto.algorithm_case()) {
    case hyperd::v1::SamplerSpec::kUcb1:
    case hyperd::v1::SamplerSpec::kThompson:
    case hyperd::v1::SamplerSpec::kExp3:
    case hyperd::v1::SamplerSpec::kTsallisInf:
    case hyperd::v1::SamplerSpec::kLinucb:
      return true;
    default:
      return false;
  }
}

namespace {

algorithms::DriftSettings ToDrift(const hyperd::v1::BanditDrift& proto) {
  algorithms::DriftSettings drift;
  switch (proto.kind()) {
    case hyperd::v1::BanditDrift::DISCOUNTED:
      drift.kind = algorithms::DriftKind::kDiscounted;
      break;
    case hyperd::v1::BanditDrift::SLIDING_WINDOW:
      drift.kind = algorithms::DriftKind::kSlidingWindow;
      break;
    default:
      drift.kind = algorithms::DriftKind::kNone;
      break;
  }
  drift.discount = proto.discount();
  drift.window = proto.window();
  drift.expected_changes = proto.expected_changes();
  drift.horizon = proto.horizon();
  return drift;
}

BanditStudyConfig::Reward ToReward(const hyperd::v1::BanditReward& proto) {
  BanditStudyConfig::Reward reward;
  switch (proto.scale()) {
    case hyperd::v1::BanditReward::CAPPED_COST:
      reward.normalization.scale = algorithms::RewardScale::kCappedCost;
      break;
    case hyperd::v1::BanditReward::CAPPED_LOG_COST:
      reward.normalization.scale = algorithms::RewardScale::kCappedLogCost;
      break;
    default:
      reward.normalization.scale = algorithms::RewardScale::kUnit;
      break;
  }
  reward.normalization.cap = proto.cap();
  reward.normalization.floor = proto.floor();
  if (proto.has_failure_reward()) reward.failure_reward = proto.failure_reward();
  return reward;
}

}  // namespace

BanditStudyConfig ToBanditStudyConfig(const hyperd::v1::StudySpec& spec) {
  const hyperd::v1::SamplerSpec& proto = spec.sampler();
  BanditStudyConfig config;
  algorithms::BanditConfig& policy = config.policy;
  switch (proto.algorithm_case()) {
    case hyperd::v1::SamplerSpec::kUcb1: {
      const hyperd::v1::Ucb1Sampler& ucb1 = proto.ucb1();
      policy.algorithm = algorithms::BanditAlgorithm::kUcb1;
      policy.ucb1.tuned = ucb1.tuned();
      policy.ucb1.alpha = ucb1.alpha();
      policy.ucb1.drift = ToDrift(ucb1.drift());
      config.reward = ToReward(ucb1.reward());
      break;
    }
    case hyperd::v1::SamplerSpec::kThompson: {
      const hyperd::v1::ThompsonSampler& thompson = proto.thompson();
      policy.algorithm = algorithms::BanditAlgorithm::kThompson;
      policy.thompson.prior = thompson.prior() == hyperd::v1::ThompsonSampler::GAUSSIAN
                                  ? algorithms::ThompsonPrior::kGaussian
                              : thompson.prior() == hyperd::v1::ThompsonSampler::NORMAL_GAMMA
                                  ? algorithms::ThompsonPrior::kNormalGamma
                                  : algorithms::ThompsonPrior::kBeta;
      policy.thompson.prior_alpha = thompson.prior_alpha();
      policy.thompson.prior_beta = thompson.prior_beta();
      policy.thompson.variance = thompson.variance();
      policy.thompson.drift = ToDrift(thompson.drift());
      config.reward = ToReward(thompson.reward());
      break;
    }
    case hyperd::v1::SamplerSpec::kExp3: {
      const hyperd::v1::Exp3Sampler& exp3 = proto.exp3();
      policy.algorithm = algorithms::BanditAlgorithm::kExp3;
      policy.exp3.gamma = exp3.gamma();
      policy.exp3.horizon = exp3.horizon();
      policy.exp3.share = exp3.share();
      policy.exp3.switches = exp3.switches();
      policy.exp3.drift = ToDrift(exp3.drift());
      config.reward = ToReward(exp3.reward());
      break;
    }
    case hyperd::v1::SamplerSpec::kTsallisInf:
      policy.algorithm = algorithms::BanditAlgorithm::kTsallisInf;
      policy.tsallis_inf.learning_rate = proto.tsallis_inf().learning_rate();
      config.reward = ToReward(proto.tsallis_inf().reward());
      break;
    case hyperd::v1::SamplerSpec::kLinucb: {
      const hyperd::v1::LinUcbSampler& linucb = proto.linucb();
      policy.algorithm = algorithms::BanditAlgorithm::kLinUcb;
      policy.linucb.alpha = linucb.alpha();
      policy.linucb.ridge = linucb.ridge();
      policy.linucb.context_dimension = spec.context_dimension();
      policy.linucb.target = linucb.target() == hyperd::v1::LinUcbSampler::REWARD
                                 ? algorithms::LinUcbTarget::kReward
                                 : algorithms::LinUcbTarget::kNegativeLoss;
      policy.linucb.refresh_interval = linucb.refresh_interval();
      config.reward = ToReward(linucb.reward());
      break;
    }
    default:
      break;
  }
  return config;
}

std::string SamplerName(const hyperd::v1::SamplerSpec& proto) {
  switch (proto.algorithm_case()) {
    case hyperd::v1::SamplerSpec::kSobol:
      return "sobol";
    case hyperd::v1::SamplerSpec::kGrid:
      return "grid";
    case hyperd::v1::SamplerSpec::kGp:
      return "gp";
    case hyperd::v1::SamplerSpec::kTpe:
      return "tpe";
    case hyperd::v1::SamplerSpec::kBohb:
      return "bohb";
    case hyperd::v1::SamplerSpec::kUcb1:
      return "ucb1";
    case hyperd::v1::SamplerSpec::kThompson:
      return "thompson";
    case hyperd::v1::SamplerSpec::kExp3:
      return "exp3";
    case hyperd::v1::SamplerSpec::kTsallisInf:
      return "tsallis_inf";
    case hyperd::v1::SamplerSpec::kLinucb:
      return "linucb";
    case hyperd::v1::SamplerSpec::kRandom:
    case hyperd::v1::SamplerSpec::ALGORITHM_NOT_SET:
      break;
  }
  return "random";
}

algorithms::SchedulerConfig ToSchedulerConfig(const hyperd::v1::StudySpec& spec) {
  const hyperd::v1::SchedulerSpec& proto = spec.scheduler();
  const int64_t max_resource = spec.resource().max_resource();
  switch (proto.algorithm_case()) {
    case hyperd::v1::SchedulerSpec::kMedian: {
      const hyperd::v1::MedianStoppingScheduler& m = proto.median();
      algorithms::MedianStoppingConfig config;
      config.warmup_steps = m.warmup_steps();
      config.n_startup_trials = m.n_startup_trials();
      config.min_trials = m.min_trials();
      config.interval_steps = m.interval_steps();
      config.statistic = m.statistic() == hyperd::v1::MedianStoppingScheduler::RUNNING_MEAN
                             ? algorithms::MedianStoppingConfig::Statistic::kRunningMean
                             : algorithms::MedianStoppingConfig::Statistic::kBestSoFar;
      config.reference = m.reference() == hyperd::v1::MedianStoppingScheduler::COMPLETED
                             ? algorithms::MedianStoppingConfig::Reference::kCompleted
                             : algorithms::MedianStoppingConfig::Reference::kReached;
      return config;
    }
    case hyperd::v1::SchedulerSpec::kSuccessiveHalving: {
      const hyperd::v1::SuccessiveHalvingScheduler& sh = proto.successive_halving();
      return algorithms::SuccessiveHalvingConfig{sh.min_resource(), max_resource,
                                                 sh.reduction_factor(), sh.bootstrap_count()};
    }
    case hyperd::v1::SchedulerSpec::kHyperband: {
      const hyperd::v1::HyperbandScheduler& hb = proto.hyperband();
      // The bracket seed is derived from the study seed, so a study replays exactly.
      constexpr uint64_t kBracketStream = 0x6272616332b2ULL;
      return algorithms::HyperbandConfig{hb.min_resource(), max_resource, hb.reduction_factor(),
                                         hb.bootstrap_count(),
                                         algorithms::MixSeed(spec.seed(), kBracketStream)};
    }
    case hyperd::v1::SchedulerSpec::kFifo:
    case hyperd::v1::SchedulerSpec::ALGORITHM_NOT_SET:
      break;
  }
  return algorithms::FifoSchedulerConfig{};
}

std::string SchedulerName(const hyperd::v1::SchedulerSpec& proto) {
  switch (proto.algorithm_case()) {
    case hyperd::v1::SchedulerSpec::kMedian:
      return "median";
    case hyperd::v1::SchedulerSpec::kSuccessiveHalving:
      return "successive_halving";
    case hyperd::v1::SchedulerSpec::kHyperband:
      return "hyperband";
    case hyperd::v1::SchedulerSpec::kFifo:
    case hyperd::v1::SchedulerSpec::ALGORITHM_NOT_SET:
      break;
  }
  return "fifo";
}

algorithms::Goal ToGoal(hyperd::v1::Objective::Goal goal) {
  return goal == hyperd::v1::Objective::MAXIMIZE ? algorithms::Goal::kMaximize
                                                 : algorithms::Goal::kMinimize;
}

absl::StatusOr<algorithms::Assignment> ToAssignment(
    const google::protobuf::RepeatedPtrField<hyperd::v1::Parameter>& parameters) {
  algorithms::Assignment assignment;
  for (int i = 0; i < parameters.size(); ++i) {
    const hyperd::v1::Parameter& p = parameters.Get(i);
    switch (p.value_case()) {
      case hyperd::v1::Parameter::kDoubleValue:
        assignment.emplace_back(p.name(), p.double_value());
        break;
      case hyperd::v1::Parameter::kIntValue:
        assignment.emplace_back(p.name(), p.int_value());
        break;
      case hyperd::v1::Parameter::kCategoricalValue:
        assignment.emplace_back(p.name(), p.categorical_value());
        break;
      case hyperd::v1::Parameter::VALUE_NOT_SET:
        return absl::InvalidArgumentError(
            absl::StrCat("parameters[", i, "] ('", p.name(),
                         "'): no value; set one of double_value, int_value or categorical_value"));
    }
  }
  return assignment;
}

void ToParameters(const algorithms::Assignment& assignment,
                  google::protobuf::RepeatedPtrField<hyperd::v1::Parameter>* parameters) {
  parameters->Clear();
  for (const auto& [name, value] : assignment) {
    hyperd::v1::Parameter* p = parameters->Add();
    p->set_name(name);
    if (const double* d = std::get_if<double>(&value)) {
      p->set_double_value(*d);
    } else if (const int64_t* n = std::get_if<int64_t>(&value)) {
      p->set_int_value(*n);
    } else {
      p->set_categorical_value(std::get<std::string>(value));
    }
  }
}

}  // namespace hyperd::server
