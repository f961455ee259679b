// The token file format: what parses, and every error with file:line and what to fix.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/auth/sha256.h"
#include "server/auth/token_table.h"

namespace hyperd::server::auth {
namespace {

// sha256("secret") as `printf %s secret | sha256sum` prints it.
constexpr char kSecretHash[] = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

std::string Line(const std::string& name, const std::string& role, const std::string& token,
                 const std::string& rest = "") {
  return absl::StrCat(name, " ", role, " sha256:", Sha256Hex(Sha256(token)),
                      rest.empty() ? "" : " ", rest, "\n");
}

TEST(Sha256, MatchesSha256sumOfTheToken) {
  EXPECT_EQ(Sha256Hex(Sha256("secret")), kSecretHash);
  EXPECT_EQ(ParseSha256Hex(kSecretHash), Sha256("secret"));
}

TEST(Sha256, HexMustBe64LowercaseDigits) {
  EXPECT_FALSE(ParseSha256Hex(std::string(kSecretHash).substr(1)));
  std::string upper = kSecretHash;
  upper[0] = 'B';
  EXPECT_FALSE(ParseSha256Hex(upper));
  std::string non_hex = kSecretHash;
  non_hex[5] = 'g';
  EXPECT_FALSE(ParseSha256Hex(non_hex));
}

TEST(Sha256, DigestsEqualComparesWholeDigests) {
  Sha256Digest a = Sha256("a");
  Sha256Digest b = a;
  EXPECT_TRUE(DigestsEqual(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(DigestsEqual(a, b));
}

TEST(TokenTable, ParsesRolesStudiesExpiryCommentsAndBlankLines) {
  const std::string file =
      absl::StrCat("# hyperd tokens\n\n", Line("ops", "admin", "a-token"), "   \n",
                   Line("ci", "worker", "w-token", "studies=mnist-*,cifar  # the CI runners"),
                   Line("dash", "viewer", "v-token", "expires=2030-01-02T03:04:05Z"));
  absl::StatusOr<TokenTable> table = TokenTable::Parse(file, "tokens.txt");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->size(), 3u);
  const Token* ops = table->Find("a-token");
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(ops->name, "ops");
  EXPECT_EQ(ops->role, Role::kAdmin);
  EXPECT_FALSE(ops->restricted());
  const Token* ci = table->Find("w-token");
  ASSERT_NE(ci, nullptr);
  EXPECT_EQ(ci->role, Role::kWorker);
  EXPECT_TRUE(ci->AllowsStudy("mnist-1"));
  EXPECT_TRUE(ci->AllowsStudy("cifar"));
  EXPECT_FALSE(ci->AllowsStudy("cifar10"));
  EXPECT_FALSE(ci->AllowsStudy("imagenet"));
  const Token* dash = table->Find("v-token");
  ASSERT_NE(dash, nullptr);
  EXPECT_EQ(dash->role, Role::kViewer);
  ASSERT_TRUE(dash->expires.has_value());
  EXPECT_EQ(*dash->expires,
            absl::FromCivil(absl::CivilSecond(2030, 1, 2, 3, 4, 5), absl::UTCTimeZone()));
  EXPECT_EQ(table->Find("not-a-token"), nullptr);
  EXPECT_EQ(table->Find(""), nullptr);
}

TEST(TokenTable, EmptyFileIsAnEmptyTableThatAcceptsNothing) {
  absl::StatusOr<TokenTable> table = TokenTable::Parse("# nobody yet\n", "t");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 0u);
  EXPECT_EQ(table->Find("anything"), nullptr);
}

struct BadFile {
  const char* what;
  std::string contents;
  const char* expected;  // in the message, after "tokens.txt:<line>: "
  int line;
};

TEST(TokenTable, EveryMalformedLineIsReportedWithFileLineAndTheFix) {
  const std::string good = Line("ops", "admin", "a");
  const std::string hash = Sha256Hex(Sha256("x"));
  const BadFile cases[] = {
      {"too few fields", good + "lonely worker\n", "too few fields", 2},
      {"unknown role", "x superuser sha256:" + hash + "\n", "role \"superuser\" is not admin", 1},
      {"no sha256: prefix", "x worker " + hash + "\n", "must be sha256:<hex>", 1},
      {"short hash", "x worker sha256:abc\n", "64 lowercase hex digits", 1},
      {"uppercase hash", "x worker sha256:" + std::string(64, 'A') + "\n",
       "64 lowercase hex digits", 1},
      {"duplicate name", good + Line("ops", "viewer", "b"), "token name \"ops\" is used twice", 2},
      {"duplicate hash", good + Line("other", "viewer", "a"), "already listed", 2},
      {"restricted admin", "\n" + Line("root", "admin", "r", "studies=a"),
       "admin token cannot be restricted", 2},
      {"bad pattern", Line("w", "worker", "w", "studies=a*b"), "study pattern \"a*b\"", 1},
      {"empty pattern", Line("w", "worker", "w", "studies=a,,b"), "study pattern \"\"", 1},
      {"studies twice", Line("w", "worker", "w", "studies=a studies=b"), "studies= is given twice",
       1},
      {"bad expiry", Line("w", "worker", "w", "expires=tomorrow"),
       "expires=\"tomorrow\" is not an RFC 3339 time", 1},
      {"expiry twice",
       Line("w", "worker", "w", "expires=2030-01-01T00:00:00Z expires=2031-01-01T00:00:00Z"),
       "expires= is given twice", 1},
      {"unknown field", Line("w", "worker", "w", "color=blue"), "unknown field \"color=blue\"", 1},
  };
  for (const BadFile& c : cases) {
    absl::StatusOr<TokenTable> table = TokenTable::Parse(c.contents, "tokens.txt");
    ASSERT_FALSE(table.ok()) << c.what;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_TRUE(
        absl::StartsWith(table.status().message(), absl::StrCat("tokens.txt:", c.line, ": ")))
        << c.what << ": " << table.status();
    EXPECT_NE(table.status().message().find(c.expected), std::string::npos)
        << c.what << ": " << table.status();
  }
}

TEST(TokenTable, MissingFileNamesTheFlagAndPath) {
  absl::StatusOr<TokenTable> table = TokenTable::ReadFile("/nonexistent/hyperd-tokens");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.status().message().find("--auth-token-file"), std::string::npos);
  EXPECT_NE(table.status().message().find("/nonexistent/hyperd-tokens"), std::string::npos);
}

TEST(Token, StarAloneMatchesEveryStudyAndPrefixesMatchOnlyTheirStart) {
  Token token;
  token.study_patterns = {"team-a-*"};
  EXPECT_TRUE(token.AllowsStudy("team-a-1"));
  EXPECT_TRUE(token.AllowsStudy("team-a-"));
  EXPECT_FALSE(token.AllowsStudy("team-b-1"));
  EXPECT_FALSE(token.AllowsStudy("x-team-a-1"));
  EXPECT_FALSE(token.AllowsStudy(""));
  token.study_patterns = {"*"};
  EXPECT_TRUE(token.AllowsStudy("anything"));
}

}  // namespace
}  // namespace hyperd::server::auth
