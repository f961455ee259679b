// Who may call what: the one method -> role table of the Hyperd service, and the decision for a
// call given its bearer token and the study it touches. No gRPC types: the service layer passes
// the method name, the "authorization" metadata value and the request's study id.
//
// Roles (each includes the ones above it):
//   viewer  reads: GetStudy, ListStudies, GetTrial, ListTrials, ListOptimalTrials, ListArms,
//           CheckTrialEarlyStopping (a read-only question), GetServerInfo, and the pure
//           computations RefineSchedule and PlanSchedules (they touch no stored data);
//   worker  runs trials: SuggestTrials, CreateTrial, ReportMeasurement, ReportSteps, Heartbeat,
//           CompleteTrial, FailTrial;
//   admin   everything, including CreateStudy, UpdateStudy, SetStudyState, DeleteStudy,
//           BackupDatabase and StopTrial (stopping someone else's trial is an operator action).
// A token restricted to some studies gets PERMISSION_DENIED for a per-study call on any other
// study, and ListStudies returns only the studies it may see (filtered, like Vizier's owners).
#ifndef HYPERD_SERVER_AUTH_AUTHORIZER_H_
#define HYPERD_SERVER_AUTH_AUTHORIZER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/token_table.h"
#include "server/clock.h"

namespace hyperd::server::auth {

// What a method's request names.
enum class Scope {
  kServer,   // no study (GetServerInfo, BackupDatabase, CreateStudy, schedule computations)
  kStudy,    // one existing study, from the request's name/parent
  kListing,  // ListStudies: filtered by the token's study patterns
};

struct MethodRule {
  const char* method;  // as in the proto service, e.g. "GetStudy"
  Role min_role;
  Scope scope;
};

// Every method of hyperd.v1.Hyperd; a test fails when the service has a method missing here.
const std::vector<MethodRule>& MethodRules();
// The rule for `method`, or null (unknown methods are refused).
const MethodRule* FindMethodRule(absl::string_view method);

// Why a call was refused; the label of hyperd_auth_failures_total.
enum class AuthFailure { kNone, kMissing, kInvalid, kExpired, kRole, kStudy };
inline constexpr AuthFailure kAllAuthFailures[] = {AuthFailure::kMissing, AuthFailure::kInvalid,
                                                   AuthFailure::kExpired, AuthFailure::kRole,
                                                   AuthFailure::kStudy};
absl::string_view AuthFailureName(AuthFailure failure);  // "missing", "invalid", ...

struct AuthDecision {
  // OK, UNAUTHENTICATED (missing, invalid, expired) or PERMISSION_DENIED (role, study).
  absl::Status status;
  AuthFailure failure = AuthFailure::kNone;
  // The caller's token when it was recognised (also on PERMISSION_DENIED); null otherwise. Keeps
  // the token alive across a reload for as long as the call needs it.
  std::shared_ptr<const Token> token;
};

// Thread-safe. The table is swapped whole by Replace, so a call sees either the old or the new
// table, never a mix.
class Authorizer {
 public:
  // `clock` (expiry) must outlive the authorizer.
  Authorizer(TokenTable table, const Clock* clock);

  // `authorization`: the value of the "authorization" metadata ("Bearer <token>"), or nullopt
  // when absent. `study_id`: the study the request names ("" if none could be parsed).
  AuthDecision Check(absl::string_view method, std::optional<absl::string_view> authorization,
                     absl::string_view study_id) const;

  void Replace(TokenTable table);
  size_t token_count() const;

 private:
  // The table and its tokens in shared_ptrs, so decisions can outlive a Replace.
  struct Table {
    std::vector<std::shared_ptr<const Token>> tokens;
    TokenTable raw;
  };
  static std::shared_ptr<const Table> MakeTable(TokenTable table);

  const Clock* const clock_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Table> table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hyperd::server::auth

#endif  // HYPERD_SERVER_AUTH_AUTHORIZER_H_
