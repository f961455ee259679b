#include "storage/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"

namespace hyperd::storage::sqlite {

absl::StatusCode CodeForSqliteResult(int result_code) {
  switch (result_code) {
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_ROWID:
      return absl::StatusCode::kAlreadyExists;
    default:
      break;
  }
  switch (result_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_FULL:
      return absl::StatusCode::kResourceExhausted;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status SqliteStatus(int result_code, sqlite3* db, absl::string_view context) {
  // sqlite3_errmsg describes the connection's most recent failure, which is this one only if
  // the codes agree; otherwise fall back to the generic text for the code.
  const char* detail = (db != nullptr && sqlite3_extended_errcode(db) == result_code)
                           ? sqlite3_errmsg(db)
                           : sqlite3_errstr(result_code);
  return absl::Status(
      CodeForSqliteResult(result_code),
      absl::StrCat(context, ": ", detail, " (SQLite result code ", result_code, ")"));
}

}  // namespace hyperd::storage::sqlite
