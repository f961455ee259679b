// Which optimizer steps `hyperctl schedule show|refine` print: --steps 0,10,100 (those steps, in
// the given order) or --every N (0, N, 2N, ... below T, then the last update T-1). Without
// either: every T/10 steps (rounded up), so about ten rows.
#ifndef HYPERD_CLIENT_CLI_STEP_SELECTION_H_
#define HYPERD_CLIENT_CLI_STEP_SELECTION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli/args.h"

namespace hyperd::cli {

// The --steps and --every flags.
std::vector<FlagSpec> StepSelectionFlags();

// The steps selected by `args` for a schedule of `total_steps` (>= 1) updates. Usage errors for
// both flags at once, a step that is not an integer >= 0, or N < 1.
absl::StatusOr<std::vector<int64_t>> SelectSteps(const ParsedCommandLine& args,
                                                 int64_t total_steps);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_STEP_SELECTION_H_
