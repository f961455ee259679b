// hyperctl admin hash-token's building blocks: the digest the server's token file expects and
// generated tokens.
#include "client/cli/token_hash.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::cli {
namespace {

using ::testing::MatchesRegex;

TEST(TokenDigest, IsTheSha256HexThatSha256sumPrints) {
  // printf %s abc | sha256sum (the FIPS 180-2 test vector)
  EXPECT_EQ(TokenDigest("abc").value(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // printf %s s3cret | sha256sum
  EXPECT_EQ(TokenDigest("s3cret").value(),
            "sha256:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0");
}

TEST(GenerateToken, GivesDistinct64HexDigitTokens) {
  std::set<std::string> tokens;
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<std::string> token = GenerateToken();
    ASSERT_TRUE(token.ok()) << token.status();
    EXPECT_THAT(*token, MatchesRegex("[0-9a-f]{64}"));
    tokens.insert(*token);
  }
  EXPECT_EQ(tokens.size(), 20u);
}

}  // namespace
}  // namespace hyperd::cli
