#include "server/request_validation.h"

#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "algorithms/registry.h"
#include "algorithms/space/search_space.h"
#include "common/status_macros.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/spec_conversion.h"
#include "server/study_bandit.h"
#include "server/study_schedules.h"
#include "server/time_conversion.h"

namespace hyperd::server {
namespace {

constexpr absl::string_view kStudiesPrefix = "studies/";
constexpr absl::Duration kMinLease = absl::Seconds(1);
constexpr absl::Duration kMaxLease = absl::Hours(24 * 7);

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

// Prefixes an algorithms/ error (whose message starts with a path relative to `prefix`).
absl::Status WithFieldPrefix(absl::string_view prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

// Spells the scheduler's defaults out, so get-or-create compares like with like.
void NormalizeScheduler(hyperd::v1::SchedulerSpec& scheduler) {
  switch (scheduler.algorithm_case()) {
    case hyperd::v1::SchedulerSpec::kMedian: {
      hyperd::v1::MedianStoppingScheduler& m = *scheduler.mutable_median();
      if (!m.has_n_startup_trials()) m.set_n_startup_trials(5);
      if (!m.has_min_trials()) m.set_min_trials(3);
      if (m.interval_steps() == 0) m.set_interval_steps(1);
      if (m.statistic() == hyperd::v1::MedianStoppingScheduler::STATISTIC_UNSPECIFIED) {
        m.set_statistic(hyperd::v1::MedianStoppingScheduler::BEST_SO_FAR);
      }
      if (m.reference() == hyperd::v1::MedianStoppingScheduler::REFERENCE_UNSPECIFIED) {
        m.set_reference(hyperd::v1::MedianStoppingScheduler::REACHED);
      }
      break;
    }
    case hyperd::v1::SchedulerSpec::kSuccessiveHalving: {
      hyperd::v1::SuccessiveHalvingScheduler& sh = *scheduler.mutable_successive_halving();
      if (sh.min_resource() == 0) sh.set_min_resource(1);
      if (sh.reduction_factor() == 0) sh.set_reduction_factor(3);
      break;
    }
    case hyperd::v1::SchedulerSpec::kHyperband: {
      hyperd::v1::HyperbandScheduler& hb = *scheduler.mutable_hyperband();
      if (hb.min_resource() == 0) hb.set_min_resource(1);
      if (hb.reduction_factor() == 0) hb.set_reduction_factor(3);
      break;
    }
    case hyperd::v1::SchedulerSpec::kFifo:
      break;
    case hyperd::v1::SchedulerSpec::ALGORITHM_NOT_SET:
      scheduler.mutable_fifo();
      break;
  }
}

// Spells the sampler's defaults out (as NormalizeScheduler does). Explicit values are left for
// MakeSampler to validate.
void NormalizeBanditDrift(hyperd::v1::BanditDrift& drift) {
  if (drift.kind() == hyperd::v1::BanditDrift::KIND_UNSPECIFIED) {
    drift.set_kind(hyperd::v1::BanditDrift::NONE);
  }
}

void NormalizeBanditReward(hyperd::v1::BanditReward& reward) {
  if (reward.scale() == hyperd::v1::BanditReward::SCALE_UNSPECIFIED) {
    reward.set_scale(hyperd::v1::BanditReward::UNIT);
  }
  if (reward.scale() == hyperd::v1::BanditReward::CAPPED_LOG_COST && reward.floor() == 0) {
    reward.set_floor(1);
  }
}

void NormalizeSampler(hyperd::v1::SamplerSpec& sampler, int parameter_count) {
  switch (sampler.algorithm_case()) {
    case hyperd::v1::SamplerSpec::kGrid:
      if (sampler.grid().points_per_continuous_parameter() == 0) {
        sampler.mutable_grid()->set_points_per_continuous_parameter(5);
      }
      break;
    case hyperd::v1::SamplerSpec::kGp: {
      hyperd::v1::GpSampler& gp = *sampler.mutable_gp();
      if (gp.acquisition() == hyperd::v1::GpSampler::ACQUISITION_UNSPECIFIED) {
        gp.set_acquisition(hyperd::v1::GpSampler::LOG_EXPECTED_IMPROVEMENT);
      }
      if (gp.ucb_beta() == 0) gp.set_ucb_beta(1.8);
      if (gp.n_startup_trials() == 0) gp.set_n_startup_trials(10);
      break;
    }
    case hyperd::v1::SamplerSpec::kTpe: {
      hyperd::v1::TpeSampler& tpe = *sampler.mutable_tpe();
      if (tpe.n_startup_trials() == 0) tpe.set_n_startup_trials(10);
      if (tpe.n_ei_candidates() == 0) tpe.set_n_ei_candidates(24);
      if (!tpe.has_multivariate()) tpe.set_multivariate(false);
      if (!tpe.has_constant_liar()) tpe.set_constant_liar(true);
      if (tpe.prior_weight() == 0) tpe.set_prior_weight(1.0);
      break;
    }
    case hyperd::v1::SamplerSpec::kBohb: {
      hyperd::v1::BohbSampler& bohb = *sampler.mutable_bohb();
      if (bohb.top_n_percent() == 0) bohb.set_top_n_percent(15);
      if (bohb.num_samples() == 0) bohb.set_num_samples(64);
      if (!bohb.has_random_fraction()) bohb.set_random_fraction(1.0 / 3);
      if (bohb.bandwidth_factor() == 0) bohb.set_bandwidth_factor(3);
      if (bohb.min_bandwidth() == 0) bohb.set_min_bandwidth(1e-3);
      // Fewer than parameters + 1 points cannot make a model: smaller values are raised (as in
      // HpBandSter), and the stored spec shows the value that applies.
      if (bohb.min_points_in_model() >= 0 && bohb.min_points_in_model() < parameter_count + 1) {
        bohb.set_min_points_in_model(parameter_count + 1);
      }
      break;
    }
    case hyperd::v1::SamplerSpec::kUcb1: {
      hyperd::v1::Ucb1Sampler& ucb1 = *sampler.mutable_ucb1();
      if (ucb1.alpha() == 0) ucb1.set_alpha(2);
      NormalizeBanditDrift(*ucb1.mutable_drift());
      NormalizeBanditReward(*ucb1.mutable_reward());
      break;
    }
    case hyperd::v1::SamplerSpec::kThompson: {
      hyperd::v1::ThompsonSampler& thompson = *sampler.mutable_thompson();
      if (thompson.prior() == hyperd::v1::ThompsonSampler::PRIOR_UNSPECIFIED) {
        thompson.set_prior(hyperd::v1::ThompsonSampler::BETA);
      }
      if (thompson.prior_alpha() == 0) thompson.set_prior_alpha(1);
      if (thompson.prior_beta() == 0) thompson.set_prior_beta(1);
      if (thompson.variance() == 0) thompson.set_variance(1);
      NormalizeBanditDrift(*thompson.mutable_drift());
      NormalizeBanditReward(*thompson.mutable_reward());
      break;
    }
    case hyperd::v1::SamplerSpec::kExp3:
      // gamma, share and the horizon stay 0 = derived: the stored spec says what was asked.
      NormalizeBanditDrift(*sampler.mutable_exp3()->mutable_drift());
      NormalizeBanditReward(*sampler.mutable_exp3()->mutable_reward());
      break;
    case hyperd::v1::SamplerSpec::kTsallisInf:
      if (sampler.tsallis_inf().learning_rate() == 0) {
        sampler.mutable_tsallis_inf()->set_learning_rate(2);
      }
      NormalizeBanditReward(*sampler.mutable_tsallis_inf()->mutable_reward());
      break;
    case hyperd::v1::SamplerSpec::kLinucb: {
      hyperd::v1::LinUcbSampler& linucb = *sampler.mutable_linucb();
      if (!linucb.has_alpha()) linucb.set_alpha(0.5);
      if (linucb.ridge() == 0) linucb.set_ridge(1);
      if (linucb.target() == hyperd::v1::LinUcbSampler::TARGET_UNSPECIFIED) {
        linucb.set_target(hyperd::v1::LinUcbSampler::NEGATIVE_LOSS);
      }
      if (linucb.refresh_interval() == 0) linucb.set_refresh_interval(1000);
      NormalizeBanditReward(*linucb.mutable_reward());
      break;
    }
    case hyperd::v1::SamplerSpec::kRandom:
    case hyperd::v1::SamplerSpec::kSobol:
      break;
    case hyperd::v1::SamplerSpec::ALGORITHM_NOT_SET:
      sampler.mutable_random();
      break;
  }
}

// "<field>: has N <what>; at most `max` are allowed<fix>".
absl::Status CheckCount(absl::string_view field, int64_t count, int64_t max, absl::string_view what,
                        absl::string_view fix) {
  if (count <= max) return absl::OkStatus();
  return Invalid(field,
                 absl::StrCat("has ", count, " ", what, "; at most ", max, " are allowed", fix));
}

absl::Status ValidateParameterSizes(absl::string_view field, const hyperd::v1::ParameterSpec& p) {
  RETURN_IF_ERROR(CheckLength(absl::StrCat(field, ".name"), p.name(), 128));
  if (p.has_categorical_spec()) {
    const auto& values = p.categorical_spec().values();
    const std::string values_field = absl::StrCat(field, ".categorical_spec.values");
    RETURN_IF_ERROR(CheckCount(values_field, values.size(), kMaxCategoricalValues, "values",
                               "; use an integer parameter for large ranges"));
    for (int i = 0; i < values.size(); ++i) {
      RETURN_IF_ERROR(CheckLength(absl::StrCat(values_field, "[", i, "]"), values[i],
                                  kMaxCategoricalValueLength));
    }
  }
  if (p.has_condition()) {
    const hyperd::v1::Condition& c = p.condition();
    const std::string condition_field = absl::StrCat(field, ".condition");
    RETURN_IF_ERROR(CheckLength(absl::StrCat(condition_field, ".parent"), c.parent(), 128));
    RETURN_IF_ERROR(CheckCount(absl::StrCat(condition_field, ".categorical_values"),
                               c.categorical_values_size(), kMaxCategoricalValues, "values", ""));
    RETURN_IF_ERROR(CheckCount(absl::StrCat(condition_field, ".integer_values"),
                               c.integer_values_size(), kMaxCategoricalValues, "values", ""));
    for (int i = 0; i < c.categorical_values_size(); ++i) {
      RETURN_IF_ERROR(CheckLength(absl::StrCat(condition_field, ".categorical_values[", i, "]"),
                                  c.categorical_values(i), kMaxCategoricalValueLength));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t max) {
  if (value.size() <= max) return absl::OkStatus();
  return Invalid(field, absl::StrCat("is ", value.size(), " characters long; at most ", max,
                                     " are allowed: shorten it"));
}

absl::Status ValidateUserAttributes(
    absl::string_view field, const google::protobuf::Map<std::string, std::string>& attributes) {
  RETURN_IF_ERROR(CheckCount(field, attributes.size(), kMaxUserAttributes, "entries",
                             "; keep bulky data elsewhere and store a reference to it"));
  for (const auto& [key, value] : attributes) {
    if (key.empty() || key.size() > kMaxUserAttributeKeyLength) {
      return Invalid(field, absl::StrCat("a key (\"", absl::string_view(key).substr(0, 64),
                                         "\") is ", key.size(), " characters long; keys are 1-",
                                         kMaxUserAttributeKeyLength, " characters"));
    }
    if (value.size() > kMaxUserAttributeValueLength) {
      return Invalid(absl::StrCat(field, "[\"", key, "\"]"),
                     absl::StrCat("is ", value.size(), " characters long; at most ",
                                  kMaxUserAttributeValueLength,
                                  " are allowed: store a reference to bulky data instead"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateStudySizes(const hyperd::v1::Study& study) {
  const hyperd::v1::StudySpec& spec = study.spec();
  const auto& parameters = spec.search_space().parameters();
  RETURN_IF_ERROR(CheckCount("study.spec.search_space.parameters", parameters.size(),
                             kMaxParameters, "parameters",
                             "; fix the settings that need no tuning instead of searching them"));
  for (int i = 0; i < parameters.size(); ++i) {
    RETURN_IF_ERROR(ValidateParameterSizes(
        absl::StrCat("study.spec.search_space.parameters[", i, "]"), parameters[i]));
  }
  RETURN_IF_ERROR(
      CheckLength("study.spec.objective.metric", spec.objective().metric(), kMaxMetricNameLength));
  RETURN_IF_ERROR(
      CheckLength("study.spec.resource.unit", spec.resource().unit(), kMaxResourceUnitLength));
  const hyperd::v1::Schedule& schedule = spec.schedule().schedule();
  RETURN_IF_ERROR(CheckCount("study.spec.schedule.schedule.tabulated.shape",
                             schedule.tabulated().shape_size(), kMaxSchedulePoints, "points",
                             "; resample the shape (trials interpolate it linearly)"));
  RETURN_IF_ERROR(CheckCount("study.spec.schedule.schedule.piecewise_constant.milestones",
                             schedule.piecewise_constant().milestones_size(), kMaxSchedulePoints,
                             "milestones", ""));
  RETURN_IF_ERROR(CheckCount("study.spec.schedule.schedule.piecewise_constant.factors",
                             schedule.piecewise_constant().factors_size(), kMaxSchedulePoints,
                             "factors", ""));
  RETURN_IF_ERROR(CheckCount("study.spec.schedule.parameter_fields",
                             spec.schedule().parameter_fields_size(), kMaxParameters, "entries",
                             ""));
  RETURN_IF_ERROR(CheckLength("study.description", study.description(), kMaxDescriptionLength));
  return ValidateUserAttributes("study.user_attributes", study.user_attributes());
}

absl::Status ValidateTrialSizes(absl::string_view field, const hyperd::v1::Trial& trial) {
  RETURN_IF_ERROR(CheckCount(absl::StrCat(field, ".parameters"), trial.parameters_size(),
                             kMaxParameters, "parameters", ""));
  for (int i = 0; i < trial.parameters_size(); ++i) {
    const hyperd::v1::Parameter& p = trial.parameters(i);
    RETURN_IF_ERROR(CheckLength(absl::StrCat(field, ".parameters[", i, "].name"), p.name(), 128));
    RETURN_IF_ERROR(CheckLength(absl::StrCat(field, ".parameters[", i, "].categorical_value"),
                                p.categorical_value(), kMaxCategoricalValueLength));
  }
  return ValidateUserAttributes(absl::StrCat(field, ".user_attributes"), trial.user_attributes());
}

std::string StudyName(absl::string_view study_id) { return absl::StrCat(kStudiesPrefix, study_id); }

std::string TrialName(absl::string_view study_id, int64_t number) {
  return absl::StrCat(kStudiesPrefix, study_id, "/trials/", number);
}

absl::Status ValidateStudyId(absl::string_view field, absl::string_view study_id) {
  constexpr absl::string_view kRule =
      "a study id is 1-63 characters of lowercase letters, digits, '-', '_' and '.', starting with "
      "a letter or digit (e.g. \"mnist-lr-sweep\")";
  if (study_id.empty() || study_id.size() > 63) {
    return Invalid(field, absl::StrCat("got \"", study_id.substr(0, 80), "\"; ", kRule));
  }
  if (!absl::ascii_islower(study_id[0]) && !absl::ascii_isdigit(study_id[0])) {
    return Invalid(field, absl::StrCat("got \"", study_id, "\"; ", kRule));
  }
  for (char c : study_id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-' && c != '_' && c != '.') {
      return Invalid(field, absl::StrCat("got \"", study_id, "\"; ", kRule));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseStudyName(absl::string_view field, absl::string_view name) {
  if (!absl::ConsumePrefix(&name, kStudiesPrefix) || absl::StrContains(name, '/')) {
    return Invalid(field, absl::StrCat("expected a study name \"studies/{study_id}\", got \"",
                                       name.substr(0, 200), "\""));
  }
  RETURN_IF_ERROR(ValidateStudyId(field, name));
  return std::string(name);
}

absl::StatusOr<TrialKey> ParseTrialName(absl::string_view field, absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  TrialKey key;
  if (parts.size() != 4 || parts[0] != "studies" || parts[2] != "trials" ||
      !absl::SimpleAtoi(parts[3], &key.number) || key.number < 0) {
    return Invalid(
        field, absl::StrCat("expected a trial name \"studies/{study_id}/trials/{number}\", got \"",
                            name.substr(0, 200), "\""));
  }
  RETURN_IF_ERROR(ValidateStudyId(field, parts[1]));
  key.study_id = std::string(parts[1]);
  return key;
}

absl::Status ValidateLimits(absl::string_view field, const hyperd::v1::StudyLimits& limits) {
  if (limits.max_trials() < 0) {
    return Invalid(absl::StrCat(field, ".max_trials"),
                   absl::StrCat("must be >= 0 (0 = unlimited), got ", limits.max_trials()));
  }
  if (limits.max_parallel_trials() < 0) {
    return Invalid(
        absl::StrCat(field, ".max_parallel_trials"),
        absl::StrCat("must be >= 0 (0 = unlimited), got ", limits.max_parallel_trials()));
  }
  if (limits.has_lease_duration()) {
    if (!IsValidProtoDuration(limits.lease_duration())) {
      return Invalid(absl::StrCat(field, ".lease_duration"), "is not a valid duration");
    }
    absl::Duration lease = FromProtoDuration(limits.lease_duration());
    if (lease < kMinLease || lease > kMaxLease) {
      return Invalid(
          absl::StrCat(field, ".lease_duration"),
          absl::StrCat("must be between 1s and 168h, got ", absl::FormatDuration(lease)));
    }
  }
  if (limits.has_target_value() && !std::isfinite(limits.target_value())) {
    return Invalid(absl::StrCat(field, ".target_value"), "must be a finite number");
  }
  if (limits.has_deadline() && !IsValidProtoTime(limits.deadline())) {
    return Invalid(absl::StrCat(field, ".deadline"), "is not a valid timestamp");
  }
  return absl::OkStatus();
}

absl::StatusOr<hyperd::v1::Study> NormalizeNewStudy(absl::string_view study_id,
                                                    const hyperd::v1::Study& requested,
                                                    uint64_t seed_if_unset) {
  // Sizes first: nothing below copies or walks a field before its size is known to be sane.
  RETURN_IF_ERROR(ValidateStudySizes(requested));
  hyperd::v1::Study study;
  study.set_name(StudyName(study_id));
  *study.mutable_spec() = requested.spec();
  *study.mutable_limits() = requested.limits();
  study.set_description(requested.description());
  *study.mutable_user_attributes() = requested.user_attributes();

  hyperd::v1::StudySpec& spec = *study.mutable_spec();
  if (spec.search_space().parameters_size() == 0) {
    return Invalid("study.spec.search_space.parameters",
                   "is empty; add at least one parameter (double_spec, integer_spec or "
                   "categorical_spec)");
  }
  // Spell defaults out so get-or-create compares like with like (unset scale == LINEAR).
  for (hyperd::v1::ParameterSpec& p : *spec.mutable_search_space()->mutable_parameters()) {
    if (p.has_double_spec() && p.double_spec().scale() == hyperd::v1::SCALE_UNSPECIFIED) {
      p.mutable_double_spec()->set_scale(hyperd::v1::LINEAR);
    }
    if (p.has_integer_spec()) {
      if (p.integer_spec().scale() == hyperd::v1::SCALE_UNSPECIFIED) {
        p.mutable_integer_spec()->set_scale(hyperd::v1::LINEAR);
      }
      if (p.integer_spec().step() == 0) p.mutable_integer_spec()->set_step(1);
    }
  }
  ASSIGN_OR_RETURN(algorithms::SearchSpace space, ToSearchSpace(spec.search_space()));
  RETURN_IF_ERROR(
      WithFieldPrefix("study.spec.search_space.", algorithms::ValidateSearchSpace(space)));

  if (spec.objective().metric().empty()) {
    return Invalid("study.spec.objective.metric",
                   "is empty; name the metric that ranks trials, e.g. \"loss\"");
  }
  if (spec.objective().goal() == hyperd::v1::Objective::GOAL_UNSPECIFIED) {
    spec.mutable_objective()->set_goal(hyperd::v1::Objective::MINIMIZE);
  }
  if (!hyperd::v1::Objective::Goal_IsValid(spec.objective().goal())) {
    return Invalid("study.spec.objective.goal", "must be MINIMIZE or MAXIMIZE");
  }
  NormalizeSampler(*spec.mutable_sampler(), static_cast<int>(space.parameters.size()));
  NormalizeScheduler(*spec.mutable_scheduler());
  if (spec.resource().max_resource() < 0) {
    return Invalid(
        "study.spec.resource.max_resource",
        absl::StrCat("must be >= 0 (0 = not declared), got ", spec.resource().max_resource()));
  }
  if (spec.context_dimension() < 0 || spec.context_dimension() > kMaxContextDimension) {
    return Invalid("study.spec.context_dimension",
                   absl::StrCat("must be between 0 and ", kMaxContextDimension, ", got ",
                                spec.context_dimension()));
  }
  if (spec.seed() == 0) spec.set_seed(seed_if_unset);
  RETURN_IF_ERROR(
      WithFieldPrefix("study.spec.", algorithms::MakeScheduler(ToSchedulerConfig(spec)).status()));
  // After the scheduler: BOHB's budgets come from it.
  if (spec.sampler().has_bohb() && !spec.scheduler().has_hyperband()) {
    return Invalid("study.spec.sampler.bohb",
                   "needs scheduler.hyperband (BOHB models each hyperband rung as a budget); set "
                   "scheduler.hyperband or choose another sampler, e.g. tpe");
  }
  if (IsBanditSampler(spec.sampler())) {
    RETURN_IF_ERROR(WithFieldPrefix("study.spec.", StudyBandit::Create(spec, space).status()));
  } else {
    RETURN_IF_ERROR(WithFieldPrefix(
        "study.spec.", algorithms::MakeSampler(ToSamplerConfig(spec), space).status()));
  }

  if (spec.has_schedule()) {
    NormalizeScheduleSpec(spec);
    RETURN_IF_ERROR(WithFieldPrefix("study.spec.", StudySchedules::Create(spec, space).status()));
  }

  RETURN_IF_ERROR(ValidateLimits("study.limits", study.limits()));
  if (!study.limits().has_lease_duration()) {
    study.mutable_limits()->mutable_lease_duration()->set_seconds(
        absl::ToInt64Seconds(kDefaultLeaseDuration));
  }
  study.set_state(hyperd::v1::Study::ACTIVE);
  return study;
}

std::string DescribeSpecDifferences(const hyperd::v1::StudySpec& existing,
                                    const hyperd::v1::StudySpec& requested) {
  hyperd::v1::StudySpec wanted = requested;
  if (wanted.seed() == 0) wanted.set_seed(existing.seed());
  google::protobuf::util::MessageDifferencer differ;
  // A NaN in a field the spec's sampler ignores (e.g. thompson.prior_alpha under a GAUSSIAN
  // prior) passes validation; without this a retry with the same spec would be refused as
  // different (found by fuzz/request_validation_fuzzer).
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  differ.set_field_comparator(&comparator);
  std::string report;
  differ.ReportDifferencesToString(&report);
  if (differ.Compare(existing, wanted)) return "";
  return report;
}

absl::Status ValidateMeasurement(absl::string_view field, const hyperd::v1::Measurement& m,
                                 absl::string_view objective_metric) {
  if (m.step() < 0) {
    return Invalid(absl::StrCat(field, ".step"),
                   absl::StrCat("must be >= 0 (resource units completed so far), got ", m.step()));
  }
  if (!m.metrics().contains(std::string(objective_metric))) {
    return Invalid(
        absl::StrCat(field, ".metrics"),
        absl::StrCat("has no value for the study's objective metric \"", objective_metric,
                     "\"; add it (NaN is allowed for a diverged run)"));
  }
  if (m.metrics_size() > kMaxMetricsPerMeasurement) {
    return Invalid(
        absl::StrCat(field, ".metrics"),
        absl::StrCat("has ", m.metrics_size(), " metrics; at most ", kMaxMetricsPerMeasurement,
                     " are allowed per measurement: report the ones you compare"));
  }
  for (const auto& [name, value] : m.metrics()) {
    if (name.empty() || name.size() > kMaxMetricNameLength) {
      return Invalid(absl::StrCat(field, ".metrics"),
                     absl::StrCat("metric names must be 1-", kMaxMetricNameLength,
                                  " characters, got one of ", name.size()));
    }
  }
  if (m.has_elapsed() && (!IsValidProtoDuration(m.elapsed()) || m.elapsed().seconds() < 0)) {
    return Invalid(absl::StrCat(field, ".elapsed"), "must be a valid, non-negative duration");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ResolvePageSize(absl::string_view field, int32_t page_size) {
  if (page_size < 0) {
    return Invalid(
        field, absl::StrCat("must be >= 0 (0 = default ", kDefaultPageSize, "), got ", page_size));
  }
  if (page_size == 0) return kDefaultPageSize;
  return std::min<int>(page_size, kMaxPageSize);
}

std::string EncodePageToken(absl::string_view last_key, uint64_t filter_hash) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1|", filter_hash, "|", last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view field, absl::string_view token,
                                            uint64_t filter_hash) {
  std::string raw;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(token, &raw))
    parts = absl::StrSplit(raw, absl::MaxSplits('|', 2));
  if (parts.size() != 3 || parts[0] != "v1") {
    return Invalid(field, "is not a token returned by this server; pass next_page_token verbatim");
  }
  if (parts[1] != absl::StrCat(filter_hash)) {
    return Invalid(field,
                   "was issued for a request with other filters; repeat the original filters or "
                   "start again without a token");
  }
  return parts[2];
}

}  // namespace hyperd::server
