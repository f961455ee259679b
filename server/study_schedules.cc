#include "server/study_schedules.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "algorithms/schedules/families/learning_rate.h"
#include "algorithms/schedules/families/schedule_validation.h"
#include "algorithms/schedules/refinement/hypergradient_lr.h"
#include "algorithms/schedules/refinement/online_rerefinement.h"
#include "algorithms/schedules/refinement/schedule_refinement.h"
#include "common/status_macros.h"
#include "proto/conversion/schedule_conversion.h"

namespace hyperd::server {
namespace {

namespace s = algorithms::schedules;
using algorithms::ParameterValue;

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

// The schedule fields a search parameter may set, and whether they take integers.
struct FieldInfo {
  const char* name;
  bool integer;
};
constexpr FieldInfo kFields[] = {
    {"family", false},
    {"base_lr", false},
    {"warmup_steps", true},
    {"warmup_fraction", false},
    {"warmup_start_factor", false},
    {"min_lr_ratio", false},
    {"wsd.cooldown_fraction", false},
    {"polynomial.power", false},
    {"onecycle.pct_start", false},
    {"step.step_size", true},
    {"step.gamma", false},
};

const FieldInfo* FindField(absl::string_view name) {
  for (const FieldInfo& field : kFields) {
    if (name == field.name) return &field;
  }
  return nullptr;
}

bool HasFloor(s::ScheduleFamily family) {
  return family == s::ScheduleFamily::kLinear || family == s::ScheduleFamily::kCosine ||
         family == s::ScheduleFamily::kWsd || family == s::ScheduleFamily::kPolynomial;
}

double AsNumber(const ParameterValue& value) {
  if (const double* d = std::get_if<double>(&value)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  return NAN;
}

// Sets one schedule field from a parameter value of the right type (checked at study creation).
void ApplyField(absl::string_view field, const ParameterValue& value, s::Schedule& schedule) {
  if (field == "family") {
    if (const std::string* name = std::get_if<std::string>(&value)) {
      if (std::optional<s::ScheduleFamily> family = s::ScheduleFamilyFromName(*name)) {
        schedule.family = *family;
        // A floor set for the other families means nothing here; validation would refuse it.
        if (!HasFloor(*family)) schedule.min_lr_ratio = 0;
      }
    }
    return;
  }
  const double x = AsNumber(value);
  if (field == "base_lr") {
    schedule.base_lr = x;
  } else if (field == "warmup_steps") {
    schedule.warmup_steps = std::llround(x);
  } else if (field == "warmup_fraction") {
    schedule.warmup_steps = std::min<int64_t>(std::llround(x * schedule.total_steps),
                                              std::max<int64_t>(schedule.total_steps - 1, 0));
  } else if (field == "warmup_start_factor") {
    schedule.warmup_start_factor = x;
  } else if (field == "min_lr_ratio") {
    schedule.min_lr_ratio = x;
  } else if (field == "wsd.cooldown_fraction") {
    schedule.wsd.cooldown_fraction = x;
  } else if (field == "polynomial.power") {
    schedule.polynomial.power = x;
  } else if (field == "onecycle.pct_start") {
    schedule.onecycle.pct_start = x;
  } else if (field == "step.step_size") {
    schedule.step.step_size = std::llround(x);
  } else if (field == "step.gamma") {
    schedule.step.gamma = x;
  }
}

// The values of a bound parameter that span what it can set: every category, or both bounds.
std::vector<ParameterValue> CornerValues(const algorithms::ParameterConfig& parameter) {
  if (const auto* d = std::get_if<algorithms::DoubleParameter>(&parameter.kind)) {
    return {d->min, d->max};
  }
  if (const auto* i = std::get_if<algorithms::IntegerParameter>(&parameter.kind)) {
    return {i->min, i->max};
  }
  std::vector<ParameterValue> values;
  for (const std::string& v : std::get<algorithms::CategoricalParameter>(parameter.kind).values) {
    values.push_back(v);
  }
  return values;
}

}  // namespace

StepSample ToStepSample(const hyperd::v1::StepReport& report) {
  StepSample sample;
  sample.step = report.step();
  sample.lr_applied = report.lr_applied();
  if (report.has_grad_norm_l2()) sample.grad_norm_l2 = report.grad_norm_l2();
  if (report.has_grad_norm_l1()) sample.grad_norm_l1 = report.grad_norm_l1();
  if (report.has_hd_dot()) sample.hd_dot = report.hd_dot();
  return sample;
}

void NormalizeScheduleSpec(hyperd::v1::StudySpec& spec) {
  hyperd::v1::ScheduleSpec& schedule_spec = *spec.mutable_schedule();
  hyperd::v1::Schedule& schedule = *schedule_spec.mutable_schedule();
  if (schedule.family() == hyperd::v1::Schedule::FAMILY_UNSPECIFIED) {
    schedule.set_family(hyperd::v1::Schedule::LINEAR);
  }
  if (schedule.total_steps() == 0) schedule.set_total_steps(spec.resource().max_resource());
  hyperd::v1::RefinementSettings& refine = *schedule_spec.mutable_refine();
  if (refine.norm() == hyperd::v1::NORM_KIND_UNSPECIFIED) refine.set_norm(hyperd::v1::L2_SGD);
  if (!refine.has_filter_fraction()) refine.set_filter_fraction(0.1);
  hyperd::v1::OnlineSettings& online = *schedule_spec.mutable_online();
  if (online.rule() == hyperd::v1::OnlineSettings::RULE_UNSPECIFIED) {
    online.set_rule(hyperd::v1::OnlineSettings::NONE);
  }
  if (online.rule() == hyperd::v1::OnlineSettings::REREFINE && online.interval_steps() == 0) {
    online.set_interval_steps(std::max<int64_t>(1, schedule.total_steps() / 10));
  }
  if (online.rule() == hyperd::v1::OnlineSettings::HYPERGRADIENT &&
      online.hypergradient_beta() == 0) {
    online.set_hypergradient_beta(1e-6);
  }
}

absl::Status ValidateStepReports(const hyperd::v1::ReportStepsRequest& request) {
  if (request.steps_size() > kMaxStepsPerReport) {
    return Invalid("steps", absl::StrCat("has ", request.steps_size(), " reports; send at most ",
                                         kMaxStepsPerReport, " per call (batch every ~50 steps)"));
  }
  for (int i = 0; i < request.steps_size(); ++i) {
    const hyperd::v1::StepReport& step = request.steps(i);
    const std::string field = absl::StrCat("steps[", i, "]");
    if (step.step() < 0) {
      return Invalid(field + ".step",
                     absl::StrCat("must be >= 0 (the 0-based optimizer step), got ", step.step()));
    }
    if (i > 0 && step.step() <= request.steps(i - 1).step()) {
      return Invalid(field + ".step",
                     absl::StrCat("must be greater than the previous report's step ",
                                  request.steps(i - 1).step(), "; send steps in increasing order"));
    }
    if (!std::isfinite(step.lr_applied()) || step.lr_applied() < 0) {
      return Invalid(field + ".lr_applied",
                     absl::StrCat("must be a finite LR >= 0, got ", step.lr_applied()));
    }
    for (const auto& [name, has, value] :
         {std::make_tuple("grad_norm_l2", step.has_grad_norm_l2(), step.grad_norm_l2()),
          std::make_tuple("grad_norm_l1", step.has_grad_norm_l1(), step.grad_norm_l1())}) {
      if (has && value < 0) {
        return Invalid(field + "." + name,
                       absl::StrCat("a norm is >= 0 (NaN and Inf are accepted), got ", value));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<StudySchedules>> StudySchedules::Create(
    const hyperd::v1::StudySpec& spec, const algorithms::SearchSpace& space) {
  std::unique_ptr<StudySchedules> schedules(new StudySchedules());
  schedules->spec_ = spec.schedule();
  const hyperd::v1::ScheduleSpec& schedule_spec = spec.schedule();
  schedules->base_ = conversion::ScheduleFromProtoUnchecked(schedule_spec.schedule());
  if (schedules->base_.total_steps < 1) {
    return Invalid("schedule.schedule.total_steps",
                   "is not set and resource.max_resource is 0; set the run length T in optimizer "
                   "steps");
  }

  // The bound parameters exist and have the type their field needs.
  std::vector<const algorithms::ParameterConfig*> bound;
  for (const auto& [parameter_name, field_name] : schedule_spec.parameter_fields()) {
    const std::string path = absl::StrCat("schedule.parameter_fields['", parameter_name, "']");
    const FieldInfo* field = FindField(field_name);
    if (field == nullptr) {
      std::vector<std::string> names;
      for (const FieldInfo& f : kFields) names.push_back(f.name);
      return Invalid(path, absl::StrCat("\"", field_name, "\" is not a schedule field; use one of ",
                                        absl::StrJoin(names, ", ")));
    }
    const algorithms::ParameterConfig* parameter = nullptr;
    for (const algorithms::ParameterConfig& p : space.parameters) {
      if (p.name == parameter_name) parameter = &p;
    }
    if (parameter == nullptr) {
      return Invalid(path,
                     "names no parameter of the search space; add the parameter or remove "
                     "the binding");
    }
    const bool categorical =
        std::holds_alternative<algorithms::CategoricalParameter>(parameter->kind);
    if (field_name == "family") {
      if (!categorical) {
        return Invalid(path,
                       "family is set by a categorical parameter whose values are family "
                       "names, e.g. [\"linear\", \"cosine\", \"wsd\"]");
      }
      for (const std::string& value :
           std::get<algorithms::CategoricalParameter>(parameter->kind).values) {
        if (!s::ScheduleFamilyFromName(value).has_value()) {
          return Invalid(path, absl::StrCat("\"", value,
                                            "\" is not a schedule family; use constant, linear, "
                                            "cosine, wsd, inverse_sqrt, polynomial, onecycle or "
                                            "step"));
        }
      }
    } else if (categorical) {
      return Invalid(path, absl::StrCat(field_name,
                                        " takes a number; bind it to a float or "
                                        "integer parameter"));
    } else if (field->integer &&
               !std::holds_alternative<algorithms::IntegerParameter>(parameter->kind)) {
      return Invalid(path, absl::StrCat(field_name,
                                        " takes an integer; bind it to an integer "
                                        "parameter"));
    }
    schedules->fields_[parameter_name] = field_name;
    bound.push_back(parameter);
  }

  // Every schedule the bound parameters can produce must be valid: check each combination of
  // their extreme values (categories, bounds), with a placeholder LR if the LR is searched.
  s::Schedule base = schedules->base_;
  if (schedules->fields_.size() > 12) {
    return Invalid("schedule.parameter_fields", "binds more than 12 parameters");
  }
  std::vector<std::vector<ParameterValue>> corners;
  for (const algorithms::ParameterConfig* parameter : bound) {
    corners.push_back(CornerValues(*parameter));
  }
  std::vector<size_t> index(corners.size(), 0);
  while (true) {
    algorithms::Assignment corner;
    for (size_t i = 0; i < corners.size(); ++i) {
      corner.emplace_back(bound[i]->name, corners[i][index[i]]);
    }
    s::Schedule resolved = base;
    schedules->ApplyParameters(corner, resolved);
    if (absl::Status valid = s::ValidateSchedule(resolved); !valid.ok()) {
      absl::string_view message = valid.message();
      absl::ConsumePrefix(&message, "schedule");
      if (corner.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("schedule.schedule", message));
      }
      return Invalid("schedule.parameter_fields",
                     absl::StrCat("with ", algorithms::FormatAssignment(corner),
                                  " the schedule would be invalid: schedule", message,
                                  "; narrow the parameter's range"));
    }
    size_t i = 0;
    while (i < index.size() && ++index[i] == corners[i].size()) index[i++] = 0;
    if (i == index.size()) break;
  }

  const hyperd::v1::RefinementSettings& refine = schedule_spec.refine();
  if (!(refine.filter_fraction() >= 0 && refine.filter_fraction() <= 1)) {
    return Invalid("schedule.refine.filter_fraction",
                   absl::StrCat("must be in [0, 1], got ", refine.filter_fraction()));
  }
  if (!(refine.min_multiplier() >= 0 && refine.min_multiplier() < 1)) {
    return Invalid("schedule.refine.min_multiplier",
                   absl::StrCat("must be in [0, 1), got ", refine.min_multiplier()));
  }
  const hyperd::v1::OnlineSettings& online = schedule_spec.online();
  if (online.interval_steps() < 0) {
    return Invalid(
        "schedule.online.interval_steps",
        absl::StrCat("must be >= 1 (0 for the default T/10), got ", online.interval_steps()));
  }
  if (!(online.hypergradient_beta() >= 0) || !std::isfinite(online.hypergradient_beta())) {
    return Invalid("schedule.online.hypergradient_beta",
                   absl::StrCat("must be a finite number > 0, got ", online.hypergradient_beta()));
  }
  if (!(online.min_lr() >= 0) || !std::isfinite(online.min_lr()) || !(online.max_lr() >= 0) ||
      !std::isfinite(online.max_lr()) ||
      (online.max_lr() > 0 && online.max_lr() < online.min_lr())) {
    return Invalid(
        "schedule.online.min_lr",
        absl::StrCat("min_lr and max_lr must be finite, >= 0 and min_lr <= max_lr (max_lr "
                     "0: 10 x the trial's base_lr), got [",
                     online.min_lr(), ", ", online.max_lr(), "]"));
  }
  return schedules;
}

void StudySchedules::ApplyParameters(const algorithms::Assignment& parameters,
                                     s::Schedule& schedule) const {
  // The family first: it clears a floor the family does not have, which a bound min_lr_ratio
  // may then set again.
  for (const bool family_pass : {true, false}) {
    for (const auto& [name, value] : parameters) {
      auto it = fields_.find(name);
      if (it == fields_.end() || (it->second == "family") != family_pass) continue;
      ApplyField(it->second, value, schedule);
    }
  }
}

hyperd::v1::Schedule StudySchedules::ForNewTrial(const algorithms::Assignment& parameters) const {
  s::Schedule schedule = base_;
  if (!refined_shape_.empty()) {
    // The refined shape replaces the family; the sampler still tunes the peak LR (§2.4).
    schedule.family = s::ScheduleFamily::kTabulated;
    schedule.tabulated.shape = refined_shape_;
    schedule.warmup_steps = 0;
    schedule.min_lr_ratio = 0;
    for (const auto& [name, value] : parameters) {
      auto it = fields_.find(name);
      if (it != fields_.end() && it->second == "base_lr") ApplyField("base_lr", value, schedule);
    }
  } else {
    ApplyParameters(parameters, schedule);
  }
  return conversion::ScheduleToProto(schedule);
}

void StudySchedules::OfferRefinementSource(int64_t number, double minimization_value,
                                           const std::vector<StepSample>& steps,
                                           const hyperd::v1::Schedule& schedule) {
  if (!spec_.refine().enabled() || !std::isfinite(minimization_value)) return;
  // The best value wins, ties the lower number: the same source whatever the completion order,
  // so a restart (which offers the trials by number) picks the same one.
  if (source_trial_.has_value() &&
      !(minimization_value < source_value_ ||
        (minimization_value == source_value_ && number < *source_trial_))) {
    return;
  }
  const bool l1 = spec_.refine().norm() == hyperd::v1::L1_ADAM;
  const int64_t run_steps = schedule.total_steps();
  std::vector<s::refinement::GradientNormSample> samples;
  for (const StepSample& step : steps) {
    const std::optional<double>& norm = l1 ? step.grad_norm_l1 : step.grad_norm_l2;
    if (norm.has_value() && step.step < run_steps) samples.push_back({step.step, *norm});
  }
  if (samples.size() < 10 || run_steps < 2) return;  // too little to refine from (§2.5)
  s::refinement::RefinementOptions options;
  options.kind = l1 ? s::refinement::NormKind::kL1Adam : s::refinement::NormKind::kL2Sgd;
  options.run_steps = run_steps;
  options.output_steps = 2;  // only the shape is used: never allocate T multipliers
  options.filter_fraction = spec_.refine().filter_fraction();
  options.min_multiplier = spec_.refine().min_multiplier();
  absl::StatusOr<s::refinement::RefinedSchedule> refined =
      s::refinement::RefineScheduleFromNorms(samples, options);
  if (!refined.ok()) return;  // e.g. all norms zero: keep the current source
  source_trial_ = number;
  source_value_ = minimization_value;
  refined_shape_ = std::move(refined->shape);
}

bool StudySchedules::has_online_rule() const {
  return spec_.online().rule() == hyperd::v1::OnlineSettings::REREFINE ||
         spec_.online().rule() == hyperd::v1::OnlineSettings::HYPERGRADIENT;
}

StudySchedules::OnlineUpdate StudySchedules::OnSteps(int64_t number,
                                                     const std::vector<StepSample>& steps,
                                                     size_t first_new,
                                                     hyperd::v1::Schedule& schedule,
                                                     bool restoring) {
  OnlineUpdate update;
  const hyperd::v1::OnlineSettings& online = spec_.online();
  if (online.rule() == hyperd::v1::OnlineSettings::HYPERGRADIENT) {
    auto [it, fresh] = online_.try_emplace(number);
    if (fresh) it->second.learning_rate = schedule.base_lr();
    const double max_lr = online.max_lr() > 0 ? online.max_lr() : 10 * schedule.base_lr();
    const double min_lr = std::min(online.min_lr(), max_lr);
    // The settings were validated with the study; the clamp keeps a base_lr outside
    // [min_lr, max_lr] (a searched one) a valid start.
    absl::StatusOr<s::refinement::HypergradientLr> rule =
        s::refinement::HypergradientLr::Create(std::clamp(it->second.learning_rate, min_lr, max_lr),
                                               online.hypergradient_beta(), min_lr, max_lr);
    if (!rule.ok()) return update;
    for (size_t i = first_new; i < steps.size(); ++i) {
      if (steps[i].hd_dot.has_value()) rule->Update(*steps[i].hd_dot);
    }
    it->second.learning_rate = rule->lr();
    update.next_learning_rate = rule->lr();
  } else if (online.rule() == hyperd::v1::OnlineSettings::REREFINE && !restoring &&
             first_new < steps.size()) {
    // Re-refine when the reports cross a multiple of interval_steps: a pure function of the
    // reports, so nothing needs restoring after a restart (the schedule is in the trial row).
    const int64_t interval = online.interval_steps();
    const int64_t before = first_new == 0 ? 0 : steps[first_new - 1].step + 1;
    const int64_t current = steps.back().step + 1;  // the next update's step
    if (before / interval == current / interval || current >= schedule.total_steps()) {
      return update;
    }
    const bool l1 = spec_.refine().norm() == hyperd::v1::L1_ADAM;
    std::vector<s::refinement::GradientNormSample> seen;
    for (const StepSample& step : steps) {
      const std::optional<double>& norm = l1 ? step.grad_norm_l1 : step.grad_norm_l2;
      if (norm.has_value() && step.step < schedule.total_steps()) {
        seen.push_back({step.step, *norm});
      }
    }
    s::refinement::RerefineOptions options;
    options.kind = l1 ? s::refinement::NormKind::kL1Adam : s::refinement::NormKind::kL2Sgd;
    options.filter_fraction = spec_.refine().filter_fraction();
    options.min_multiplier = spec_.refine().min_multiplier();
    const s::Schedule in_use = conversion::ScheduleFromProtoUnchecked(schedule);
    absl::StatusOr<s::refinement::RerefinedSchedule> rerefined =
        s::refinement::RerefineRemainder(in_use, seen, current, options);
    if (!rerefined.ok() || !rerefined->changed) return update;
    hyperd::v1::Schedule next = conversion::ScheduleToProto(rerefined->schedule);
    next.set_effective_from_step(current);
    schedule = std::move(next);
    update.schedule_changed = true;
  }
  return update;
}

}  // namespace hyperd::server
