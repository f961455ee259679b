// Human-readable views of learning-rate schedules for `hyperctl schedule show|plan|refine`
// (table output; `-o json` prints the API messages instead). Texts end with '\n'.
#ifndef HYPERD_CLIENT_CLI_SCHEDULE_RENDER_H_
#define HYPERD_CLIENT_CLI_SCHEDULE_RENDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// The LR of one optimizer update: base_lr · multiplier.
struct LearningRatePoint {
  int64_t step = 0;
  double multiplier = 0.0;
  double learning_rate = 0.0;
};

// One line, every parameter that applies spelled out with its default when unset:
// "wsd: base LR 0.001, 1000 steps, warm-up 100 steps from 0, cooldown 0.2 linear, floor 0".
std::string FormatScheduleSummary(const v1::Schedule& schedule);

// The summary, then STEP, MULTIPLIER, LR.
std::string RenderLearningRates(const v1::Schedule& schedule,
                                const std::vector<LearningRatePoint>& points);

// -o json of `schedule show`, one point per line in order:
//   {"schedule": <proto3 JSON of the Schedule>,
//    "learningRates": [{"step": 0, "multiplier": 0, "learningRate": 0}, ...]}
// Numbers are exact (shortest round-trip text); steps are JSON numbers.
std::string LearningRatesJson(const v1::Schedule& schedule,
                              const std::vector<LearningRatePoint>& points);

// "convex bound at horizon T = 100 (D = G = 1)", then SCHEDULE (labels[i] for bounds[i]),
// OPTIMAL LR, BOUND, LR RATIO, and TRANSFERRED LR when request.tuned_base_lr() is set; then the
// cooldown extension plan when the request asked for one.
std::string RenderSchedulePlan(const std::vector<std::string>& labels,
                               const v1::PlanSchedulesRequest& request,
                               const v1::PlanSchedulesResponse& response);

// The refinement's summary fields (norms, length, fallback, peak), then the LR table.
std::string RenderRefinedSchedule(const v1::RefineScheduleRequest& request,
                                  const v1::RefineScheduleResponse& response,
                                  const std::vector<LearningRatePoint>& points);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_SCHEDULE_RENDER_H_
