#include "proto/conversion/schedule_conversion.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "algorithms/schedules/families/schedule_validation.h"

namespace hyperd::conversion {
namespace {

namespace s = algorithms::schedules;
using hyperd::v1::Schedule;

s::ScheduleFamily FamilyFromProto(Schedule::Family family) {
  switch (family) {
    case Schedule::CONSTANT:
      return s::ScheduleFamily::kConstant;
    case Schedule::COSINE:
      return s::ScheduleFamily::kCosine;
    case Schedule::WSD:
      return s::ScheduleFamily::kWsd;
    case Schedule::INVERSE_SQRT:
      return s::ScheduleFamily::kInverseSqrt;
    case Schedule::POLYNOMIAL:
      return s::ScheduleFamily::kPolynomial;
    case Schedule::ONECYCLE:
      return s::ScheduleFamily::kOneCycle;
    case Schedule::PIECEWISE_CONSTANT:
      return s::ScheduleFamily::kPiecewiseConstant;
    case Schedule::TABULATED:
      return s::ScheduleFamily::kTabulated;
    case Schedule::STEP:
      return s::ScheduleFamily::kStep;
    default:
      return s::ScheduleFamily::kLinear;
  }
}

Schedule::Family FamilyToProto(s::ScheduleFamily family) {
  switch (family) {
    case s::ScheduleFamily::kConstant:
      return Schedule::CONSTANT;
    case s::ScheduleFamily::kLinear:
      return Schedule::LINEAR;
    case s::ScheduleFamily::kCosine:
      return Schedule::COSINE;
    case s::ScheduleFamily::kWsd:
      return Schedule::WSD;
    case s::ScheduleFamily::kInverseSqrt:
      return Schedule::INVERSE_SQRT;
    case s::ScheduleFamily::kPolynomial:
      return Schedule::POLYNOMIAL;
    case s::ScheduleFamily::kOneCycle:
      return Schedule::ONECYCLE;
    case s::ScheduleFamily::kPiecewiseConstant:
      return Schedule::PIECEWISE_CONSTANT;
    case s::ScheduleFamily::kTabulated:
      return Schedule::TABULATED;
    case s::ScheduleFamily::kStep:
      return Schedule::STEP;
  }
  return Schedule::LINEAR;
}

}  // namespace

s::Schedule ScheduleFromProtoUnchecked(const Schedule& proto) {
  s::Schedule schedule;
  schedule.family = FamilyFromProto(proto.family());
  schedule.base_lr = proto.base_lr();
  schedule.total_steps = proto.total_steps();
  schedule.warmup_steps = proto.warmup_steps();
  schedule.warmup_start_factor = proto.warmup_start_factor();
  schedule.min_lr_ratio = proto.min_lr_ratio();
  if (proto.wsd().has_cooldown_fraction()) {
    schedule.wsd.cooldown_fraction = proto.wsd().cooldown_fraction();
  }
  switch (proto.wsd().decay_shape()) {
    case hyperd::v1::WsdParams::COSINE:
      schedule.wsd.decay_shape = s::WsdDecayShape::kCosine;
      break;
    case hyperd::v1::WsdParams::ONE_MINUS_SQRT:
      schedule.wsd.decay_shape = s::WsdDecayShape::kOneMinusSqrt;
      break;
    default:
      schedule.wsd.decay_shape = s::WsdDecayShape::kLinear;
      break;
  }
  if (proto.polynomial().has_power()) schedule.polynomial.power = proto.polynomial().power();
  schedule.inverse_sqrt.timescale = proto.inverse_sqrt().timescale();
  const hyperd::v1::OneCycleParams& onecycle = proto.onecycle();
  if (onecycle.has_pct_start()) schedule.onecycle.pct_start = onecycle.pct_start();
  schedule.onecycle.anneal = onecycle.anneal() == hyperd::v1::OneCycleParams::LINEAR
                                 ? s::OneCycleAnneal::kLinear
                                 : s::OneCycleAnneal::kCos;
  if (onecycle.has_div_factor()) schedule.onecycle.div_factor = onecycle.div_factor();
  if (onecycle.has_final_div_factor()) {
    schedule.onecycle.final_div_factor = onecycle.final_div_factor();
  }
  schedule.onecycle.three_phase = onecycle.three_phase();
  schedule.piecewise_constant.milestones.assign(proto.piecewise_constant().milestones().begin(),
                                                proto.piecewise_constant().milestones().end());
  schedule.piecewise_constant.factors.assign(proto.piecewise_constant().factors().begin(),
                                             proto.piecewise_constant().factors().end());
  schedule.tabulated.shape.assign(proto.tabulated().shape().begin(),
                                  proto.tabulated().shape().end());
  schedule.step.step_size = proto.step().step_size();
  if (proto.step().has_gamma()) schedule.step.gamma = proto.step().gamma();
  return schedule;
}

absl::StatusOr<s::Schedule> ScheduleFromProto(const Schedule& proto, absl::string_view field) {
  s::Schedule schedule = ScheduleFromProtoUnchecked(proto);
  absl::Status valid = s::ValidateSchedule(schedule);
  if (valid.ok()) return schedule;
  // The library names fields "schedule.<path>"; the caller's field replaces "schedule".
  absl::string_view message = valid.message();
  if (absl::ConsumePrefix(&message, "schedule")) {
    return absl::Status(valid.code(), absl::StrCat(field, message));
  }
  return absl::Status(valid.code(), absl::StrCat(field, ": ", message));
}

Schedule ScheduleToProto(const s::Schedule& schedule) {
  Schedule proto;
  proto.set_family(FamilyToProto(schedule.family));
  proto.set_base_lr(schedule.base_lr);
  proto.set_total_steps(schedule.total_steps);
  proto.set_warmup_steps(schedule.warmup_steps);
  proto.set_warmup_start_factor(schedule.warmup_start_factor);
  proto.set_min_lr_ratio(schedule.min_lr_ratio);
  // Only the chosen family's parameters: a linear schedule does not carry WSD settings.
  switch (schedule.family) {
    case s::ScheduleFamily::kWsd: {
      hyperd::v1::WsdParams& wsd = *proto.mutable_wsd();
      wsd.set_cooldown_fraction(schedule.wsd.cooldown_fraction);
      wsd.set_decay_shape(schedule.wsd.decay_shape == s::WsdDecayShape::kCosine
                              ? hyperd::v1::WsdParams::COSINE
                          : schedule.wsd.decay_shape == s::WsdDecayShape::kOneMinusSqrt
                              ? hyperd::v1::WsdParams::ONE_MINUS_SQRT
                              : hyperd::v1::WsdParams::LINEAR);
      break;
    }
    case s::ScheduleFamily::kPolynomial:
      proto.mutable_polynomial()->set_power(schedule.polynomial.power);
      break;
    case s::ScheduleFamily::kInverseSqrt:
      proto.mutable_inverse_sqrt()->set_timescale(schedule.inverse_sqrt.timescale);
      break;
    case s::ScheduleFamily::kOneCycle: {
      hyperd::v1::OneCycleParams& onecycle = *proto.mutable_onecycle();
      onecycle.set_pct_start(schedule.onecycle.pct_start);
      onecycle.set_anneal(schedule.onecycle.anneal == s::OneCycleAnneal::kLinear
                              ? hyperd::v1::OneCycleParams::LINEAR
                              : hyperd::v1::OneCycleParams::COS);
      onecycle.set_div_factor(schedule.onecycle.div_factor);
      onecycle.set_final_div_factor(schedule.onecycle.final_div_factor);
      onecycle.set_three_phase(schedule.onecycle.three_phase);
      break;
    }
    case s::ScheduleFamily::kPiecewiseConstant:
      for (int64_t m : schedule.piecewise_constant.milestones) {
        proto.mutable_piecewise_constant()->add_milestones(m);
      }
      for (double f : schedule.piecewise_constant.factors) {
        proto.mutable_piecewise_constant()->add_factors(f);
      }
      break;
    case s::ScheduleFamily::kTabulated:
      for (double v : schedule.tabulated.shape) proto.mutable_tabulated()->add_shape(v);
      break;
    case s::ScheduleFamily::kStep:
      proto.mutable_step()->set_step_size(schedule.step.step_size);
      proto.mutable_step()->set_gamma(schedule.step.gamma);
      break;
    case s::ScheduleFamily::kConstant:
    case s::ScheduleFamily::kLinear:
    case s::ScheduleFamily::kCosine:
      break;
  }
  return proto;
}

}  // namespace hyperd::conversion
