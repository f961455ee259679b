// SqliteTrialStore: the embedded, crash-safe TrialStore on one SQLite file in WAL mode.
//
// One writer thread owns the only read-write connection. Commit() only enqueues; the writer takes
// everything queued when it wakes (up to max_batch_requests) into one BEGIN IMMEDIATE
// transaction, runs each request in its own SAVEPOINT (a failing request is rolled back alone and
// gets its own error), COMMITs once (one fsync under Durability::kFull) and hands the group to a
// completion thread that calls every request's callback in commit order, while the writer starts
// the next transaction. An empty batch writes nothing: it is a barrier whose callback runs after
// every batch submitted before it. LoadAll() reads through a separate read-only connection.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<SqliteTrialStore> store,
//                    SqliteTrialStore::Open({.path = "hyperd-data/hyperd.db"}));
//   ASSIGN_OR_RETURN(std::vector<StudySnapshot> studies, store->LoadAll());
//   store->Commit(std::move(batch), [reactor](absl::Status s) { reactor->Finish(...); });
#ifndef HYPERD_STORAGE_SQLITE_SQLITE_TRIAL_STORE_H_
#define HYPERD_STORAGE_SQLITE_SQLITE_TRIAL_STORE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/sqlite/database_backup.h"
#include "storage/trial_store.h"

namespace hyperd::storage {
namespace sqlite {
class Connection;
}  // namespace sqlite

// What an acknowledged commit survives.
enum class Durability {
  // synchronous=FULL: the WAL is fsynced at every commit; survives kill -9 and power loss.
  kFull,
  // synchronous=NORMAL: survives kill -9 (an application crash); the last commits may be lost on
  // power loss or an OS crash. Much faster on slow disks.
  kNormal,
};

// "full" or "normal" (case-insensitive); INVALID_ARGUMENT otherwise.
absl::StatusOr<Durability> ParseDurability(absl::string_view text);
// "full" or "normal".
absl::string_view DurabilityName(Durability durability);

// One group commit, reported to Options::on_commit (for the hyperd_storage_commit_seconds and
// hyperd_storage_batch_size histograms).
struct CommitStats {
  size_t requests = 0;      // Commit() calls in the transaction
  absl::Duration duration;  // BEGIN IMMEDIATE to the end of COMMIT (or of the failure)
  absl::Status status;      // of the transaction itself; a request's own failure is not counted
};

struct SqliteTrialStoreOptions {
  // Database file; created if missing (its directory must exist).
  std::string path;
  Durability durability = Durability::kFull;
  // Most requests in one transaction (>= 1).
  int max_batch_requests = 256;
  // After the writer has been idle this long since its last commit it checkpoints and truncates
  // the WAL once (> 0; absl::InfiniteDuration() disables it). The checkpoint never waits for
  // readers (a backup may hold an old snapshot for long): while one does, it reports UNAVAILABLE
  // and is tried again after the next idle period.
  absl::Duration idle_checkpoint_after = absl::Seconds(5);
  // Called on the completion thread after each transaction, once its callbacks have run. Optional.
  std::function<void(const CommitStats&)> on_commit = nullptr;
  // Called on the writer thread after each idle checkpoint with its result. Optional.
  std::function<void(const absl::Status&)> on_idle_checkpoint = nullptr;
};

// Thread-safe. Commit() and Flush() must not be called after the destructor has started, except
// Commit() from a commit callback.
class SqliteTrialStore final : public TrialStore {
 public:
  using Options = SqliteTrialStoreOptions;

  struct FileStats {
    int64_t db_bytes = 0;   // the database file
    int64_t wal_bytes = 0;  // its write-ahead log (0 when absent)
    // The file system holding the database (statvfs): bytes an unprivileged writer may still
    // use, and its total size. -1 when statvfs fails.
    int64_t filesystem_avail_bytes = -1;
    int64_t filesystem_size_bytes = -1;
  };

  // Opens (creating if missing) the database, sets the connection pragmas (WAL, synchronous per
  // `durability`, busy_timeout=5000, foreign_keys=ON), migrates the schema and starts the writer.
  // First removes temporary backup copies an interrupted Backup() left beside the file.
  // Errors: INVALID_ARGUMENT for bad options; FAILED_PRECONDITION if the file cannot be opened
  // (missing directory, permissions) or has a schema newer than this build; DATA_LOSS if it is
  // not a SQLite database or is corrupt.
  static absl::StatusOr<std::unique_ptr<SqliteTrialStore>> Open(Options options);

