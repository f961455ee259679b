#include "client/cli/hyperctl.h"

#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli/args.h"
#include "client/cli/command.h"
#include "client/cli/render.h"
#include "client/cpp/hyperd_client.h"
#include "common/status_macros.h"

namespace hyperd::cli {
namespace {

constexpr char kProgram[] = "hyperctl";
constexpr char kDefaultAddress[] = "127.0.0.1:50051";
constexpr char kDescription[] =
    "hyperctl manages the studies and trials of a hyperd hyperparameter-tuning server, and\n"
    "shows, compares and refines learning-rate schedules.";

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec>* const kFlags = new std::vector<FlagSpec>{
      {"server", '\0', "HOST:PORT",
       absl::StrCat("hyperd address (default: $HYPERD_ADDRESS, else ", kDefaultAddress, ")")},
      {"token", '\0', "TOKEN", "bearer token (default: $HYPERD_TOKEN)"},
      {"output", 'o', "FORMAT", "table (default, for people) or json (proto3 JSON, for scripts)"},
      {"deadline", '\0', "DURATION", "time limit of each call, retries included (default 30s)"},
      {"help", 'h', "", "show help (also after a command)"},
  };
  return *kFlags;
}

absl::Status ServerInfo(CommandContext& ctx) {
  ASSIGN_OR_RETURN(v1::ServerInfo info, ctx.client.GetServerInfo());
  if (ctx.format == OutputFormat::kJson) return PrintJson(info, ctx.out);
  ctx.out << RenderServerInfo(ctx.client.options().address, info);
  return absl::OkStatus();
}

std::vector<Command> AllCommands() {
  std::vector<Command> commands = StudyCommands();
  for (Command& command : TrialCommands()) commands.push_back(std::move(command));
  for (Command& command : ScheduleCommands()) commands.push_back(std::move(command));
  for (Command& command : AdminCommands()) commands.push_back(std::move(command));
  commands.push_back(
      {{{"info"}, "", "", "Show the server's version and settings", "", {}, 0, 0}, ServerInfo});
  return commands;
}

absl::StatusOr<OutputFormat> ParseOutputFormat(const ParsedCommandLine& args) {
  const std::string format = args.Get("output", "table");
  if (format == "table") return OutputFormat::kTable;
  if (format == "json") return OutputFormat::kJson;
  return UsageError(absl::StrCat("--output=", format, " is not a format; use table or json"));
}

absl::StatusOr<ClientOptions> MakeClientOptions(const ParsedCommandLine& args,
                                                const Environment& environment) {
  ClientOptions options;
  options.address =
      args.Get("server", environment.address.empty() ? kDefaultAddress : environment.address);
  options.token = args.Get("token", environment.token);
  if (args.Has("deadline")) {
    if (!absl::ParseDuration(args.Get("deadline"), &options.deadline) ||
        options.deadline <= absl::ZeroDuration()) {
      return UsageError(absl::StrCat("--deadline=", args.Get("deadline"),
                                     " is not a positive duration such as 30s or 2m"));
    }
  }
  if (options.address.empty()) {
    return UsageError("--server is empty; give the server's HOST:PORT");
  }
  return options;
}

absl::Status Run(const std::vector<Command>& commands, const ParsedCommandLine& args,
                 const Environment& environment, std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(args));
  ASSIGN_OR_RETURN(ClientOptions options, MakeClientOptions(args, environment));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Create(std::move(options)));
  CommandContext context{*client, args, format, out, err};
  return commands[args.command].run(context);
}

}  // namespace

Environment Environment::FromProcess() {
  Environment environment;
  if (const char* address = std::getenv("HYPERD_ADDRESS")) environment.address = address;
  if (const char* token = std::getenv("HYPERD_TOKEN")) environment.token = token;
  return environment;
}

int RunHyperctl(const std::vector<std::string>& args, const Environment& environment,
                std::ostream& out, std::ostream& err) {
  const std::vector<Command> commands = AllCommands();
  std::vector<CommandSpec> specs;
  for (const Command& command : commands) specs.push_back(command.spec);

  absl::StatusOr<ParsedCommandLine> parsed = ParseCommandLine(kProgram, specs, GlobalFlags(), args);
  absl::Status status = parsed.status();
  if (parsed.ok() && parsed->help) {
    if (parsed->command >= 0) {
      out << CommandHelp(kProgram, specs[parsed->command], GlobalFlags());
    } else if (!parsed->words.empty()) {
      out << GroupHelp(kProgram, parsed->words, specs, GlobalFlags());
    } else {
      out << TopLevelHelp(kProgram, kDescription, specs, GlobalFlags());
    }
    return 0;
  }
  if (parsed.ok()) status = Run(commands, *parsed, environment, out, err);
  out.flush();
  if (status.ok()) return 0;
  err << kProgram << ": " << absl::StatusCodeToString(status.code()) << ": " << status.message();
  if (status.code() == absl::StatusCode::kUnavailable) {
    err << "; is hyperd running there? Set --server or HYPERD_ADDRESS";
  }
  err << "\n";
  return IsUsageError(status) ? 2 : 1;
}

}  // namespace hyperd::cli
