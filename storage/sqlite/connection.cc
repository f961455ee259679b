#include "storage/sqlite/connection.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/sqlite/sqlite_status.h"

namespace hyperd::storage::sqlite {

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Mode mode) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |=
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status =
        SqliteStatus(rc, db,
                     absl::StrCat("opening SQLite database '", path, "'",
                                  mode == Mode::kReadOnly ? " read-only" : "",
                                  " (the directory must exist and be writable by hyperd)"));
    sqlite3_close_v2(db);  // sqlite3_open_v2 allocates a handle even when it fails
    return status;
  }
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

absl::Status Connection::Exec(absl::string_view sql, absl::string_view context) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // the same text is available from sqlite3_errmsg
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, context);
  return absl::OkStatus();
}

absl::Status Connection::Run(absl::string_view sql, absl::string_view context) {
  absl::StatusOr<Statement> statement = Prepare(sql);
  if (!statement.ok()) return statement.status();
  return statement->Run(context);
}

absl::StatusOr<int64_t> Connection::QueryInt64(absl::string_view sql, absl::string_view context) {
  absl::StatusOr<Statement> query = Prepare(sql);
  if (!query.ok()) return query.status();
  absl::StatusOr<bool> has_row = query->Step(context);
  if (!has_row.ok()) return has_row.status();
  if (!*has_row) {
    return absl::InternalError(absl::StrCat(context, ": '", sql, "' returned no row"));
  }
  return query->ColumnInt64(0);
}

absl::StatusOr<std::string> Connection::QueryText(absl::string_view sql,
                                                  absl::string_view context) {
  absl::StatusOr<Statement> query = Prepare(sql);
  if (!query.ok()) return query.status();
  absl::StatusOr<bool> has_row = query->Step(context);
  if (!has_row.ok()) return has_row.status();
  if (!*has_row) {
    return absl::InternalError(absl::StrCat(context, ": '", sql, "' returned no row"));
  }
  return std::string(query->ColumnText(0));
}

absl::StatusOr<Statement> Connection::Prepare(absl::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return SqliteStatus(rc, db_, absl::StrCat("preparing '", sql, "'"));
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

}  // namespace hyperd::storage::sqlite
