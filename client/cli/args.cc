#include "client/cli/args.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hyperd::cli {
namespace {

constexpr char kUsagePayloadUrl[] = "hyperd.dev/hyperctl/usage-error";

bool IsPrefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

std::string CommandName(absl::string_view program, const std::vector<std::string>& words) {
  return words.empty() ? std::string(program)
                       : absl::StrCat(program, " ", absl::StrJoin(words, " "));
}

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags, absl::string_view long_name,
                         char short_name) {
  for (const FlagSpec& flag : flags) {
    if (long_name.empty() ? flag.short_name == short_name : flag.name == long_name) return &flag;
  }
  return nullptr;
}

std::string FlagLabel(const FlagSpec& flag) {
  std::string label = flag.short_name != '\0'
                          ? absl::StrCat("-", std::string(1, flag.short_name), ", --", flag.name)
                          : absl::StrCat("    --", flag.name);
  if (!flag.value_name.empty()) absl::StrAppend(&label, "=", flag.value_name);
  return label;
}

// Two-column lines: labels padded to a common width, then the text. A label too long for the
// column gets a line of its own so that one long synopsis does not push every text right.
std::string Columns(const std::vector<std::pair<std::string, std::string>>& rows) {
  constexpr size_t kMaxWidth = 32;
  size_t width = 0;
  for (const auto& [label, text] : rows) {
    if (label.size() <= kMaxWidth) width = std::max(width, label.size());
  }
  std::string out;
  for (const auto& [label, text] : rows) {
    if (label.size() > width) {
      absl::StrAppend(&out, "  ", label, "\n", std::string(width + 5, ' '), text, "\n");
    } else {
      absl::StrAppend(&out, "  ", label, std::string(width - label.size() + 3, ' '), text, "\n");
    }
  }
  return out;
}

std::string FlagList(const std::vector<FlagSpec>& flags) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const FlagSpec& flag : flags) {
    rows.emplace_back(FlagLabel(flag),
                      flag.repeated ? absl::StrCat(flag.help, " (repeatable)") : flag.help);
  }
  return Columns(rows);
}

std::string CommandList(const std::vector<CommandSpec>& commands,
                        const std::vector<std::string>& group) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const CommandSpec& command : commands) {
    if (!IsPrefix(group, command.path)) continue;
    std::string label = absl::StrJoin(command.path, " ");
    if (!command.arguments.empty()) absl::StrAppend(&label, " ", command.arguments);
    if (!command.required_flags.empty()) absl::StrAppend(&label, " ", command.required_flags);
    rows.emplace_back(std::move(label), command.summary);
  }
  return Columns(rows);
}

struct ParseState {
  const std::vector<CommandSpec>& commands;
  const std::vector<FlagSpec>& global_flags;
  absl::string_view program;
  ParsedCommandLine out;

  std::string Where() const {
    return out.words.empty() ? std::string("")
                             : absl::StrCat(" for '", absl::StrJoin(out.words, " "), "'");
  }
  std::string HelpHint() const {
    return absl::StrCat("run '", CommandName(program, out.words), " --help'");
  }

  // A word either extends the command path or, once a command is complete, is positional.
  absl::Status AddWord(const std::string& word) {
    if (out.command >= 0) {
      out.positional.push_back(word);
      return absl::OkStatus();
    }
    std::vector<std::string> candidate = out.words;
    candidate.push_back(word);
    bool known_prefix = false;
    for (size_t i = 0; i < commands.size(); ++i) {
      if (!IsPrefix(candidate, commands[i].path)) continue;
      known_prefix = true;
      if (commands[i].path.size() == candidate.size()) out.command = static_cast<int>(i);
    }
    if (!known_prefix) {
      return UsageError(absl::StrCat("unknown command '", absl::StrJoin(candidate, " "), "'; ",
                                     HelpHint(), " for the list of commands"));
    }
    out.words = std::move(candidate);
    return absl::OkStatus();
  }

