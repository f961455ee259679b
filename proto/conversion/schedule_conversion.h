// Conversions between the API's Schedule message and the schedule library's struct
// (algorithms/schedules/families): the one place where they meet. The server uses them to
// validate and hand out schedules; the C++ client uses them to evaluate a trial's schedule
// locally with the same closed forms (no RPC per step).
//
//   ASSIGN_OR_RETURN(algorithms::schedules::Schedule schedule,
//                    ScheduleFromProto(trial.schedule(), "trial.schedule"));
//   double lr = algorithms::schedules::LearningRateAt(schedule, step);
#ifndef HYPERD_PROTO_CONVERSION_SCHEDULE_CONVERSION_H_
#define HYPERD_PROTO_CONVERSION_SCHEDULE_CONVERSION_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "algorithms/schedules/families/schedule.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::conversion {

// The library schedule of `proto`, unset optional fields at their defaults (family LINEAR,
// wsd.cooldown_fraction 0.2, polynomial.power 1, onecycle pct_start 0.3, div_factor 25,
// final_div_factor 1e4, step.gamma 0.1), validated: INVALID_ARGUMENT whose message starts with
// `field` ("schedule.wsd.cooldown_fraction: ..." becomes "<field>.wsd.cooldown_fraction: ...").
absl::StatusOr<algorithms::schedules::Schedule> ScheduleFromProto(const hyperd::v1::Schedule& proto,
                                                                  absl::string_view field);

// The same conversion without validation (for schedules that were validated when stored).
algorithms::schedules::Schedule ScheduleFromProtoUnchecked(const hyperd::v1::Schedule& proto);

// Every field spelled out, so a stored or returned schedule says exactly what applies.
hyperd::v1::Schedule ScheduleToProto(const algorithms::schedules::Schedule& schedule);

}  // namespace hyperd::conversion

#endif  // HYPERD_PROTO_CONVERSION_SCHEDULE_CONVERSION_H_
