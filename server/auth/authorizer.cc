#include "server/auth/authorizer.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace hyperd::server::auth {
namespace {

AuthDecision Refuse(AuthFailure failure, absl::Status status,
                    std::shared_ptr<const Token> token = nullptr) {
  return AuthDecision{std::move(status), failure, std::move(token)};
}

}  // namespace

const std::vector<MethodRule>& MethodRules() {
  // THE table. Adding an RPC to the proto without a line here fails the auth unit test and makes
  // every call of it PERMISSION_DENIED.
  static const auto* const kRules = new std::vector<MethodRule>{
      {"CreateStudy", Role::kAdmin, Scope::kServer},
      {"GetStudy", Role::kViewer, Scope::kStudy},
      {"ListStudies", Role::kViewer, Scope::kListing},
      {"UpdateStudy", Role::kAdmin, Scope::kStudy},
      {"SetStudyState", Role::kAdmin, Scope::kStudy},
      {"DeleteStudy", Role::kAdmin, Scope::kStudy},
      {"SuggestTrials", Role::kWorker, Scope::kStudy},
      {"CreateTrial", Role::kWorker, Scope::kStudy},
      {"GetTrial", Role::kViewer, Scope::kStudy},
      {"ListTrials", Role::kViewer, Scope::kStudy},
      {"ReportMeasurement", Role::kWorker, Scope::kStudy},
      {"ReportSteps", Role::kWorker, Scope::kStudy},
      {"Heartbeat", Role::kWorker, Scope::kStudy},
      {"CheckTrialEarlyStopping", Role::kViewer, Scope::kStudy},
      {"CompleteTrial", Role::kWorker, Scope::kStudy},
      {"FailTrial", Role::kWorker, Scope::kStudy},
      {"StopTrial", Role::kAdmin, Scope::kStudy},
      {"ListOptimalTrials", Role::kViewer, Scope::kStudy},
      {"ListArms", Role::kViewer, Scope::kStudy},
      {"RefineSchedule", Role::kViewer, Scope::kServer},
      {"PlanSchedules", Role::kViewer, Scope::kServer},
      {"GetServerInfo", Role::kViewer, Scope::kServer},
      {"BackupDatabase", Role::kAdmin, Scope::kServer},
  };
  return *kRules;
}

const MethodRule* FindMethodRule(absl::string_view method) {
  for (const MethodRule& rule : MethodRules()) {
    if (method == rule.method) return &rule;
  }
  return nullptr;
}

absl::string_view AuthFailureName(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kNone:
      return "none";
    case AuthFailure::kMissing:
      return "missing";
    case AuthFailure::kInvalid:
      return "invalid";
    case AuthFailure::kExpired:
      return "expired";
    case AuthFailure::kRole:
      return "role";
    case AuthFailure::kStudy:
      return "study";
  }
  return "unknown";
}

Authorizer::Authorizer(TokenTable table, const Clock* clock)
    : clock_(clock), table_(MakeTable(std::move(table))) {}

std::shared_ptr<const Authorizer::Table> Authorizer::MakeTable(TokenTable table) {
  auto made = std::make_shared<Table>();
  for (const Token& token : table.tokens()) {
    made->tokens.push_back(std::make_shared<const Token>(token));
  }
  made->raw = std::move(table);
  return made;
}

void Authorizer::Replace(TokenTable table) {
  std::shared_ptr<const Table> made = MakeTable(std::move(table));
  absl::MutexLock lock(&mu_);
  table_.swap(made);
}

size_t Authorizer::token_count() const {
  absl::MutexLock lock(&mu_);
  return table_->tokens.size();
}

AuthDecision Authorizer::Check(absl::string_view method,
                               std::optional<absl::string_view> authorization,
                               absl::string_view study_id) const {
  if (!authorization.has_value() || absl::StripAsciiWhitespace(*authorization).empty()) {
    return Refuse(AuthFailure::kMissing,
                  absl::UnauthenticatedError(absl::StrCat(
                      method,
                      ": missing credentials; send the metadata \"authorization: Bearer "
                      "<token>\" (hyperctl: --token or HYPERD_TOKEN)")));
  }
  absl::string_view bearer = absl::StripAsciiWhitespace(*authorization);
  // The scheme is case-insensitive (RFC 6750 via RFC 7235).
  if (bearer.size() < 7 || !absl::EqualsIgnoreCase(bearer.substr(0, 7), "bearer ")) {
    return Refuse(AuthFailure::kInvalid,
                  absl::UnauthenticatedError(absl::StrCat(
                      method, ": the authorization metadata must be \"Bearer <token>\"")));
  }
  bearer = absl::StripLeadingAsciiWhitespace(bearer.substr(7));

  std::shared_ptr<const Table> table;
  {
    absl::MutexLock lock(&mu_);
    table = table_;
  }
  const Token* raw = table->raw.Find(bearer);
  if (raw == nullptr) {
    return Refuse(AuthFailure::kInvalid,
                  absl::UnauthenticatedError(absl::StrCat(
                      method,
                      ": invalid token; check the token you were given (it may have been "
                      "revoked)")));
  }
  std::shared_ptr<const Token> token =
      table->tokens[static_cast<size_t>(raw - table->raw.tokens().data())];
  if (token->expires.has_value() && clock_->Now() >= *token->expires) {
    return Refuse(AuthFailure::kExpired,
                  absl::UnauthenticatedError(absl::StrCat(
                      method, ": token expired at ",
                      absl::FormatTime(absl::RFC3339_sec, *token->expires, absl::UTCTimeZone()),
                      "; ask an operator for a new one")),
                  token);
  }
  const MethodRule* rule = FindMethodRule(method);
  if (rule == nullptr) {
    return Refuse(AuthFailure::kRole,
                  absl::PermissionDeniedError(absl::StrCat(
                      method, ": this method has no access rule, so nobody may call it")),
                  token);
  }
  if (token->role < rule->min_role) {
    return Refuse(AuthFailure::kRole,
                  absl::PermissionDeniedError(absl::StrCat(
                      method, " needs the ", RoleName(rule->min_role), " role; token \"",
                      token->name, "\" has the ", RoleName(token->role), " role")),
                  token);
  }
  if (rule->scope == Scope::kStudy && !token->AllowsStudy(study_id)) {
    return Refuse(AuthFailure::kStudy,
                  absl::PermissionDeniedError(
                      absl::StrCat(method, ": token \"", token->name, "\" may only access studies ",
                                   absl::StrJoin(token->study_patterns, ","),
                                   study_id.empty() ? ", and the request names no study"
                                                    : absl::StrCat(", not \"", study_id, "\""))),
                  token);
  }
  return AuthDecision{absl::OkStatus(), AuthFailure::kNone, std::move(token)};
}

}  // namespace hyperd::server::auth
