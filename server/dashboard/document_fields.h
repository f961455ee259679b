// Field writers shared by the dashboard's documents, so a time, a parameter value or a study
// summary reads the same in every document (the JSON contract of issue 9).
#ifndef HYPERD_SERVER_DASHBOARD_DOCUMENT_FIELDS_H_
#define HYPERD_SERVER_DASHBOARD_DOCUMENT_FIELDS_H_

#include <optional>

#include "google/protobuf/timestamp.pb.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/dashboard/json_writer.h"

namespace hyperd::server::dashboard {

// RFC 3339 in UTC ("2027-01-15T08:00:00.25Z"), or null for an unset timestamp.
void WriteTime(const google::protobuf::Timestamp& time, JsonWriter& json);

// A number for double and integer values, a string for categories, null when unset.
void WriteParameterValue(const hyperd::v1::Parameter& parameter, JsonWriter& json);

// The study-list fields (id, display_name, state, sampler, scheduler, metric, goal, trial_count,
// trials_by_state, best_value, best_trial, create_time) as members of the open object. The
// display name is the user attribute "display_name", else the id.
void WriteStudySummaryFields(const hyperd::v1::Study& study,
                             const std::optional<hyperd::v1::Trial>& best, JsonWriter& json);

// The objective metric's value in `measurement`, if present.
std::optional<double> ObjectiveIn(const hyperd::v1::Measurement& measurement,
                                  const std::string& metric);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_DOCUMENT_FIELDS_H_
