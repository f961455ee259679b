#include "storage/sqlite/sqlite_trial_store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "storage/sqlite/connection.h"
#include "storage/sqlite/mutation_writer.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/snapshot_reader.h"
#include "storage/sqlite/sqlite_status.h"

namespace hyperd::storage {

using sqlite::Connection;

namespace {

// How long a connection waits for a lock held by another process (the sqlite3 CLI, a backup)
// before the call fails with UNAVAILABLE.
constexpr int kBusyTimeoutMs = 5000;

absl::Status ValidateOptions(const SqliteTrialStoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("SqliteTrialStore: path is empty; give the database file");
  }
  if (options.max_batch_requests < 1) {
    return absl::InvalidArgumentError(absl::StrCat("SqliteTrialStore: max_batch_requests is ",
                                                   options.max_batch_requests,
                                                   "; it must be at least 1"));
  }
  if (options.idle_checkpoint_after <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SqliteTrialStore: idle_checkpoint_after is ",
                     absl::FormatDuration(options.idle_checkpoint_after),
                     "; it must be positive (absl::InfiniteDuration() disables idle checkpoints)"));
  }
  return absl::OkStatus();
}

// Pragmas of the read-write connection. Returns PRAGMA synchronous as read back.
absl::StatusOr<int> ConfigureWriter(Connection& db, Durability durability) {
  RETURN_IF_ERROR(
      db.Exec(absl::StrCat("PRAGMA busy_timeout = ", kBusyTimeoutMs), "setting busy_timeout"));
  ASSIGN_OR_RETURN(std::string journal_mode,
                   db.QueryText("PRAGMA journal_mode = WAL", "enabling WAL mode"));
  if (absl::AsciiStrToLower(journal_mode) != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        "database '", db.path(), "' could not be switched to WAL mode (journal_mode is '",
        journal_mode, "'); use a database file on a local filesystem"));
  }
  // Debian's default is already FULL; set it explicitly so the option is what runs.
  RETURN_IF_ERROR(db.Exec(
      durability == Durability::kFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
      "setting synchronous"));
  RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
  ASSIGN_OR_RETURN(int64_t synchronous,
                   db.QueryInt64("PRAGMA synchronous", "reading back synchronous"));
  return static_cast<int>(synchronous);
}

absl::Status ConfigureReader(Connection& db) {
  RETURN_IF_ERROR(db.Exec(absl::StrCat("PRAGMA busy_timeout = ", kBusyTimeoutMs),
                          "setting busy_timeout on the reader"));
  return db.Exec("PRAGMA query_only = ON", "making the reader query-only");
}

int64_t FileSize(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 0;
  return static_cast<int64_t>(info.st_size);
}

}  // namespace

absl::StatusOr<Durability> ParseDurability(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "full") return Durability::kFull;
  if (lower == "normal") return Durability::kNormal;
  return absl::InvalidArgumentError(absl::StrCat(
      "durability '", text,
      "' is not supported: use 'full' (survives power loss) or 'normal' (faster; survives a "
      "crash of hyperd but may lose the last commits on power loss)"));
}

absl::string_view DurabilityName(Durability durability) {
  return durability == Durability::kFull ? "full" : "normal";
}

absl::StatusOr<std::unique_ptr<SqliteTrialStore>> SqliteTrialStore::Open(Options options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  DatabaseBackup::RemoveLeftovers(options.path);
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                   Connection::Open(options.path, Connection::Mode::kReadWriteCreate));
  ASSIGN_OR_RETURN(int synchronous, ConfigureWriter(*writer, options.durability));
  RETURN_IF_ERROR(sqlite::MigrateToLatest(*writer));
  // The reader opens after the writer has made the file a WAL database with the current schema.
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader,
                   Connection::Open(options.path, Connection::Mode::kReadOnly));
  RETURN_IF_ERROR(ConfigureReader(*reader));
  return std::unique_ptr<SqliteTrialStore>(
      new SqliteTrialStore(std::move(options), std::move(writer), std::move(reader), synchronous));
}

SqliteTrialStore::SqliteTrialStore(Options options, std::unique_ptr<Connection> writer,
                                   std::unique_ptr<Connection> reader, int writer_synchronous)
    : options_(std::move(options)),
      writer_(std::move(writer)),
      writer_synchronous_(writer_synchronous),
      reader_(std::move(reader)) {
  writer_thread_ = std::thread([this] { WriterLoop(); });
  completion_thread_ = std::thread([this] { CompletionLoop(); });
}

