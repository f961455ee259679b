// What every hyperctl command gets to run with, and the command tables.
//
// A command is its CommandSpec (name, arguments, flags, help) plus a handler. Handlers print
// their result to `out` (a table by default, proto3 JSON with -o json) and return an error
// instead of printing one: usage errors (args.h) exit 2, server errors exit 1.
#ifndef HYPERD_CLIENT_CLI_COMMAND_H_
#define HYPERD_CLIENT_CLI_COMMAND_H_

#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/cli/args.h"
#include "client/cpp/hyperd_client.h"
#include "google/protobuf/message.h"

namespace hyperd::cli {

enum class OutputFormat { kTable, kJson };

struct CommandContext {
  Client& client;
  const ParsedCommandLine& args;
  OutputFormat format;
  std::ostream& out;
  std::ostream& err;
  std::istream& in;  // standard input ("-" arguments, admin hash-token)
};

struct Command {
  CommandSpec spec;
  std::function<absl::Status(CommandContext&)> run;
  // False for commands that never call the server (admin hash-token): their client is made
  // from --server alone, so TLS flags or a token they do not need cannot make them fail.
  bool uses_server = true;
};

// study create|list|show|pause|resume|complete|delete, best, arms, export.
std::vector<Command> StudyCommands();
// trial list|show|stop, suggest, report, complete, fail.
std::vector<Command> TrialCommands();
// schedule show|plan|refine.
std::vector<Command> ScheduleCommands();
// admin backup|hash-token.
std::vector<Command> AdminCommands();

// Pretty-printed proto3 JSON followed by a newline.
absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out);

// The flag parsed as a number; a usage error naming the flag otherwise. `fallback` is returned
// when the flag was not given.
absl::StatusOr<int64_t> IntFlag(const ParsedCommandLine& args, absl::string_view flag,
                                int64_t fallback);
absl::StatusOr<double> DoubleFlag(const ParsedCommandLine& args, absl::string_view flag);

// The whole text of the file at `path` ("-": standard input); a usage error naming the path when
// it cannot be read.
absl::StatusOr<std::string> ReadInputFile(const std::string& path);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_COMMAND_H_
