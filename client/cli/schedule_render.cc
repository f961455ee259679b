#include "client/cli/schedule_render.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli/format.h"
#include "client/cli/table.h"
#include "proto/conversion/schedule_conversion.h"

namespace hyperd::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string Number(double value) { return FormatDouble(value, Precision::kDisplay); }

std::string Percent(double fraction) { return absl::StrCat(Number(100 * fraction), "%"); }

std::string Lower(const std::string& name) { return absl::AsciiStrToLower(name); }

template <typename Values>
std::string List(const Values& values) {
  return absl::StrCat(
      "[",
      absl::StrJoin(values, ", ",
                    [](std::string* out, auto value) { absl::StrAppend(out, Number(value)); }),
      "]");
}

// The family's own parameters, from a schedule whose fields are all spelled out.
std::string FamilyParameters(const v1::Schedule& s) {
  switch (s.family()) {
    case v1::Schedule::WSD:
      return absl::StrCat("cooldown ", Number(s.wsd().cooldown_fraction()), " ",
                          s.wsd().decay_shape() == v1::WsdParams::ONE_MINUS_SQRT
                              ? "1-sqrt"
                              : Lower(v1::WsdParams::DecayShape_Name(s.wsd().decay_shape())));
    case v1::Schedule::POLYNOMIAL:
      return absl::StrCat("power ", Number(s.polynomial().power()));
    case v1::Schedule::INVERSE_SQRT:
      return s.inverse_sqrt().timescale() > 0
                 ? absl::StrCat("timescale ", s.inverse_sqrt().timescale())
                 : "timescale warm-up steps (10000 without warm-up)";
    case v1::Schedule::ONECYCLE: {
      const v1::OneCycleParams& o = s.onecycle();
      return absl::StrCat("pct_start ", Number(o.pct_start()), " ",
                          Lower(v1::OneCycleParams::Anneal_Name(o.anneal())), ", div_factor ",
                          Number(o.div_factor()), ", final_div_factor ",
                          Number(o.final_div_factor()), o.three_phase() ? ", three-phase" : "");
    }
    case v1::Schedule::PIECEWISE_CONSTANT:
      return absl::StrCat("milestones ", List(s.piecewise_constant().milestones()), ", factors ",
                          List(s.piecewise_constant().factors()));
    case v1::Schedule::TABULATED:
      return absl::StrCat(s.tabulated().shape_size(), "-point shape");
    case v1::Schedule::STEP:
      return absl::StrCat("step_size ", s.step().step_size(), ", gamma ", Number(s.step().gamma()));
    default:
      return "";
  }
}

bool HasFloor(v1::Schedule::Family family) {
  return family == v1::Schedule::LINEAR || family == v1::Schedule::COSINE ||
         family == v1::Schedule::WSD || family == v1::Schedule::POLYNOMIAL;
}

std::string RenderBounds(const std::vector<std::string>& labels,
                         const v1::PlanSchedulesRequest& request,
                         const v1::PlanSchedulesResponse& response) {
  const bool transfer = request.tuned_base_lr() > 0;
  std::vector<std::string> header = {"SCHEDULE", "OPTIMAL LR", "BOUND", "LR RATIO"};
  if (transfer) header.push_back("TRANSFERRED LR");
  Table table(std::move(header));
  for (int i = 0; i < response.bounds_size(); ++i) {
    const v1::ScheduleBound& bound = response.bounds(i);
    std::vector<std::string> row = {i < static_cast<int>(labels.size()) ? labels[i] : "-",
                                    Number(bound.optimal_base_lr()), Number(bound.bound()),
                                    Number(bound.lr_ratio_to_first())};
    if (transfer) row.push_back(Number(bound.transferred_base_lr()));
    table.AddRow(std::move(row));
  }
  const std::string horizon = request.horizon() > 0
                                  ? absl::StrCat("T = ", request.horizon())
                                  : std::string("T = the first schedule's total_steps");
  return absl::StrCat("convex bound at horizon ", horizon, " (D = G = 1)\n", table.Render());
}