SqliteTrialStore::~SqliteTrialStore() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_thread_.join();
  {
    absl::MutexLock lock(&mu_);
    writer_done_ = true;
  }
  completion_thread_.join();
  // The connections close as members are destroyed; the last one to close checkpoints the WAL.
}

void SqliteTrialStore::Commit(WriteBatch batch, CommitCallback done) {
  absl::MutexLock lock(&mu_);
  queue_.push_back(Request{std::move(batch), std::move(done)});
  ++submitted_;
}

void SqliteTrialStore::Flush() {
  absl::MutexLock lock(&mu_);
  const uint64_t target = submitted_;
  auto done = [this, target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return finished_ >= target; };
  mu_.Await(absl::Condition(&done));
}

absl::StatusOr<std::vector<StudySnapshot>> SqliteTrialStore::LoadAll() {
  absl::MutexLock lock(&reader_mu_);
  return sqlite::ReadAllStudies(*reader_);
}

SqliteTrialStore::FileStats SqliteTrialStore::GetFileStats() const {
  FileStats stats;
  stats.db_bytes = FileSize(options_.path);
  stats.wal_bytes = FileSize(options_.path + "-wal");
  struct statvfs fs {};
  if (statvfs(options_.path.c_str(), &fs) == 0) {
    stats.filesystem_avail_bytes = static_cast<int64_t>(fs.f_bavail) * fs.f_frsize;
    stats.filesystem_size_bytes = static_cast<int64_t>(fs.f_blocks) * fs.f_frsize;
  }
  return stats;
}

absl::StatusOr<std::unique_ptr<DatabaseBackup>> SqliteTrialStore::Backup() const {
  return DatabaseBackup::Create(options_.path);
}

void SqliteTrialStore::PauseWriterForTesting() {
  absl::MutexLock lock(&mu_);
  paused_ = true;
}

void SqliteTrialStore::ResumeWriterForTesting() {
  absl::MutexLock lock(&mu_);
  paused_ = false;
}

bool SqliteTrialStore::HasWorkOrStop() const {
  if (!queue_.empty()) return stopping_ || !paused_;
  // Stop only once every callback has run: a callback may still submit a batch.
  return stopping_ && finished_ == submitted_;
}

