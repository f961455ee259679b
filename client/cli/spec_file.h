// Reads a study spec file for `hyperctl study create -f FILE`.
//
// The file is a hyperd.v1.Study in the proto3 JSON mapping (what `hyperctl study show -o json`
// prints, so a study can be copied), plus one optional top-level key "study_id":
//
//   {
//     "study_id": "mnist-lr",
//     "spec": {
//       "searchSpace": {"parameters": [
//         {"name": "lr", "doubleSpec": {"min": 1e-5, "max": 0.1, "scale": "LOG"}}]},
//       "objective": {"metric": "loss", "goal": "MINIMIZE"},
//       "sampler": {"random": {}}
//     },
//     "limits": {"maxTrials": 50}
//   }
//
// The study id is, in order: the --id flag; "study_id"; the "name" field ("studies/{id}" or
// "{id}"). "study_id" and "name" must agree when both are given. Unknown keys are errors, so a
// misspelt field is reported instead of silently ignored. Output-only fields (state, counts,
// times) are accepted and ignored by the server.
#ifndef HYPERD_CLIENT_CLI_SPEC_FILE_H_
#define HYPERD_CLIENT_CLI_SPEC_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// `json` is the file's text, `file_name` is used in messages, `id_flag` is --id ("" if not
// given). Errors are usage errors (args.h) naming the file and what to fix.
absl::StatusOr<v1::CreateStudyRequest> ParseStudySpec(absl::string_view json,
                                                      absl::string_view file_name,
                                                      absl::string_view id_flag);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_SPEC_FILE_H_
