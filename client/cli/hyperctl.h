// hyperctl: the command-line client of hyperd. main() only forwards to RunHyperctl, so tests
// drive the whole program in-process.
//
//   hyperctl study create -f spec.json
//   hyperctl suggest mnist --count 2
//   hyperctl report mnist 0 --step 1 --metric loss=0.42
//   hyperctl arms solver-bandit --sort mean
//   hyperctl schedule plan --schedule linear --schedule wsd:0.2 --horizon 1000
//
// Exit codes: 0 success (and --help), 1 the server or the connection failed, 2 usage error.
// Errors go to `err` as "hyperctl: <CODE>: <message>".
#ifndef HYPERD_CLIENT_CLI_HYPERCTL_H_
#define HYPERD_CLIENT_CLI_HYPERCTL_H_

#include <ostream>
#include <string>
#include <vector>

namespace hyperd::cli {

// Settings taken from the environment (HYPERD_ADDRESS, HYPERD_TOKEN); flags override them.
struct Environment {
  std::string address;
  std::string token;

  static Environment FromProcess();
};

// `args` excludes the program name.
int RunHyperctl(const std::vector<std::string>& args, const Environment& environment,
                std::ostream& out, std::ostream& err);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_HYPERCTL_H_
