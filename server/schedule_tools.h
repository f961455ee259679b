// The stateless schedule RPCs: RefineSchedule (gradient norms in, refined schedule out;
// lr-schedules.md §2) and PlanSchedules (the convex bound of §3: optimal base LR per schedule, LR
// transfer between them, cooldown extension for continued training). Pure functions of the
// request: INVALID_ARGUMENT naming the field for bad input.
#ifndef HYPERD_SERVER_SCHEDULE_TOOLS_H_
#define HYPERD_SERVER_SCHEDULE_TOOLS_H_

#include "absl/status/statusor.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::server {

inline constexpr int64_t kMaxPlanHorizon = 1'000'000;
inline constexpr int kMaxPlanSchedules = 100;
inline constexpr int kMaxRefineNorms = 10'000'000;
// RefineSchedule returns the per-step multipliers only up to this many steps (8 bytes each in
// the reply); longer runs evaluate the returned schedule.
inline constexpr int64_t kMaxReturnedMultipliers = 100'000;

absl::StatusOr<hyperd::v1::RefineScheduleResponse> RefineSchedule(
    const hyperd::v1::RefineScheduleRequest& request);

absl::StatusOr<hyperd::v1::PlanSchedulesResponse> PlanSchedules(
    const hyperd::v1::PlanSchedulesRequest& request);

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_SCHEDULE_TOOLS_H_
