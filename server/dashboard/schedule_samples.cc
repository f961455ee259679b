#include "server/dashboard/schedule_samples.h"

#include <algorithm>

#include "algorithms/schedules/families/learning_rate.h"
#include "proto/conversion/schedule_conversion.h"

namespace hyperd::server::dashboard {

ScheduleSamples SampleSchedule(const hyperd::v1::Schedule& schedule, int max_points) {
  const algorithms::schedules::Schedule library = conversion::ScheduleFromProtoUnchecked(schedule);
  const int64_t total = std::max<int64_t>(library.total_steps, 1);
  const int64_t points = std::min<int64_t>(total, std::max(max_points, 2));
  ScheduleSamples samples;
  samples.steps.reserve(points);
  samples.lr.reserve(points);
  for (int64_t k = 0; k < points; ++k) {
    // Exact integer spacing: k = 0 gives step 0 and k = points - 1 gives step T - 1.
    const int64_t step =
        points == 1 ? 0
                    : static_cast<int64_t>(static_cast<__int128>(k) * (total - 1) / (points - 1));
    if (!samples.steps.empty() && samples.steps.back() == step) continue;
    samples.steps.push_back(step);
    samples.lr.push_back(algorithms::schedules::LearningRateAt(library, step));
  }
  return samples;
}

void WriteScheduleSamples(const ScheduleSamples& samples, JsonWriter& json) {
  json.BeginObject();
  json.Key("steps");
  json.BeginArray();
  for (const int64_t step : samples.steps) json.Int(step);
  json.EndArray();
  json.Key("lr");
  json.BeginArray();
  for (const double lr : samples.lr) json.Number(lr);
  json.EndArray();
  json.EndObject();
}

}  // namespace hyperd::server::dashboard
