#include "client/cli/backup_file_check.h"

#include <sqlite3.h>

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::cli {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

// The first column of the first row of `sql`, as text.
absl::StatusOr<std::string> QueryText(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  std::string value;
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      value = text == nullptr ? "" : reinterpret_cast<const char*>(text);
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) {
    return absl::DataLossError(absl::StrCat("the backup ", path,
                                            " is not a readable hyperd database (", sql, ": ",
                                            sqlite3_errmsg(db), ")"));
  }
  return value;
}

absl::Status ExpectCount(sqlite3* db, const std::string& path, const char* sql, const char* what,
                         int64_t expected) {
  ASSIGN_OR_RETURN(std::string value, QueryText(db, path, sql));
  if (value != absl::StrCat(expected)) {
    return absl::DataLossError(absl::StrCat("the backup ", path, " holds ", what, " ", value,
                                            " but the server announced ", expected));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckBackupFile(const std::string& path, const v1::BackupInfo& info) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return absl::DataLossError(
        absl::StrCat("cannot open the backup ", path, ": ",
                     raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  ASSIGN_OR_RETURN(std::string integrity, QueryText(db.get(), path, "PRAGMA integrity_check"));
  if (integrity != "ok") {
    return absl::DataLossError(
        absl::StrCat("the backup ", path, " fails PRAGMA integrity_check: ", integrity));
  }
  RETURN_IF_ERROR(
      ExpectCount(db.get(), path, "PRAGMA user_version", "schema version", info.schema_version()));
  RETURN_IF_ERROR(
      ExpectCount(db.get(), path, "SELECT count(*) FROM study", "studies", info.study_count()));
  return ExpectCount(db.get(), path, "SELECT count(*) FROM trial", "trials", info.trial_count());
}

}  // namespace hyperd::cli