SqliteTrialStore::Wake SqliteTrialStore::NextGroup(bool checkpoint_due,
                                                   std::vector<Request>& group) {
  absl::MutexLock lock(&mu_);
  absl::Condition ready(this, &SqliteTrialStore::HasWorkOrStop);
  if (checkpoint_due) {
    if (!mu_.AwaitWithTimeout(ready, options_.idle_checkpoint_after)) return Wake::kIdle;
  } else {
    mu_.Await(ready);
  }
  if (queue_.empty()) return Wake::kStop;  // stopping_, drained, and every callback has run
  // Everything already queued, never waiting for more: batches grow by themselves while a
  // commit's fsync is in flight.
  const size_t take = std::min(queue_.size(), static_cast<size_t>(options_.max_batch_requests));
  for (size_t i = 0; i < take; ++i) {
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return Wake::kWork;
}

void SqliteTrialStore::WriterLoop() {
  bool checkpoint_due = false;
  while (true) {
    std::vector<Request> group;
    switch (NextGroup(checkpoint_due, group)) {
      case Wake::kStop:
        return;
      case Wake::kIdle:
        checkpoint_due = !CheckpointWal();
        break;
      case Wake::kWork:
        CommitGroup(group);
        checkpoint_due = options_.idle_checkpoint_after != absl::InfiniteDuration();
        break;
    }
  }
}

absl::Status SqliteTrialStore::ApplyRequest(const WriteBatch& batch) {
  RETURN_IF_ERROR(writer_->Run("SAVEPOINT request", "starting the request's savepoint"));
  absl::Status status;
  for (size_t i = 0; i < batch.size() && status.ok(); ++i) {
    status = sqlite::ApplyMutation(*writer_, batch[i]);
    if (!status.ok()) {
      status = absl::Status(status.code(), absl::StrCat("mutation ", i + 1, " of ", batch.size(),
                                                        " in the batch: ", status.message()));
    }
  }
  if (status.ok()) return writer_->Run("RELEASE request", "releasing the request's savepoint");
  // SQLite may already have rolled the whole transaction back (I/O error, disk full); then
  // there is no savepoint left to undo.
  if (writer_->InTransaction()) {
    absl::Status undo =
        writer_->Run("ROLLBACK TO request", "rolling back the failed request's savepoint");
    if (undo.ok())
      undo = writer_->Run("RELEASE request", "releasing the failed request's savepoint");
    if (!undo.ok()) {
      Log(LogLevel::kError, "storage: could not roll back a failed request",
          {{"error", std::string(undo.message())}});
    }
  }
  return status;
}

void SqliteTrialStore::CommitGroup(std::vector<Request>& group) {
  const absl::Time start = absl::Now();
  std::vector<absl::Status> results(group.size());
  // Empty batches are barriers: they write nothing and complete in order with the others.
  const bool writes =
      std::any_of(group.begin(), group.end(), [](const Request& r) { return !r.batch.empty(); });
  absl::Status transaction =
      writes ? writer_->Run("BEGIN IMMEDIATE", "starting the write transaction") : absl::OkStatus();
  for (size_t i = 0; writes && i < group.size() && transaction.ok(); ++i) {
    if (group[i].batch.empty()) continue;
    results[i] = ApplyRequest(group[i].batch);
    if (!results[i].ok() && !writer_->InTransaction()) {
      // SQLite rolled back the whole transaction: the requests before this one are gone too.
      transaction = absl::Status(
          results[i].code(),
          absl::StrCat("the write transaction was rolled back: ", results[i].message()));
    }
  }
  if (writes && transaction.ok()) {
    transaction = writer_->Run("COMMIT", "committing the write transaction");
  }
  if (!transaction.ok()) {
    if (writer_->InTransaction()) {
      writer_->Run("ROLLBACK", "rolling back the write transaction").IgnoreError();
    }
    for (absl::Status& result : results) result = transaction;
    Log(LogLevel::kError, "storage: write transaction failed",
        {{"requests", absl::StrCat(group.size())}, {"error", std::string(transaction.message())}});
  }
  Completion completion{std::move(group), std::move(results),
                        CommitStats{0, absl::Now() - start, transaction}};
  completion.stats.requests = completion.group.size();
  absl::MutexLock lock(&mu_);
  completions_.push_back(std::move(completion));
}

void SqliteTrialStore::CompletionLoop() {
  while (true) {
    Completion completion;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return writer_done_ || !completions_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (completions_.empty()) return;  // the writer has stopped and everything ran
      completion = std::move(completions_.front());
      completions_.pop_front();
    }
    for (size_t i = 0; i < completion.group.size(); ++i) {
      if (completion.group[i].done) completion.group[i].done(std::move(completion.results[i]));
    }
    if (options_.on_commit) options_.on_commit(completion.stats);
    absl::MutexLock lock(&mu_);
    finished_ += completion.group.size();
  }
}

bool SqliteTrialStore::CheckpointWal() {
  int wal_frames = 0;
  int checkpointed_frames = 0;
  // TRUNCATE waits in the busy handler for readers on older snapshots (a long backup, LoadAll);
  // with the connection's 5 s timeout that would hold up the next commit. Without a handler it
  // copies what it can and returns SQLITE_BUSY at once; the writer tries again after the next
  // idle period.
  sqlite3_busy_timeout(writer_->handle(), 0);
  int rc = sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                     &wal_frames, &checkpointed_frames);
  sqlite3_busy_timeout(writer_->handle(), kBusyTimeoutMs);
  absl::Status status;
  if (rc != SQLITE_OK) {
    status = sqlite::SqliteStatus(rc, writer_->handle(), "checkpointing the WAL while idle");
    const bool reader_busy = (rc & 0xff) == SQLITE_BUSY;
    Log(reader_busy ? LogLevel::kInfo : LogLevel::kWarning,
        reader_busy ? "storage: idle WAL checkpoint postponed while a reader (e.g. a backup) "
                      "holds an older snapshot"
                    : "storage: idle WAL checkpoint failed",
        {{"error", std::string(status.message())}});
  }
  if (options_.on_idle_checkpoint) options_.on_idle_checkpoint(status);
  return (rc & 0xff) != SQLITE_BUSY;
}

}  // namespace hyperd::storage
