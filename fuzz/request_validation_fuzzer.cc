// Fuzz target: the server's request validation and normalisation (server/request_validation.h,
// server/spec_conversion.h, server/schedule_tools.h) over arbitrary requests.
//
// Input (fuzz_input.h): a message-kind byte, then the request as a protobuf chunk, then a
// 64-bit seed. Each call must return (a status or a value), never crash; a study that
// NormalizeNewStudy accepts must also build its runtime state (samplers, scheduler, bandit).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/quiet_logs.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/request_validation.h"
#include "server/schedule_tools.h"
#include "server/spec_conversion.h"
#include "server/study_state.h"
#include "storage/trial_store.h"

namespace hyperd::fuzz {
namespace {

namespace v1 = hyperd::v1;
using server::DecodePageToken;
using server::DescribeSpecDifferences;
using server::EncodePageToken;
using server::NormalizeNewStudy;
using server::ParseStudyName;
using server::ParseTrialName;
using server::ResolvePageSize;
using server::SamplerName;
using server::SchedulerName;
using server::StudyName;
using server::ToAssignment;
using server::ToParameters;
using server::ToSearchSpace;
using server::TrialName;
using server::ValidateLimits;
using server::ValidateMeasurement;
using server::ValidateStudyId;

void Touch(const absl::Status& status) { CheckErrorHasMessage(status); }

void FuzzCreateStudy(FuzzInput& in) {
  v1::CreateStudyRequest request;
  in.TakeMessage(request);
  const uint64_t seed = in.TakeUint64() | 1;
  Touch(ValidateStudyId("study_id", request.study_id()));
  absl::StatusOr<v1::Study> normalized =
      NormalizeNewStudy(request.study_id(), request.study(), seed);
  Touch(normalized.status());
  if (!normalized.ok()) return;
  // What the runtime does next with a valid study.
  Check(DescribeSpecDifferences(normalized->spec(), normalized->spec()).empty(),
        "a normalised spec has no differences with itself");
  DescribeSpecDifferences(normalized->spec(), request.study().spec());
  SamplerName(normalized->spec().sampler());
  SchedulerName(normalized->spec().scheduler());
  Touch(ToSearchSpace(normalized->spec().search_space()).status());
  absl::StatusOr<std::unique_ptr<server::StudyState>> state =
      server::StudyState::Create(storage::StudyRecord{request.study_id(), *normalized, ""});
  Touch(state.status());
}

void FuzzTrialName(FuzzInput& in) {
  const std::string name = in.TakeChunk();
  absl::StatusOr<server::TrialKey> key = ParseTrialName("name", name);
  Touch(key.status());
  if (key.ok()) {
    Check(ParseTrialName("name", TrialName(key->study_id, key->number)).ok(),
          "TrialName(ParseTrialName(x)) parses");
  }
  absl::StatusOr<std::string> study = ParseStudyName("parent", name);
  Touch(study.status());
  if (study.ok()) {
    Check(*ParseStudyName("parent", StudyName(*study)) == *study,
          "ParseStudyName(StudyName(id)) == id");
  }
}

void FuzzReportMeasurement(FuzzInput& in) {
  v1::ReportMeasurementRequest request;
  in.TakeMessage(request);
  Touch(ParseTrialName("name", request.name()).status());
  Touch(ValidateMeasurement("measurement", request.measurement(), "loss"));
  Touch(ValidateMeasurement("final_measurement", request.measurement(), ""));
}

void FuzzUpdateStudy(FuzzInput& in) {
  v1::UpdateStudyRequest request;
  in.TakeMessage(request);
  Touch(ParseStudyName("study.name", request.study().name()).status());
  Touch(ValidateLimits("study.limits", request.study().limits()));
}

void FuzzCreateTrial(FuzzInput& in) {
  v1::CreateTrialRequest request;
  in.TakeMessage(request);
  Touch(ParseStudyName("parent", request.parent()).status());
  absl::StatusOr<algorithms::Assignment> assignment = ToAssignment(request.trial().parameters());
  Touch(assignment.status());
  if (assignment.ok()) {
    v1::Trial round_trip;
    ToParameters(*assignment, round_trip.mutable_parameters());
    Check(ToAssignment(round_trip.parameters()).ok(), "ToParameters output converts back");
  }
}

void FuzzPaging(FuzzInput& in) {
  v1::ListTrialsRequest request;
  in.TakeMessage(request);
  const uint64_t filter_hash = in.TakeUint64();
  absl::StatusOr<int> page_size = ResolvePageSize("page_size", request.page_size());
  Touch(page_size.status());
  if (page_size.ok()) {
    Check(*page_size >= 1 && *page_size <= server::kMaxPageSize, "page size in range");
  }
  Touch(DecodePageToken("page_token", request.page_token(), filter_hash).status());
  const std::string token = EncodePageToken(request.parent(), filter_hash);
  absl::StatusOr<std::string> decoded = DecodePageToken("page_token", token, filter_hash);
  Check(decoded.ok() && *decoded == request.parent(), "page tokens round-trip");
}

void FuzzSuggest(FuzzInput& in) {
  v1::SuggestTrialsRequest request;
  in.TakeMessage(request);
  Touch(ParseStudyName("parent", request.parent()).status());
}

void FuzzRefineSchedule(FuzzInput& in) {
  v1::RefineScheduleRequest request;
  in.TakeMessage(request);
  // Bounded so one input stays fast; the limits themselves are checked with small values too.
  if (request.run_steps() > 100'000 || request.output_steps() > 100'000) return;
  Touch(server::RefineSchedule(request).status());
}

void FuzzPlanSchedules(FuzzInput& in) {
  v1::PlanSchedulesRequest request;
  in.TakeMessage(request);
  if (request.horizon() > 100'000 || request.extension().second_horizon() > 100'000 ||
      request.extension().first_horizon() > 100'000) {
    return;
  }
  for (const v1::Schedule& schedule : request.schedules()) {
    if (schedule.total_steps() > 100'000) return;
  }
  Touch(server::PlanSchedules(request).status());
}

}  // namespace
}  // namespace hyperd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyperd::fuzz;  // NOLINT: the entry point has C linkage
  static const bool kQuiet = [] {
    SilenceLogs();
    return true;
  }();
  (void)kQuiet;
  FuzzInput in(data, size);
  switch (in.TakeByte() % 9) {
    case 0:
      FuzzCreateStudy(in);
      break;
    case 1:
      FuzzTrialName(in);
      break;
    case 2:
      FuzzReportMeasurement(in);
      break;
    case 3:
      FuzzUpdateStudy(in);
      break;
    case 4:
      FuzzCreateTrial(in);
      break;
    case 5:
      FuzzPaging(in);
      break;
    case 6:
      FuzzSuggest(in);
      break;
    case 7:
      FuzzRefineSchedule(in);
      break;
    case 8:
      FuzzPlanSchedules(in);
      break;
  }
  return 0;
}
