// hyperctl's command-line parser: a command is a path of words ("study create") with its own
// flags and positional arguments; global flags are accepted before or after the command.
//
//   absl::StatusOr<ParsedCommandLine> parsed =
//       ParseCommandLine("hyperctl", commands, global_flags, args);
//
// Flags are written "--name=value", "--name value", "-x value" or "-x=value" (boolean flags take
// no value). "--" ends the flags. A command's flag shadows a global flag of the same name, so
// "export -o FILE" can mean an output file while "-o json" elsewhere selects the output format.
#ifndef HYPERD_CLIENT_CLI_ARGS_H_
#define HYPERD_CLIENT_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperd::cli {

struct FlagSpec {
  std::string name;        // long name without "--", e.g. "metric"
  char short_name = '\0';  // e.g. 'f' for "-f"; '\0' if none
  std::string value_name;  // e.g. "NAME=VALUE"; empty for a boolean flag
  std::string help;
  bool repeated = false;  // may be given several times
};

struct CommandSpec {
  std::vector<std::string> path;  // e.g. {"study", "create"}
  std::string arguments;          // positional synopsis, e.g. "STUDY N | TRIAL"
  std::string required_flags;     // shown in the synopsis, e.g. "--step S --metric NAME=VALUE"
  std::string summary;            // one line, for the command list
  std::string details;            // paragraphs printed by "<command> --help"
  std::vector<FlagSpec> flags;
  size_t min_args = 0;
  size_t max_args = 0;
};

struct ParsedCommandLine {
  // Index into the command list; -1 when no complete command was named (top-level or group
  // help, e.g. "hyperctl study --help").
  int command = -1;
  // The command words that were recognised (the full path when `command` >= 0).
  std::vector<std::string> words;
  std::vector<std::string> positional;
  // Values by long flag name; a boolean flag maps to {"true"}.
  std::map<std::string, std::vector<std::string>> flags;
  bool help = false;

  bool Has(absl::string_view flag) const;
  // The flag's (last) value, or `fallback` when it was not given.
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const;
  const std::vector<std::string>& GetAll(absl::string_view flag) const;
};

// Parses `args` (without the program name; `program` is used in hints). Errors are usage errors
// (see IsUsageError) whose message names the offending argument and how to get help.
absl::StatusOr<ParsedCommandLine> ParseCommandLine(absl::string_view program,
                                                   const std::vector<CommandSpec>& commands,
                                                   const std::vector<FlagSpec>& global_flags,
                                                   const std::vector<std::string>& args);

// Help texts. `words` selects a group ("study") or is empty for the top level.
std::string TopLevelHelp(absl::string_view program, absl::string_view description,
                         const std::vector<CommandSpec>& commands,
                         const std::vector<FlagSpec>& global_flags);
std::string GroupHelp(absl::string_view program, const std::vector<std::string>& words,
                      const std::vector<CommandSpec>& commands,
                      const std::vector<FlagSpec>& global_flags);
std::string CommandHelp(absl::string_view program, const CommandSpec& command,
                        const std::vector<FlagSpec>& global_flags);

// A usage error is an INVALID_ARGUMENT marked as the caller's mistake in invoking the program
// (exit code 2), as opposed to an error returned by the server (exit code 1).
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_ARGS_H_
