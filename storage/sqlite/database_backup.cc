#include "storage/sqlite/database_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "storage/sqlite/connection.h"
#include "storage/sqlite/sqlite_status.h"

namespace hyperd::storage {

using sqlite::Connection;

namespace {

// How long the copy's reader waits for a lock (only a WAL recovery or a rollback-mode writer
// holds one long enough to matter).
constexpr int kBusyTimeoutMs = 5000;

// Removes the temporary file (and any journal SQLite left beside it) unless released.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::string path) : path_(std::move(path)) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      unlink((path_ + suffix).c_str());
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

absl::StatusOr<std::unique_ptr<TemporaryFile>> CreateTemporaryFile(
    const std::string& database_path) {
  std::string pattern = database_path + ".backup-XXXXXX";
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    const int error = errno;
    return absl::Status(
        error == ENOSPC ? absl::StatusCode::kResourceExhausted
                        : absl::StatusCode::kFailedPrecondition,
        absl::StrCat("backup: cannot create the temporary copy '", pattern,
                     "': ", std::strerror(error),
                     "; the data directory must be writable by hyperd and have room for a copy "
                     "of the database"));
  }
  close(fd);  // SQLite opens the (empty) file by name; an empty file is an empty database
  return std::make_unique<TemporaryFile>(std::move(pattern));
}

// Copies `source` into `destination` in one sqlite3_backup_step(-1): the step runs inside a
// single read transaction on the source, so under WAL the copy is exactly the snapshot of the
// last commit before the step began, while the store's writer goes on committing (WAL readers
// never block the writer, nor it them). Several smaller steps would release the read
// transaction between steps and restart whenever a commit landed in between.
absl::Status CopyDatabase(Connection& source, Connection& destination) {
  sqlite3_backup* backup =
      sqlite3_backup_init(destination.handle(), "main", source.handle(), "main");
  if (backup == nullptr) {
    return sqlite::SqliteStatus(sqlite3_extended_errcode(destination.handle()),
                                destination.handle(), "backup: starting the copy");
  }
  const int step = sqlite3_backup_step(backup, -1);
  const int finish = sqlite3_backup_finish(backup);  // frees `backup`; reports a step's error too
  if (step != SQLITE_DONE) {
    return sqlite::SqliteStatus(
        step == SQLITE_OK ? finish : step, destination.handle(),
        absl::StrCat("backup: copying '", source.path(), "' to '", destination.path(), "'"));
  }
  if (finish != SQLITE_OK) {
    return sqlite::SqliteStatus(finish, destination.handle(), "backup: finishing the copy");
  }
  return absl::OkStatus();
}

// Makes the copy a standalone file, checks it and reads what it holds.
absl::StatusOr<BackupInfo> CheckCopy(Connection& copy) {
  // The copied header says WAL; a rollback-journal file needs no -wal/-shm companions to be
  // moved around, and hyperd switches it back to WAL at Open.
  ASSIGN_OR_RETURN(std::string journal_mode,
                   copy.QueryText("PRAGMA journal_mode = DELETE", "backup: leaving WAL mode"));
  if (journal_mode != "delete") {
    return absl::InternalError(absl::StrCat("backup: the copy stayed in journal_mode '",
                                            journal_mode, "' instead of 'delete'"));
  }
  // integrity_check returns "ok" or one row per problem; the first one is enough to report.
  ASSIGN_OR_RETURN(std::string integrity,
                   copy.QueryText("PRAGMA integrity_check", "backup: checking the copy"));
  if (integrity != "ok") {
    return absl::DataLossError(
        absl::StrCat("backup: the copy fails PRAGMA integrity_check (", integrity,
                     "); the database itself is damaged: restore the last good backup"));
  }
  BackupInfo info;
  ASSIGN_OR_RETURN(int64_t version, copy.QueryInt64("PRAGMA user_version", "backup: schema"));
  info.schema_version = static_cast<int>(version);
  ASSIGN_OR_RETURN(info.studies,
                   copy.QueryInt64("SELECT count(*) FROM study", "backup: counting studies"));
  ASSIGN_OR_RETURN(info.trials,
                   copy.QueryInt64("SELECT count(*) FROM trial", "backup: counting trials"));
  return info;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DatabaseBackup>> DatabaseBackup::Create(
    const std::string& database_path) {
  ASSIGN_OR_RETURN(std::unique_ptr<TemporaryFile> file, CreateTemporaryFile(database_path));
  BackupInfo info;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> source,
                     Connection::Open(database_path, Connection::Mode::kReadOnly));
    RETURN_IF_ERROR(source->Exec(absl::StrCat("PRAGMA busy_timeout = ", kBusyTimeoutMs),
                                 "backup: setting busy_timeout"));
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> copy,
                     Connection::Open(file->path(), Connection::Mode::kReadWriteCreate));
    // A temporary file: a crash loses it anyway, so its writes need no fsync.
    RETURN_IF_ERROR(copy->Exec("PRAGMA synchronous = OFF", "backup: setting synchronous"));
    const absl::Time snapshot_time = absl::Now();
    RETURN_IF_ERROR(CopyDatabase(*source, *copy));
    ASSIGN_OR_RETURN(info, CheckCopy(*copy));
    info.snapshot_time = snapshot_time;
  }  // both connections closed: the copy is complete on disk
  const int fd = open(file->path().c_str(), O_RDONLY | O_CLOEXEC);
  struct stat stats;
  if (fd < 0 || fstat(fd, &stats) != 0) {
    const int error = errno;
    if (fd >= 0) close(fd);
    return absl::InternalError(absl::StrCat("backup: cannot open the copy '", file->path(),
                                            "' for reading: ", std::strerror(error)));
  }
  info.bytes = static_cast<int64_t>(stats.st_size);
  // `file` is unlinked here; the open descriptor keeps the data until the backup is destroyed.
  return std::unique_ptr<DatabaseBackup>(new DatabaseBackup(fd, info));
}

