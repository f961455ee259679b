// Conversion of SQLite result codes to absl::Status: the one place that decides which gRPC code
// a storage failure becomes.
//
//   int rc = sqlite3_step(stmt);
//   if (rc != SQLITE_DONE) return SqliteStatus(rc, db, "writing trial 3 of study 'mnist'");
#ifndef HYPERD_STORAGE_SQLITE_SQLITE_STATUS_H_
#define HYPERD_STORAGE_SQLITE_SQLITE_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace hyperd::storage::sqlite {

// The canonical code for an (extended) SQLite result code:
//   SQLITE_BUSY, SQLITE_LOCKED                     UNAVAILABLE (transient: retry the call)
//   SQLITE_CONSTRAINT_FOREIGNKEY                   FAILED_PRECONDITION (the parent row is missing)
//   SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE          ALREADY_EXISTS
//   SQLITE_CORRUPT, SQLITE_NOTADB                  DATA_LOSS
//   SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY  FAILED_PRECONDITION (fix path or permissions)
//   SQLITE_FULL                                    RESOURCE_EXHAUSTED (the disk is full)
//   anything else, including other constraint
//   failures (only a bug in the store causes them)  INTERNAL
absl::StatusCode CodeForSqliteResult(int result_code);

// A status for the failed call that returned `result_code` on `db` (may be null): the message is
// "<context>: <sqlite3_errmsg> (SQLite result code N)". `context` says what was being done.
absl::Status SqliteStatus(int result_code, sqlite3* db, absl::string_view context);

}  // namespace hyperd::storage::sqlite

#endif  // HYPERD_STORAGE_SQLITE_SQLITE_STATUS_H_