  SqliteTrialStore(const SqliteTrialStore&) = delete;
  SqliteTrialStore& operator=(const SqliteTrialStore&) = delete;
  // Commits everything still queued (every callback is called), stops the writer and closes the
  // database.
  ~SqliteTrialStore() override;

  // Enqueues and returns at once. `done` gets OK once the batch is durable, or the batch's own
  // error (see storage/sqlite/mutation_writer.h; prefixed with the failing mutation's index), or
  // the transaction's error if the whole group failed. Batches apply in submission order.
  void Commit(WriteBatch batch, CommitCallback done) override;

  // A consistent snapshot of everything committed, read through the read-only connection.
  // Studies come back without trial_counts and sampler_status (OUTPUT_ONLY values the runtime
  // derives from trials and the sampler; they are not stored) and trials without `measurements`
  // (those are StudySnapshot::measurements).
  absl::StatusOr<std::vector<StudySnapshot>> LoadAll() override;

  // Blocks until every batch submitted before the call has committed or failed, its callback has
  // returned and on_commit has been called. Must not be called from a callback (deadlock).
  void Flush() override;

  // Sizes of the database file and its WAL, for gauges. Cheap (two stat calls).
  FileStats GetFileStats() const;

  // A consistent copy of everything committed so far, taken through its own read-only
  // connection while commits go on (see storage/sqlite/database_backup.h for the contract and
  // errors). Blocks for the whole copy; the temporary file lives beside the database.
  absl::StatusOr<std::unique_ptr<DatabaseBackup>> Backup() const;

  // Testing hooks. While paused the writer starts no new transaction (Commit() still enqueues;
  // Flush() blocks), so a test can queue several batches that then commit as one group. The
  // destructor ignores the pause.
  void PauseWriterForTesting();
  void ResumeWriterForTesting();
  // PRAGMA synchronous of the writer connection as read back at Open (2 = FULL, 1 = NORMAL).
  int WriterSynchronousForTesting() const { return writer_synchronous_; }

 private:
  struct Request {
    WriteBatch batch;
    CommitCallback done;
  };
  // A committed (or failed) group whose callbacks are still to run.
  struct Completion {
    std::vector<Request> group;
    std::vector<absl::Status> results;
    CommitStats stats;
  };
  enum class Wake { kWork, kIdle, kStop };

  SqliteTrialStore(Options options, std::unique_ptr<sqlite::Connection> writer,
                   std::unique_ptr<sqlite::Connection> reader, int writer_synchronous);

  void WriterLoop();
  // Waits for work; with `checkpoint_due`, at most idle_checkpoint_after.
  Wake NextGroup(bool checkpoint_due, std::vector<Request>& group);
  void CommitGroup(std::vector<Request>& group);
  absl::Status ApplyRequest(const WriteBatch& batch);
  // Returns false when a reader on an older snapshot kept it from finishing (try again later).
  bool CheckpointWal();
  bool HasWorkOrStop() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs the callbacks of committed groups, in commit order, off the writer thread: replying
  // to RPCs costs CPU that would otherwise delay the next transaction.
  void CompletionLoop();

  const Options options_;
  // Used only by the writer thread once it has started.
  const std::unique_ptr<sqlite::Connection> writer_;
  const int writer_synchronous_;

  absl::Mutex reader_mu_;
  const std::unique_ptr<sqlite::Connection> reader_ ABSL_PT_GUARDED_BY(reader_mu_);

  mutable absl::Mutex mu_;
  std::deque<Request> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t submitted_ ABSL_GUARDED_BY(mu_) = 0;  // Commit() calls so far
  uint64_t finished_ ABSL_GUARDED_BY(mu_) = 0;   // requests whose callbacks have returned
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Completion> completions_ ABSL_GUARDED_BY(mu_);
  bool writer_done_ ABSL_GUARDED_BY(mu_) = false;

  std::thread writer_thread_;
  std::thread completion_thread_;
};

}  // namespace hyperd::storage

#endif  // HYPERD_STORAGE_SQLITE_SQLITE_TRIAL_STORE_H_
