// Schedules written on hyperctl's command line or in a file, for `hyperctl schedule show|plan`.
//
// A family spec is FAMILY[:ARG[:ARG]], the family's name in lower case ('-' may replace '_'):
//
//   constant | linear | cosine
//   wsd[:COOLDOWN_FRACTION[:linear|cosine|1-sqrt]]     wsd:0.2, wsd:0.1:1-sqrt
//   polynomial[:POWER]                                 polynomial:2
//   inverse_sqrt[:TIMESCALE]                           inverse_sqrt:1000
//   onecycle[:PCT_START[:cos|linear]]                  onecycle:0.25:linear
//   step:STEP_SIZE[:GAMMA]                             step:30:0.1
//
// Unset parameters keep the API's defaults (wsd 0.2 linear, power 1, ...). piecewise_constant and
// tabulated schedules have too many numbers for one word: give them in a file.
//
// A schedule file holds one hyperd.v1.Schedule in the proto3 JSON mapping (what
// `hyperctl schedule refine --save` writes; starts with '{') or in the protobuf text format:
//
//   family: WSD  base_lr: 3e-4  total_steps: 10000  warmup_steps: 500
//   wsd { cooldown_fraction: 0.2 decay_shape: ONE_MINUS_SQRT }
#ifndef HYPERD_CLIENT_CLI_SCHEDULE_ARGUMENT_H_
#define HYPERD_CLIENT_CLI_SCHEDULE_ARGUMENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// The schedule of a family spec, with only its family and family parameters set. NOT_FOUND when
// `spec` names no family (it may be a file name); usage errors (args.h) for a known family with
// bad parameters.
absl::StatusOr<v1::Schedule> ParseScheduleFamilySpec(absl::string_view spec);

// The schedule in a file's text; `file_name` is used in messages. Usage errors name the file,
// and the line and column for the text format. The schedule is not validated here.
absl::StatusOr<v1::Schedule> ParseScheduleFile(absl::string_view text, absl::string_view file_name);

// The family spec syntaxes ("constant", ..., "step:STEP_SIZE[:GAMMA]") joined by `separator`.
std::string FamilySpecNames(absl::string_view separator);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_SCHEDULE_ARGUMENT_H_
