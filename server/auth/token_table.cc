#include "server/auth/token_table.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hyperd::server::auth {
namespace {

constexpr absl::string_view kFormat =
    "expected \"<name> <role> sha256:<64 lowercase hex> [studies=<pattern>,...] "
    "[expires=<RFC3339 time>]\"";

bool ValidStudyPattern(absl::string_view pattern) {
  absl::string_view id = pattern;
  if (absl::EndsWith(id, "*")) id.remove_suffix(1);
  if (id.empty() && pattern != "*") return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kWorker:
      return "worker";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

bool Token::AllowsStudy(absl::string_view study_id) const {
  if (study_patterns.empty()) return true;
  for (const std::string& pattern : study_patterns) {
    if (absl::EndsWith(pattern, "*")) {
      if (absl::StartsWith(study_id, absl::string_view(pattern).substr(0, pattern.size() - 1))) {
        return true;
      }
    } else if (study_id == pattern) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<TokenTable> TokenTable::Parse(absl::string_view contents, absl::string_view source) {
  TokenTable table;
  absl::flat_hash_set<std::string> names;
  absl::flat_hash_set<std::string> digests;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", what));
    };
    if (const size_t hash = line.find('#'); hash != absl::string_view::npos) {
      line = line.substr(0, hash);
    }
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (words.empty()) continue;
    if (words.size() < 3) {
      return error(absl::StrCat("too few fields (", words.size(), "); ", kFormat));
    }
    Token token;
    token.name = std::string(words[0]);
    if (!names.insert(token.name).second) {
      return error(absl::StrCat("token name \"", token.name,
                                "\" is used twice; give each token its own name"));
    }
    if (words[1] == "admin") {
      token.role = Role::kAdmin;
    } else if (words[1] == "worker") {
      token.role = Role::kWorker;
    } else if (words[1] == "viewer") {
      token.role = Role::kViewer;
    } else {
      return error(absl::StrCat("role \"", words[1], "\" is not admin, worker or viewer"));
    }
    absl::string_view hash = words[2];
    if (!absl::ConsumePrefix(&hash, "sha256:")) {
      return error(
          absl::StrCat("the third field must be sha256:<hex> (the token's hash, from "
                       "`printf %s \"$TOKEN\" | sha256sum`), not \"",
                       words[2].substr(0, 20), "\""));
    }
    std::optional<Sha256Digest> digest = ParseSha256Hex(hash);
    if (!digest) {
      return error(
          "the hash after sha256: must be 64 lowercase hex digits (as printed by `printf %s "
          "\"$TOKEN\" | sha256sum`)");
    }
    token.digest = *digest;
    if (!digests.insert(std::string(hash)).second) {
      return error("this hash is already listed for another token; tokens must be distinct");
    }
    for (size_t i = 3; i < words.size(); ++i) {
      absl::string_view option = words[i];
      if (absl::ConsumePrefix(&option, "studies=")) {
        if (!token.study_patterns.empty()) return error("studies= is given twice");
        for (absl::string_view pattern : absl::StrSplit(option, ',')) {
          if (!ValidStudyPattern(pattern)) {
            return error(absl::StrCat(
                "study pattern \"", pattern,
                "\" is neither a study id nor a prefix ending in '*' (letters, digits, '-', '_', "
                "'.'); write e.g. studies=mnist-*,cifar"));
          }
          token.study_patterns.emplace_back(pattern);
        }
      } else if (absl::ConsumePrefix(&option, "expires=")) {
        if (token.expires) return error("expires= is given twice");
        absl::Time when;
        std::string parse_error;
        if (!absl::ParseTime(absl::RFC3339_full, option, &when, &parse_error)) {
          return error(absl::StrCat(
              "expires=\"", option,
              "\" is not an RFC 3339 time (e.g. 2026-12-31T23:59:59Z): ", parse_error));
        }
        token.expires = when;
      } else {
        return error(absl::StrCat("unknown field \"", option.substr(0, 40),
                                  "\"; only studies=... and expires=... may follow the hash"));
      }
    }
    if (token.role == Role::kAdmin && token.restricted()) {
      return error(
          "an admin token cannot be restricted with studies= (admins manage every study); use a "
          "worker or viewer token for one team's studies");
    }
    table.tokens_.push_back(std::move(token));
  }
  return table;
}

absl::StatusOr<TokenTable> TokenTable::ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("--auth-token-file: cannot read \"", path,
                                            "\"; check the path and its permissions"));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("--auth-token-file: error reading \"", path, "\""));
  }
  return Parse(contents.str(), path);
}

const Token* TokenTable::Find(absl::string_view bearer) const {
  const Sha256Digest digest = Sha256(bearer);
  const Token* found = nullptr;
  for (const Token& token : tokens_) {
    // Every entry is compared, so the time does not depend on where (or whether) it matches.
    if (DigestsEqual(token.digest, digest)) found = &token;
  }
  return found;
}

}  // namespace hyperd::server::auth
