// Every size and count limit of the server in one place (issue 8, security): no request, however
// hostile, makes the server allocate without bound. docs/api.md ("Limits") lists them for users.
//
// Two kinds, two codes:
// - Count limits that depend on the server's state (studies held, trials in a study, suggestions
//   in flight) are RESOURCE_EXHAUSTED: the same request may succeed later or after cleanup.
//   Operators tune them with flags, so they live in ServerLimits.
// - Size limits of one request (string lengths, repeated field sizes) are INVALID_ARGUMENT: the
//   request itself is wrong. They are constants: clients rely on them.
// A refused request changes nothing, and repeated fields are checked before they are copied.
#ifndef HYPERD_SERVER_SERVER_LIMITS_H_
#define HYPERD_SERVER_SERVER_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace hyperd::server {

// The tunable count limits (flags of the same name in server/main.cc). Each must be >= 1.
struct ServerLimits {
  // Studies the server holds (deleted ones do not count). --max-studies.
  int64_t max_studies = 10'000;
  // Trials one study may hold, whatever its own limits.max_trials. Measured: 100,000 trials of a
  // 4-parameter study grow the resident size by ~120 MB (~1.2 KB per trial), and each measurement
  // adds ~0.5 KB; a full study is ~120 MB plus its curves. --max-trials-per-study.
  int64_t max_trials_per_study = 100'000;
  // SuggestTrials calls of one client_id waiting or running at once (a worker needs one at a
  // time; retries that pile up behind a slow sampler are refused).
  // --max-concurrent-suggests-per-client.
  int max_concurrent_suggests_per_client = 4;
  // SuggestTrials calls waiting or running in the whole server, over every client and study.
  int max_pending_suggests = 10'000;
  // Tasks waiting for a worker thread (suggestion strands, backups).
  int max_queued_tasks = 10'000;
};

// Size limits of one request (INVALID_ARGUMENT above them).
inline constexpr int kMaxParameters = 1'000;          // search_space.parameters, trial.parameters
inline constexpr int kMaxCategoricalValues = 10'000;  // categorical_spec.values, condition values
inline constexpr size_t kMaxCategoricalValueLength = 256;
inline constexpr size_t kMaxMetricNameLength = 128;  // objective.metric, measurement metric names
inline constexpr int kMaxMetricsPerMeasurement = 1'000;
inline constexpr size_t kMaxDescriptionLength = 16 * 1024;
inline constexpr int kMaxUserAttributes = 100;  // study and trial user_attributes entries
inline constexpr size_t kMaxUserAttributeKeyLength = 256;
inline constexpr size_t kMaxUserAttributeValueLength = 4 * 1024;
inline constexpr size_t kMaxResourceUnitLength = 128;  // spec.resource.unit
inline constexpr size_t kMaxClientIdLength = 256;
inline constexpr size_t kMaxReasonLength = 4 * 1024;  // fail/stop/infeasible reasons
// Points of a TABULATED schedule and milestones of a PIECEWISE_CONSTANT one in spec.schedule:
// every trial stores its own copy of the schedule. Refined shapes have at most 10,001 points.
inline constexpr int kMaxSchedulePoints = 10'001;
// Measurements one trial may store (RESOURCE_EXHAUSTED above it: a count).
inline constexpr int64_t kMaxMeasurementsPerTrial = 100'000;

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_SERVER_LIMITS_H_
