// Statement: one use of a cached prepared statement. Binds parameters, steps, reads columns, and
// on destruction resets the statement and clears its bindings so the cache can hand it out again.
//
//   ASSIGN_OR_RETURN(Statement insert, db.Prepare("INSERT INTO t(a, b) VALUES(?1, ?2)"));
//   insert.BindText(1, id);
//   insert.BindBlob(2, bytes);  // `bytes` must stay valid until the last Step()
//   RETURN_IF_ERROR(insert.Run("writing t"));
#ifndef HYPERD_STORAGE_SQLITE_STATEMENT_H_
#define HYPERD_STORAGE_SQLITE_STATEMENT_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hyperd::storage::sqlite {

// Not thread-safe: used by the one thread that owns its connection. Movable, not copyable.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based. Text and blob bytes are not copied: they must stay valid until the
  // last Step(). A bind error is reported by the next Step() or Run().
  void BindInt64(int index, int64_t value);
  // SQLite has no NaN: a NaN binds as NULL, and a -0.0 in a REAL column reads back as 0.0.
  void BindDouble(int index, double value);
  void BindText(int index, absl::string_view value);
  void BindBlob(int index, absl::string_view value);  // an empty value is a zero-length blob
  void BindNull(int index);

  // Runs to the next row: true if there is one, false when done. `context` says what the
  // statement does, for the error message.
  absl::StatusOr<bool> Step(absl::string_view context);
  // Runs a statement that returns no rows to completion.
  absl::Status Run(absl::string_view context);

  // Makes the statement ready to run again with new bindings (a loop of inserts).
  void Reset();

  // Columns of the current row, 0-based. Text and blob views are valid until the next Step().
  int64_t ColumnInt64(int index) const;
  double ColumnDouble(int index) const;
  absl::string_view ColumnText(int index) const;
  absl::string_view ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  void NoteBindResult(int result_code);
  void Release();

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = 0;  // first failing sqlite3_bind_* result, or SQLITE_OK
};

}  // namespace hyperd::storage::sqlite

#endif  // HYPERD_STORAGE_SQLITE_STATEMENT_H_
