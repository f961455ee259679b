#include "storage/sqlite/statement.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/sqlite/sqlite_status.h"

namespace hyperd::storage::sqlite {

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = other.bind_error_;
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  // The statement stays cached by its connection; reset it so it holds no read lock or
  // references to our bound buffers.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  stmt_ = nullptr;
}

void Statement::NoteBindResult(int result_code) {
  if (result_code != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = result_code;
}

void Statement::BindInt64(int index, int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_, index, value));
}

void Statement::BindDouble(int index, double value) {
  NoteBindResult(sqlite3_bind_double(stmt_, index, value));
}

void Statement::BindText(int index, absl::string_view value) {
  // A null pointer would bind SQL NULL; "" keeps an empty string a string.
  const char* data = value.data() != nullptr ? value.data() : "";
  NoteBindResult(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8));
}

void Statement::BindBlob(int index, absl::string_view value) {
  const char* data = value.data() != nullptr ? value.data() : "";
  NoteBindResult(sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_STATIC));
}

void Statement::BindNull(int index) { NoteBindResult(sqlite3_bind_null(stmt_, index)); }

absl::StatusOr<bool> Statement::Step(absl::string_view context) {
  if (bind_error_ != SQLITE_OK) {
    return SqliteStatus(bind_error_, db_, absl::StrCat(context, " (binding parameters)"));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db_, context);
}

absl::Status Statement::Run(absl::string_view context) {
  absl::StatusOr<bool> has_row = Step(context);
  if (!has_row.ok()) return has_row.status();
  while (*has_row) {
    has_row = Step(context);
    if (!has_row.ok()) return has_row.status();
  }
  return absl::OkStatus();
}

void Statement::Reset() {
  // The result of the last step was already reported by Step() or Run().
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::ColumnDouble(int index) const { return sqlite3_column_double(stmt_, index); }

absl::string_view Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return absl::string_view(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

absl::string_view Statement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  if (blob == nullptr) return {};  // a zero-length blob comes back as null
  return absl::string_view(static_cast<const char*>(blob),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

}  // namespace hyperd::storage::sqlite
