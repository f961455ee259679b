// DatabaseBackup: a consistent copy of a live hyperd database, taken with SQLite's online backup
// API while the server keeps writing, checked, and held open for streaming.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<DatabaseBackup> backup,
//                    DatabaseBackup::Create("hyperd-data/hyperd.db"));
//   SendInfo(backup->info());
//   while (true) {
//     ASSIGN_OR_RETURN(std::string chunk, backup->ReadChunk(1 << 20));
//     if (chunk.empty()) break;
//     Send(chunk);
//   }
//
// The copy is a standalone SQLite file (rollback-journal mode, no -wal or -shm beside it): put
// it into an empty data directory as hyperd.db and a hyperd started there serves the same
// studies (it switches the file back to WAL mode at Open).
#ifndef HYPERD_STORAGE_SQLITE_DATABASE_BACKUP_H_
#define HYPERD_STORAGE_SQLITE_DATABASE_BACKUP_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hyperd::storage {

// What a backup holds, read from the copy after it was checked.
struct BackupInfo {
  int64_t bytes = 0;         // size of the copy
  int schema_version = 0;    // PRAGMA user_version of the copy
  int64_t studies = 0;       // rows of the study table
  int64_t trials = 0;        // rows of the trial table
  absl::Time snapshot_time;  // taken just before the copy's read transaction began: every commit
                             // that completed before it is in the copy
};

// Not thread-safe: one thread at a time reads the chunks.
class DatabaseBackup {
 public:
  // Copies the database at `database_path` (which a SqliteTrialStore may be writing) into a
  // temporary file beside it, named "<database_path>.backup-XXXXXX" (mkstemp: never collides),
  // runs PRAGMA integrity_check on the copy, opens it for reading and removes its name at once,
  // so nothing is left behind once the object is gone, whatever happens to the caller. Blocks for
  // the whole copy: call it off latency-sensitive threads.
  // Errors: FAILED_PRECONDITION when the temporary file cannot be created (the directory must be
  // writable and have room for a copy of the database) or the source cannot be opened;
  // RESOURCE_EXHAUSTED when the disk fills up; UNAVAILABLE when the source stays locked past the
  // busy timeout; DATA_LOSS when the copy fails the integrity check (the source is corrupt);
  // INTERNAL for anything else. A failure leaves no file behind.
  static absl::StatusOr<std::unique_ptr<DatabaseBackup>> Create(const std::string& database_path);

  // Removes temporary copies a killed process left beside `database_path` ("<name>.backup-"
  // followed by the 6 characters of mkstemp, and their journals). Call before serving, while no
  // backup can be running (SqliteTrialStore::Open does). Returns how many files it removed.
  static int RemoveLeftovers(const std::string& database_path);

  DatabaseBackup(const DatabaseBackup&) = delete;
  DatabaseBackup& operator=(const DatabaseBackup&) = delete;
  ~DatabaseBackup();

  const BackupInfo& info() const { return info_; }

  // The next at most `max_bytes` (> 0) bytes of the copy; empty once all info().bytes were read.
  // INTERNAL on a read error.
  absl::StatusOr<std::string> ReadChunk(size_t max_bytes);

 private:
  DatabaseBackup(int fd, BackupInfo info) : fd_(fd), info_(info) {}

  const int fd_;  // the copy, already unlinked
  const BackupInfo info_;
  int64_t offset_ = 0;
};

}  // namespace hyperd::storage

#endif  // HYPERD_STORAGE_SQLITE_DATABASE_BACKUP_H_
