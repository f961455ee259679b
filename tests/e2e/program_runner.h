// Runs a program (hyperctl) as a subprocess for end-to-end tests, capturing its output.
//
//   CommandResult result = RunProgram(HYPERCTL_BINARY, {"schedule", "plan", ...}, dir);
//   EXPECT_EQ(result.exit_code, 0) << result;
#ifndef HYPERD_TESTS_E2E_PROGRAM_RUNNER_H_
#define HYPERD_TESTS_E2E_PROGRAM_RUNNER_H_

#include <ostream>
#include <string>
#include <vector>

namespace hyperd::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed; -1 when it could not be started
  std::string out;
  std::string err;
};

// Runs `binary args...` with stdout and stderr captured in files under `dir` (which must exist),
// without HYPERD_ADDRESS/HYPERD_TOKEN from the test's environment, and waits for its exit: at
// most 60 s, then it is killed and `err` says so.
CommandResult RunProgram(const std::string& binary, const std::vector<std::string>& args,
                         const std::string& dir);

// "exit N", then stdout and stderr: for failure messages.
std::ostream& operator<<(std::ostream& os, const CommandResult& result);

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_E2E_PROGRAM_RUNNER_H_
