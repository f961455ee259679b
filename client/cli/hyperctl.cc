#include "client/cli/hyperctl.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli/args.h"
#include "client/cli/command.h"
#include "client/cli/dashboard_url.h"
#include "client/cli/render.h"
#include "client/cpp/channel_security.h"
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
      {"tls", '\0', "", "use TLS, checking the server against the system's roots ($HYPERD_TLS=1)"},
      {"tls-ca", '\0', "FILE",
       "use TLS, checking the server against these PEM roots (default: $HYPERD_TLS_CA)"},
      {"tls-cert", '\0', "FILE",
       "client certificate (PEM) for mutual TLS, with --tls-key (default: $HYPERD_TLS_CERT)"},
      {"tls-key", '\0', "FILE", "private key of --tls-cert (default: $HYPERD_TLS_KEY)"},
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

absl::Status Dashboard(CommandContext& ctx) {
  ASSIGN_OR_RETURN(v1::ServerInfo info, ctx.client.GetServerInfo());
  ASSIGN_OR_RETURN(std::string url, DashboardUrl(ctx.client.options().address, info));
  if (ctx.format == OutputFormat::kJson) {
    ctx.out << "{\n  \"url\": \"" << url << "\"\n}\n";
  } else {
    ctx.out << url << "\n";
  }
  return absl::OkStatus();
}

std::vector<Command> AllCommands() {
  std::vector<Command> commands = StudyCommands();
  for (Command& command : TrialCommands()) commands.push_back(std::move(command));
  for (Command& command : ScheduleCommands()) commands.push_back(std::move(command));
  for (Command& command : AdminCommands()) commands.push_back(std::move(command));
  commands.push_back(
      {{{"info"}, "", "", "Show the server's version and settings", "", {}, 0, 0}, ServerInfo});
  commands.push_back({{{"dashboard"},
                       "",
                       "",
                       "Print the URL of the server's study dashboard",
                       "Open it in a browser. With tokens on, the page asks for a viewer token.",
                       {},
                       0,
                       0},
                      Dashboard});
  return commands;
}

absl::StatusOr<OutputFormat> ParseOutputFormat(const ParsedCommandLine& args) {
  const std::string format = args.Get("output", "table");
  if (format == "table") return OutputFormat::kTable;
  if (format == "json") return OutputFormat::kJson;
  return UsageError(absl::StrCat("--output=", format, " is not a format; use table or json"));
}

absl::StatusOr<ClientOptions> MakeClientOptions(const ParsedCommandLine& args,
                                                const Environment& environment,
                                                bool uses_server) {
  ClientOptions options;
  options.address =
      args.Get("server", environment.address.empty() ? kDefaultAddress : environment.address);
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
  if (!uses_server) {
    options.token = "";
    return options;
  }
  options.token = args.Get("token", environment.token);
  if (absl::Status status =
          CheckToken(*options.token, args.Has("token") ? "--token" : "$HYPERD_TOKEN");
      !status.ok()) {
    return UsageError(status.message());
  }
  options.tls = args.Has("tls") || environment.tls;
  options.tls_ca_file = args.Get("tls-ca", environment.tls_ca);
  options.tls_cert_file = args.Get("tls-cert", environment.tls_cert);
  options.tls_key_file = args.Get("tls-key", environment.tls_key);
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return UsageError(options.tls_cert_file.empty()
                          ? "--tls-key is given without --tls-cert; mutual TLS needs both the "
                            "client certificate and its key"
                          : "--tls-cert is given without --tls-key; mutual TLS needs both the "
                            "client certificate and its key");
  }
  return options;
}

// Client::Create's INVALID_ARGUMENT names ClientOptions fields; hyperctl users know flags.
absl::Status InTermsOfFlags(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  std::string message(status.message());
  for (const auto& [field, flag] :
       {std::pair<const char*, const char*>{"ClientOptions.tls_ca_file", "--tls-ca"},
        {"ClientOptions.tls_cert_file", "--tls-cert"},
        {"ClientOptions.tls_key_file", "--tls-key"}}) {
    if (absl::StartsWith(message, field)) {
      return UsageError(absl::StrCat(flag, message.substr(std::string(field).size())));
    }
  }
  return status;
}

absl::Status Run(const std::vector<Command>& commands, const ParsedCommandLine& args,
                 const Environment& environment, std::istream& in, std::ostream& out,
                 std::ostream& err) {
  const Command& command = commands[args.command];
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(args));
  ASSIGN_OR_RETURN(ClientOptions options,
                   MakeClientOptions(args, environment, command.uses_server));
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(std::move(options));
  if (!client.ok()) return InTermsOfFlags(client.status());
  CommandContext context{**client, args, format, out, err, in};
  return command.run(context);
}

bool IsTrue(const char* value) {
  if (value == nullptr) return false;
  const std::string lower = absl::AsciiStrToLower(value);
  return lower == "1" || lower == "true" || lower == "yes" || lower == "on";
}

}  // namespace

Environment Environment::FromProcess() {
  Environment environment;
  if (const char* address = std::getenv("HYPERD_ADDRESS")) environment.address = address;
  if (const char* token = std::getenv("HYPERD_TOKEN")) environment.token = token;
  if (const char* ca = std::getenv("HYPERD_TLS_CA")) environment.tls_ca = ca;
  if (const char* cert = std::getenv("HYPERD_TLS_CERT")) environment.tls_cert = cert;
  if (const char* key = std::getenv("HYPERD_TLS_KEY")) environment.tls_key = key;
  environment.tls = IsTrue(std::getenv("HYPERD_TLS"));
  return environment;
}

int RunHyperctl(const std::vector<std::string>& args, const Environment& environment,
                std::ostream& out, std::ostream& err) {
  return RunHyperctl(args, environment, std::cin, out, err);
}

int RunHyperctl(const std::vector<std::string>& args, const Environment& environment,
                std::istream& in, std::ostream& out, std::ostream& err) {
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
  if (parsed.ok()) status = Run(commands, *parsed, environment, in, out, err);
  out.flush();
  if (status.ok()) return 0;
  err << kProgram << ": " << absl::StatusCodeToString(status.code()) << ": " << status.message();
  if (status.code() == absl::StatusCode::kUnavailable) {
    err << "; is hyperd running there? Set --server or HYPERD_ADDRESS";
    if (parsed.ok() && !parsed->Has("tls") && !parsed->Has("tls-ca") && !environment.tls &&
        environment.tls_ca.empty()) {
      err << " (and --tls-ca or --tls if the server uses TLS)";
    }
  } else if (status.code() == absl::StatusCode::kUnauthenticated) {
    err << "\nhyperctl: the server refused the token: set --token or HYPERD_TOKEN";
  } else if (status.code() == absl::StatusCode::kPermissionDenied) {
    err << "\nhyperctl: the token is valid but its role or studies do not allow this; ask the "
           "server's operator for a token with the needed role (viewer < worker < admin)";
  }
  err << "\n";
  return IsUsageError(status) ? 2 : 1;
}

}  // namespace hyperd::cli
