// Turns hyperctl's STUDY and TRIAL arguments into API resource names.
//
//   STUDY: "mnist" or "studies/mnist"                      -> "studies/mnist"
//   TRIAL: "mnist 3", "studies/mnist 3" or "studies/mnist/trials/3"
//                                                          -> "studies/mnist/trials/3"
#ifndef HYPERD_CLIENT_CLI_RESOURCE_NAMES_H_
#define HYPERD_CLIENT_CLI_RESOURCE_NAMES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperd::cli {

// Errors are usage errors saying which form is expected.
absl::StatusOr<std::string> StudyName(absl::string_view arg);

// `args` is one full trial name, or a study and a trial number (>= 0).
absl::StatusOr<std::string> TrialName(const std::vector<std::string>& args);

// "studies/x/trials/3" -> "studies/x". `trial_name` must come from TrialName.
std::string ParentOfTrial(absl::string_view trial_name);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_RESOURCE_NAMES_H_
