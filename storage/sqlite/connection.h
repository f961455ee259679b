// Connection: one SQLite database connection with a cache of prepared statements.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
//                    Connection::Open("hyperd.db", Connection::Mode::kReadWriteCreate));
//   RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON", "enabling foreign keys"));
//   ASSIGN_OR_RETURN(Statement select, db->Prepare("SELECT state FROM study WHERE study_id=?1"));
#ifndef HYPERD_STORAGE_SQLITE_CONNECTION_H_
#define HYPERD_STORAGE_SQLITE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sqlite/statement.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hyperd::storage::sqlite {

// Not thread-safe: opened without SQLite's per-connection mutex, so one thread at a time uses it
// (the owner serialises access). Extended result codes are on.
class Connection {
 public:
  enum class Mode {
    kReadWriteCreate,  // creates the file if missing (never its directory)
    kReadOnly,
  };

  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, Mode mode);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Finalizes every cached statement and closes the connection.
  ~Connection();

  // Runs one or more SQL statements without parameters, discarding any rows. Compiles them
  // each time: for one-off statements (pragmas, migrations).
  absl::Status Exec(absl::string_view sql, absl::string_view context);
  // Runs one SQL statement without parameters through the statement cache (BEGIN, COMMIT,
  // SAVEPOINT: the per-transaction statements).
  absl::Status Run(absl::string_view sql, absl::string_view context);

  // The first column of the first row of `sql` as an integer or text (a PRAGMA read).
  absl::StatusOr<int64_t> QueryInt64(absl::string_view sql, absl::string_view context);
  absl::StatusOr<std::string> QueryText(absl::string_view sql, absl::string_view context);

  // A prepared statement for `sql`, compiled on first use and cached (SQLITE_PREPARE_PERSISTENT)
  // for the connection's lifetime. Only one Statement per SQL text may be live at a time.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // True while a transaction is open (false after SQLite rolled one back on its own, e.g. after
  // SQLITE_FULL or an I/O error).
  bool InTransaction() const;
  // Rows changed by the most recent INSERT, UPDATE or DELETE.
  int64_t Changes() const;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace hyperd::storage::sqlite

#endif  // HYPERD_STORAGE_SQLITE_CONNECTION_H_
