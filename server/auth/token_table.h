// The bearer tokens hyperd accepts, parsed from the --auth-token-file. Text, one token a line;
// '#' starts a comment, blank lines are ignored:
//
//   <name> <role> sha256:<64 lowercase hex> [studies=<pattern>[,<pattern>...]] [expires=<RFC3339>]
//
// role is admin, worker or viewer. The hash is what `printf %s "$TOKEN" | sha256sum` prints, so
// the file never holds a usable token. A study pattern is a study id or a prefix ending in '*'
// ("mnist-*"); it restricts a worker or viewer token to matching studies (an admin token may not
// be restricted). A token past its expiry time is refused as expired. The name is for logs only
// and must be unique, as must the hash.
#ifndef HYPERD_SERVER_AUTH_TOKEN_TABLE_H_
#define HYPERD_SERVER_AUTH_TOKEN_TABLE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/sha256.h"

namespace hyperd::server::auth {

// Ordered: each role may do everything the ones before it may.
enum class Role { kViewer = 0, kWorker = 1, kAdmin = 2 };

absl::string_view RoleName(Role role);

struct Token {
  std::string name;
  Role role = Role::kViewer;
  Sha256Digest digest{};
  // Empty: every study. Otherwise ids ("cifar") and prefixes ("mnist-*", kept with the '*').
  std::vector<std::string> study_patterns;
  std::optional<absl::Time> expires;

  bool restricted() const { return !study_patterns.empty(); }
  // Whether this token may touch `study_id`.
  bool AllowsStudy(absl::string_view study_id) const;
};

// Immutable once built; share it as std::shared_ptr<const TokenTable>.
class TokenTable {
 public:
  // `source` names the file in error messages ("tokens.txt:3: ...").
  static absl::StatusOr<TokenTable> Parse(absl::string_view contents, absl::string_view source);
  static absl::StatusOr<TokenTable> ReadFile(const std::string& path);

  // The token whose digest is sha256(`bearer`), or null. Compares against every entry in constant
  // time and does not stop at the first match, so timing reveals neither which nor whether.
  const Token* Find(absl::string_view bearer) const;

  size_t size() const { return tokens_.size(); }
  const std::vector<Token>& tokens() const { return tokens_; }

 private:
  std::vector<Token> tokens_;
};

}  // namespace hyperd::server::auth

#endif  // HYPERD_SERVER_AUTH_TOKEN_TABLE_H_
