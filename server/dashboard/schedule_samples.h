// A learning-rate schedule evaluated for a chart: lr_t at no more than kMaxSchedulePoints steps
// t = 0 ... T-1 (every step when T is small, else evenly spaced ones including the first and the
// last), with the schedule library's closed forms (algorithms/schedules/families/learning_rate.h).
#ifndef HYPERD_SERVER_DASHBOARD_SCHEDULE_SAMPLES_H_
#define HYPERD_SERVER_DASHBOARD_SCHEDULE_SAMPLES_H_

#include <cstdint>
#include <vector>

#include "hyperd/v1/hyperd.pb.h"
#include "server/dashboard/json_writer.h"

namespace hyperd::server::dashboard {

inline constexpr int kMaxSchedulePoints = 200;

struct ScheduleSamples {
  std::vector<int64_t> steps;
  std::vector<double> lr;
};

// `schedule` was validated when it was stored (spec or trial), so it is evaluated unchecked.
ScheduleSamples SampleSchedule(const hyperd::v1::Schedule& schedule,
                               int max_points = kMaxSchedulePoints);

// {"steps": [...], "lr": [...]}
void WriteScheduleSamples(const ScheduleSamples& samples, JsonWriter& json);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_SCHEDULE_SAMPLES_H_
