#include "client/cli/args.h"

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/client/test_names.h"

namespace hyperd::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<CommandSpec>& Commands() {
  static const auto* const kCommands = new std::vector<CommandSpec>{
      {{"study", "create"}, "", "-f FILE", "Create", "", {{"file", 'f', "FILE", "spec"}}, 0, 0},
      {{"study", "list"}, "", "", "List", "", {}, 0, 0},
      {{"report"},
       "STUDY N | TRIAL",
       "",
       "Report",
       "",
       {{"step", '\0', "S", "step"}, {"metric", '\0', "NAME=VALUE", "metric", true}},
       1,
       2},
      {{"export"}, "STUDY", "", "Export", "", {{"out", 'o', "FILE", "output file"}}, 1, 1},
      {{"complete"}, "TRIAL", "", "Complete", "", {{"infeasible", '\0', "", "flag"}}, 1, 1},
  };
  return *kCommands;
}

const std::vector<FlagSpec>& Globals() {
  static const auto* const kGlobals =
      new std::vector<FlagSpec>{{"server", '\0', "HOST:PORT", "address"},
                                {"output", 'o', "FORMAT", "format"},
                                {"help", 'h', "", "help"}};
  return *kGlobals;
}

absl::StatusOr<ParsedCommandLine> Parse(std::vector<std::string> args) {
  return ParseCommandLine("hyperctl", Commands(), Globals(), args);
}

TEST(ParseCommandLine, FindsTheCommandItsArgumentsAndFlagsInAnyOrder) {
  absl::StatusOr<ParsedCommandLine> parsed =
      Parse({"--server", "h:1", "report", "mnist", "--step=3", "2", "--metric", "loss=0.5",
             "--metric=acc=0.9", "-o", "json"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->command, 2);
  EXPECT_THAT(parsed->positional, ElementsAre("mnist", "2"));
  EXPECT_EQ(parsed->Get("server"), "h:1");
  EXPECT_EQ(parsed->Get("step"), "3");
  EXPECT_THAT(parsed->GetAll("metric"), ElementsAre("loss=0.5", "acc=0.9"));
  EXPECT_EQ(parsed->Get("output"), "json");
  EXPECT_FALSE(parsed->help);
}

TEST(ParseCommandLine, ACommandFlagShadowsTheGlobalFlagWithTheSameShortName) {
  absl::StatusOr<ParsedCommandLine> parsed = Parse({"export", "mnist", "-o", "trials.csv"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("out"), "trials.csv");
  EXPECT_FALSE(parsed->Has("output"));
  // Before the command is known, -o is the global flag.
  parsed = Parse({"-o", "json", "study", "list"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("output"), "json");
}

TEST(ParseCommandLine, DoubleDashEndsFlags) {
  absl::StatusOr<ParsedCommandLine> parsed = Parse({"report", "--", "-x", "1"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->positional, ElementsAre("-x", "1"));
}

TEST(ParseCommandLine, BooleanFlagsTakeNoValue) {
  absl::StatusOr<ParsedCommandLine> parsed = Parse({"complete", "--infeasible", "t"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->Has("infeasible"));
  EXPECT_THAT(parsed->positional, ElementsAre("t"));

  absl::Status status = Parse({"complete", "t", "--infeasible=yes"}).status();
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(status.message(), HasSubstr("--infeasible takes no value"));
}

TEST(ParseCommandLine, HelpAnywhereAsksForHelpWithoutCheckingArguments) {
  absl::StatusOr<ParsedCommandLine> parsed = Parse({"report", "--help"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->help);
  EXPECT_EQ(parsed->command, 2);

  parsed = Parse({"study", "-h"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->help);
  EXPECT_EQ(parsed->command, -1);
  EXPECT_THAT(parsed->words, ElementsAre("study"));
}

struct BadCommandLine {
  std::vector<std::string> args;
  std::string message;
};

void PrintTo(const BadCommandLine& c, std::ostream* os) { *os << absl::StrJoin(c.args, " "); }

class ParseCommandLineErrors : public ::testing::TestWithParam<BadCommandLine> {};

TEST_P(ParseCommandLineErrors, AreUsageErrorsThatSayWhatWasWrong) {
  const absl::Status status = Parse(GetParam().args).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    , ParseCommandLineErrors,
    ::testing::Values(
        BadCommandLine{{}, "no command given; run 'hyperctl --help'"},
        BadCommandLine{{"frobnicate"}, "unknown command 'frobnicate'"},
        BadCommandLine{{"study", "lst"},
                       "unknown command 'study lst'; run 'hyperctl study --help'"},
        BadCommandLine{{"study"}, "'study' needs a subcommand"},
        BadCommandLine{{"study", "list", "--verbose"},
                       "unknown flag '--verbose' for 'study list'; run 'hyperctl study list "
                       "--help'"},
        BadCommandLine{{"-f", "x", "study", "create"}, "unknown flag '-f'"},
        BadCommandLine{{"report", "s", "1", "--step"}, "flag --step needs a value (S)"},
        BadCommandLine{{"report", "s", "1", "--step", "1", "--step=2"},
                       "flag --step was given more than once"},
        BadCommandLine{{"report"}, "'report' needs STUDY N | TRIAL"},
        BadCommandLine{{"study", "list", "extra"}, "unexpected argument 'extra' for 'study list'"},
        BadCommandLine{{"report", "a", "b", "c"}, "unexpected argument 'c'"},
        BadCommandLine{{"export", "s", "-ofile"}, "write a short flag as -x VALUE"}),
    ::hyperd::testing::ArgsTestName<BadCommandLine>);

TEST(UsageError, IsInvalidArgumentMarkedAsUsage) {
  EXPECT_TRUE(IsUsageError(UsageError("x")));
  EXPECT_EQ(UsageError("x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(IsUsageError(absl::InvalidArgumentError("from the server")));
}

TEST(CommandHelp, ListsTheSynopsisAndTheCommandAndGlobalFlags) {
  const std::string help = CommandHelp("hyperctl", Commands()[2], Globals());
  EXPECT_THAT(help, HasSubstr("Usage: hyperctl report STUDY N | TRIAL [FLAGS]"));
  EXPECT_THAT(help, HasSubstr("--metric=NAME=VALUE"));
  EXPECT_THAT(help, HasSubstr("(repeatable)"));
  EXPECT_THAT(help, HasSubstr("--server=HOST:PORT"));
}

TEST(GroupHelp, ListsOnlyTheGroupsCommands) {
  const std::string help = GroupHelp("hyperctl", {"study"}, Commands(), Globals());
  EXPECT_THAT(help, HasSubstr("study create -f FILE"));
  EXPECT_THAT(help, HasSubstr("study list"));
  EXPECT_THAT(help, ::testing::Not(HasSubstr("report")));
}

TEST(TopLevelHelp, ListsEveryCommand) {
  const std::string help = TopLevelHelp("hyperctl", "About.", Commands(), Globals());
  for (const char* command : {"study create", "study list", "report", "export", "complete"}) {
    EXPECT_THAT(help, HasSubstr(command));
  }
}

}  // namespace
}  // namespace hyperd::cli
