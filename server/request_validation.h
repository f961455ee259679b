// Validation of API input that is not part of the search space: resource names, study specs and
// limits, measurements, pagination. Every error is INVALID_ARGUMENT whose message starts with the
// request field path and says how to fix it; nothing here changes state.
#ifndef HYPERD_SERVER_REQUEST_VALIDATION_H_
#define HYPERD_SERVER_REQUEST_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/map.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/server_limits.h"

namespace hyperd::server {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kMaxSuggestCount = 100;
inline constexpr int kMaxContextDimension = 1024;
inline constexpr absl::Duration kDefaultLeaseDuration = absl::Minutes(10);

struct TrialKey {
  std::string study_id;
  int64_t number = 0;
};

std::string StudyName(absl::string_view study_id);
std::string TrialName(absl::string_view study_id, int64_t number);

// INVALID_ARGUMENT "<field>: is N characters long; at most `max` are allowed" above `max`.
absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t max);

// At most kMaxUserAttributes entries, keys 1-kMaxUserAttributeKeyLength characters, values at most
// kMaxUserAttributeValueLength.
absl::Status ValidateUserAttributes(
    absl::string_view field, const google::protobuf::Map<std::string, std::string>& attributes);

// The size limits of server_limits.h on a CreateStudy request's study (parameter count,
// categorical values, string lengths, user attributes), checked before anything is copied.
// NormalizeNewStudy calls it first.
absl::Status ValidateStudySizes(const hyperd::v1::Study& study);

// The size limits on a CreateTrial request's trial: parameter count, categorical value lengths,
// user attributes. `field` is the trial's path, e.g. "trial".
absl::Status ValidateTrialSizes(absl::string_view field, const hyperd::v1::Trial& trial);

absl::Status ValidateStudyId(absl::string_view field, absl::string_view study_id);
// "studies/{study_id}" -> study_id.
absl::StatusOr<std::string> ParseStudyName(absl::string_view field, absl::string_view name);
// "studies/{study_id}/trials/{number}" -> key.
absl::StatusOr<TrialKey> ParseTrialName(absl::string_view field, absl::string_view name);

// Validates a CreateStudy request's study and returns it as it will be stored: OUTPUT_ONLY fields
// cleared, name set, defaults filled in (random sampler, fifo scheduler, MINIMIZE, 10-minute
// lease) and the seed set to `seed_if_unset` when the spec has none.
absl::StatusOr<hyperd::v1::Study> NormalizeNewStudy(absl::string_view study_id,
                                                    const hyperd::v1::Study& requested,
                                                    uint64_t seed_if_unset);

// "" when a get-or-create request asks for the study that exists, else a description of each
// differing spec field. A request without a seed matches any stored seed.
std::string DescribeSpecDifferences(const hyperd::v1::StudySpec& existing,
                                    const hyperd::v1::StudySpec& requested);

absl::Status ValidateLimits(absl::string_view field, const hyperd::v1::StudyLimits& limits);

// Checks a reported or final measurement: step >= 0, the objective metric present, at most
// kMaxMetricsPerMeasurement metrics, names 1-kMaxMetricNameLength characters. Non-finite values
// are legitimate (a diverging run).
absl::Status ValidateMeasurement(absl::string_view field, const hyperd::v1::Measurement& m,
                                 absl::string_view objective_metric);

// page_size 0 -> default, above the maximum -> the maximum, negative -> INVALID_ARGUMENT.
absl::StatusOr<int> ResolvePageSize(absl::string_view field, int32_t page_size);

// Opaque page tokens: the last key of the page, bound to the request's filter so a token reused
// with another filter is refused.
std::string EncodePageToken(absl::string_view last_key, uint64_t filter_hash);
absl::StatusOr<std::string> DecodePageToken(absl::string_view field, absl::string_view token,
                                            uint64_t filter_hash);

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_REQUEST_VALIDATION_H_