  // Parses args[*i] (a flag), consuming its value from args[*i + 1] when needed.
  absl::Status AddFlag(const std::vector<std::string>& args, size_t* i) {
    const std::string& arg = args[*i];
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      return absl::OkStatus();
    }
    const bool is_long = absl::StartsWith(arg, "--");
    std::string body = arg.substr(is_long ? 2 : 1);
    std::string inline_value;
    bool has_inline_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      inline_value = body.substr(eq + 1);
      has_inline_value = true;
      body.resize(eq);
    }
    if (!is_long && body.size() != 1) {
      return UsageError(absl::StrCat(
          "cannot parse '", arg, "': write a short flag as -x VALUE or -x=VALUE; ", HelpHint()));
    }
    const absl::string_view long_name = is_long ? absl::string_view(body) : absl::string_view();
    const char short_name = is_long ? '\0' : body[0];
    const FlagSpec* flag = nullptr;
    if (out.command >= 0) flag = FindFlag(commands[out.command].flags, long_name, short_name);
    if (flag == nullptr) flag = FindFlag(global_flags, long_name, short_name);
    if (flag == nullptr) {
      return UsageError(absl::StrCat("unknown flag '", is_long ? "--" : "-", body, "'", Where(),
                                     "; ", HelpHint(), " for the flags it accepts"));
    }
    std::string value = "true";
    if (flag->value_name.empty()) {
      if (has_inline_value) {
        return UsageError(
            absl::StrCat("flag --", flag->name, " takes no value; write just --", flag->name));
      }
    } else if (has_inline_value) {
      value = std::move(inline_value);
    } else if (*i + 1 < args.size()) {
      value = args[++*i];
    } else {
      return UsageError(absl::StrCat("flag --", flag->name, " needs a value (", flag->value_name,
                                     "), e.g. --", flag->name, "=", flag->value_name));
    }
    std::vector<std::string>& values = out.flags[flag->name];
    if (!values.empty() && !flag->repeated) {
      return UsageError(absl::StrCat("flag --", flag->name, " was given more than once", Where(),
                                     "; give it once"));
    }
    values.push_back(std::move(value));
    return absl::OkStatus();
  }

  absl::Status CheckComplete() const {
    if (out.help) return absl::OkStatus();
    if (out.command < 0) {
      if (out.words.empty()) {
        return UsageError(
            absl::StrCat("no command given; ", HelpHint(), " for the list of commands"));
      }
      return UsageError(absl::StrCat("'", absl::StrJoin(out.words, " "), "' needs a subcommand; ",
                                     HelpHint(), " for the list"));
    }
    const CommandSpec& command = commands[out.command];
    if (out.positional.size() < command.min_args) {
      return UsageError(absl::StrCat("'", absl::StrJoin(command.path, " "), "' needs ",
                                     command.arguments, "; ", HelpHint()));
    }
    if (out.positional.size() > command.max_args) {
      return UsageError(absl::StrCat("unexpected argument '", out.positional[command.max_args], "'",
                                     Where(), " (usage: ", CommandName(program, out.words), " ",
                                     command.arguments, ")"));
    }
    return absl::OkStatus();
  }
};

}  // namespace

bool ParsedCommandLine::Has(absl::string_view flag) const {
  return flags.find(std::string(flag)) != flags.end();
}

std::string ParsedCommandLine::Get(absl::string_view flag, absl::string_view fallback) const {
  auto it = flags.find(std::string(flag));
  return it == flags.end() ? std::string(fallback) : it->second.back();
}

const std::vector<std::string>& ParsedCommandLine::GetAll(absl::string_view flag) const {
  static const std::vector<std::string>* const kNone = new std::vector<std::string>();
  auto it = flags.find(std::string(flag));
  return it == flags.end() ? *kNone : it->second;
}

absl::StatusOr<ParsedCommandLine> ParseCommandLine(absl::string_view program,
                                                   const std::vector<CommandSpec>& commands,
                                                   const std::vector<FlagSpec>& global_flags,
                                                   const std::vector<std::string>& args) {
  ParseState state{commands, global_flags, program, {}};
  bool flags_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    absl::Status status;
    if (!flags_ended && arg == "--") {
      flags_ended = true;
    } else if (!flags_ended && arg.size() > 1 && arg[0] == '-') {
      status = state.AddFlag(args, &i);
    } else {
      status = state.AddWord(arg);
    }
    if (!status.ok()) return status;
  }
  if (absl::Status status = state.CheckComplete(); !status.ok()) return status;
  return std::move(state.out);
}

std::string TopLevelHelp(absl::string_view program, absl::string_view description,
                         const std::vector<CommandSpec>& commands,
                         const std::vector<FlagSpec>& global_flags) {
  return absl::StrCat(description, "\n\nUsage: ", program,
                      " COMMAND [ARGUMENTS] [FLAGS]\n\nCommands:\n", CommandList(commands, {}),
                      "\nGlobal flags (accepted by every command):\n", FlagList(global_flags),
                      "\nRun '", program, " COMMAND --help' for a command's flags.\n");
}

std::string GroupHelp(absl::string_view program, const std::vector<std::string>& words,
                      const std::vector<CommandSpec>& commands,
                      const std::vector<FlagSpec>& global_flags) {
  return absl::StrCat(
      "Usage: ", CommandName(program, words), " SUBCOMMAND [ARGUMENTS] [FLAGS]\n\nSubcommands:\n",
      CommandList(commands, words), "\nGlobal flags:\n", FlagList(global_flags), "\nRun '",
      CommandName(program, words), " SUBCOMMAND --help' for a subcommand's flags.\n");
}

std::string CommandHelp(absl::string_view program, const CommandSpec& command,
                        const std::vector<FlagSpec>& global_flags) {
  std::string help = absl::StrCat("Usage: ", CommandName(program, command.path));
  if (!command.arguments.empty()) absl::StrAppend(&help, " ", command.arguments);
  if (!command.required_flags.empty()) absl::StrAppend(&help, " ", command.required_flags);
  if (!command.flags.empty()) absl::StrAppend(&help, " [FLAGS]");
  absl::StrAppend(&help, "\n\n", command.summary, "\n");
  if (!command.details.empty()) absl::StrAppend(&help, "\n", command.details, "\n");
  if (!command.flags.empty()) absl::StrAppend(&help, "\nFlags:\n", FlagList(command.flags));
  absl::StrAppend(&help, "\nGlobal flags:\n", FlagList(global_flags));
  return help;
}

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayloadUrl, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayloadUrl).has_value();
}

}  // namespace hyperd::cli