int DatabaseBackup::RemoveLeftovers(const std::string& database_path) {
  const std::filesystem::path database(database_path);
  const std::string prefix = database.filename().string() + ".backup-";
  constexpr size_t kUniqueChars = 6;  // mkstemp's XXXXXX
  std::error_code error;
  const std::filesystem::path dir =
      database.has_parent_path() ? database.parent_path() : std::filesystem::path(".");
  std::filesystem::directory_iterator it(dir, error);
  int removed = 0;
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!absl::StartsWith(name, prefix)) continue;
    const absl::string_view rest = absl::string_view(name).substr(prefix.size());
    if (rest.size() < kUniqueChars) continue;
    const absl::string_view suffix = rest.substr(kUniqueChars);
    if (!suffix.empty() && suffix != "-journal") continue;
    std::error_code ignored;
    if (std::filesystem::remove(it->path(), ignored)) {
      ++removed;
      Log(LogLevel::kInfo, "storage: removed a backup copy left by an interrupted backup",
          {{"file", it->path().string()}});
    }
  }
  return removed;
}

DatabaseBackup::~DatabaseBackup() { close(fd_); }

absl::StatusOr<std::string> DatabaseBackup::ReadChunk(size_t max_bytes) {
  const int64_t left = info_.bytes - offset_;
  std::string chunk(static_cast<size_t>(std::min<int64_t>(left, max_bytes)), '\0');
  size_t filled = 0;
  while (filled < chunk.size()) {
    const ssize_t n = pread(fd_, chunk.data() + filled, chunk.size() - filled,
                            static_cast<off_t>(offset_ + filled));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::InternalError(
          absl::StrCat("backup: reading the copy at byte ", offset_ + filled, " of ", info_.bytes,
                       ": ", n == 0 ? "unexpected end of file" : std::strerror(errno)));
    }
    filled += static_cast<size_t>(n);
  }
  offset_ += static_cast<int64_t>(filled);
  return chunk;
}

}  // namespace hyperd::storage