std::string RenderExtension(const v1::CooldownExtensionRequest& request,
                            const v1::CooldownExtensionPlan& plan) {
  const double first_cooldown =
      request.has_first_cooldown_fraction() ? request.first_cooldown_fraction() : 0.2;
  Fields fields = {{"continued training",
                    absl::StrCat("WSD from T1 = ", request.first_horizon(), " (cooldown ",
                                 Number(first_cooldown), ") to T2 = ", request.second_horizon())},
                   {"first base LR (D = G = 1)", Number(plan.first_base_lr())},
                   {"adapted cooldown fraction", Number(plan.adapted_cooldown_fraction())},
                   {"adapted relative difference", Percent(plan.adapted_relative_difference())},
                   {"two-stage factor", Number(plan.two_stage_factor())},
                   {"two-stage drop step", absl::StrCat(plan.two_stage_drop_step())},
                   {"two-stage cooldown steps", absl::StrCat(plan.two_stage_cooldown_steps())},
                   {"two-stage relative difference", Percent(plan.two_stage_relative_difference())},
                   {"bound at T2, adapted", Number(plan.adapted_bound())},
                   {"bound at T2, two-stage", Number(plan.two_stage_bound())},
                   {"bound at T2, naive", absl::StrCat(Number(plan.naive_bound()), " (cooldown ",
                                                       Number(first_cooldown), " kept)")}};
  if (!plan.warning().empty()) fields.emplace_back("warning", plan.warning());
  return RenderFields(fields);
}

}  // namespace

std::string FormatScheduleSummary(const v1::Schedule& schedule) {
  // Every default spelled out by the one conversion that knows them.
  const v1::Schedule s =
      conversion::ScheduleToProto(conversion::ScheduleFromProtoUnchecked(schedule));
  std::vector<std::string> parts = {absl::StrCat("base LR ", Number(s.base_lr())),
                                    absl::StrCat(s.total_steps(), " steps")};
  if (s.warmup_steps() > 0) {
    parts.push_back(absl::StrCat("warm-up ", s.warmup_steps(), " steps from ",
                                 Number(s.warmup_start_factor())));
  }
  if (std::string params = FamilyParameters(s); !params.empty()) parts.push_back(params);
  if (HasFloor(s.family())) parts.push_back(absl::StrCat("floor ", Number(s.min_lr_ratio())));
  if (schedule.effective_from_step() > 0) {
    parts.push_back(absl::StrCat("from step ", schedule.effective_from_step()));
  }
  return absl::StrCat(Lower(v1::Schedule::Family_Name(s.family())), ": ",
                      absl::StrJoin(parts, ", "));
}

std::string RenderLearningRates(const v1::Schedule& schedule,
                                const std::vector<LearningRatePoint>& points) {
  Table table({"STEP", "MULTIPLIER", "LR"});
  for (const LearningRatePoint& point : points) {
    table.AddRow({absl::StrCat(point.step), Number(point.multiplier), Number(point.learning_rate)});
  }
  return absl::StrCat(FormatScheduleSummary(schedule), "\n", table.Render());
}

std::string LearningRatesJson(const v1::Schedule& schedule,
                              const std::vector<LearningRatePoint>& points) {
  // Hand-written rather than a google.protobuf.Struct, whose keys print in hash order.
  std::vector<std::string> rows;
  for (const LearningRatePoint& point : points) {
    rows.push_back(absl::StrCat(
        "  {\"step\": ", point.step,
        ", \"multiplier\": ", FormatDouble(point.multiplier, Precision::kExact),
        ", \"learningRate\": ", FormatDouble(point.learning_rate, Precision::kExact), "}"));
  }
  return absl::StrCat("{\"schedule\": ", CompactJson(schedule), ",\n \"learningRates\": [\n",
                      absl::StrJoin(rows, ",\n"), "\n ]}\n");
}

std::string RenderSchedulePlan(const std::vector<std::string>& labels,
                               const v1::PlanSchedulesRequest& request,
                               const v1::PlanSchedulesResponse& response) {
  std::string out;
  if (response.bounds_size() > 0) out = RenderBounds(labels, request, response);
  if (request.has_extension()) {
    if (!out.empty()) out += "\n";
    out += RenderExtension(request.extension(), response.extension());
  }
  return out;
}

std::string RenderRefinedSchedule(const v1::RefineScheduleRequest& request,
                                  const v1::RefineScheduleResponse& response,
                                  const std::vector<LearningRatePoint>& points) {
  const auto& multipliers = response.multipliers();
  const auto peak = std::max_element(multipliers.begin(), multipliers.end());
  Fields fields = {
      {"refined from",
       absl::StrCat(
           request.norms_size(), " gradient norms (",
           request.norm() == v1::L1_ADAM ? "l1, Adam weights G^-1" : "l2, SGD weights G^-2", ")")},
      {"steps", absl::StrCat(response.schedule().total_steps())},
      {"fell back to linear decay", response.fell_back_to_linear_decay()
                                        ? absl::StrCat("yes: ", response.fallback_reason())
                                        : "no"}};
  if (peak != multipliers.end()) {
    fields.emplace_back("peak", absl::StrCat("multiplier ", Number(*peak), " at step ",
                                             peak - multipliers.begin()));
  }
  return absl::StrCat(RenderFields(fields), RenderLearningRates(response.schedule(), points));
}

}  // namespace hyperd::cli
