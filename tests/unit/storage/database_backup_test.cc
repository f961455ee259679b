#include "storage/sqlite/database_backup.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_trial_store.h"
#include "tests/unit/storage/storage_test_util.h"

namespace hyperd::storage {
namespace {

using ::hyperd::storage::testing_util::ProtoEquals;
using ::hyperd::storage::testing_util::RawDb;
using ::hyperd::storage::testing_util::ScopedTempDir;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using v1::Study;
using v1::Trial;

Study MakeStudy(const std::string& id) {
  Study study;
  study.set_name("studies/" + id);
  v1::ParameterSpec* lr = study.mutable_spec()->mutable_search_space()->add_parameters();
  lr->set_name("lr");
  lr->mutable_double_spec()->set_min(1e-4);
  lr->mutable_double_spec()->set_max(1.0);
  study.mutable_spec()->mutable_objective()->set_metric("loss");
  study.set_state(Study::ACTIVE);
  study.mutable_create_time()->set_seconds(1700000000);
  return study;
}

Trial MakeTrial(const std::string& study_id, int64_t number, Trial::State state) {
  Trial trial;
  trial.set_name(absl::StrCat("studies/", study_id, "/trials/", number));
  trial.set_number(number);
  v1::Parameter* lr = trial.add_parameters();
  lr->set_name("lr");
  lr->set_double_value(0.001 * static_cast<double>(number + 1));
  trial.set_state(state);
  trial.set_client_id("worker-1");
  if (state == Trial::SUCCEEDED) trial.set_objective_value(1.0 / static_cast<double>(number + 1));
  trial.mutable_create_time()->set_seconds(1700000000 + number);
  return trial;
}

v1::Measurement MakeMeasurement(int64_t step, double loss) {
  v1::Measurement measurement;
  measurement.set_step(step);
  (*measurement.mutable_metrics())["loss"] = loss;
  return measurement;
}

SqliteTrialStore::Options StoreOptions(const std::string& path) {
  SqliteTrialStore::Options options;
  options.path = path;
  options.durability = Durability::kNormal;
  return options;
}

std::unique_ptr<SqliteTrialStore> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store =
      SqliteTrialStore::Open(StoreOptions(path));
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

// Reads every chunk of `backup` (in `chunk_bytes` pieces) into the file at `path`.
absl::Status WriteBackupTo(DatabaseBackup& backup, const std::string& path, size_t chunk_bytes) {
  std::ofstream out(path, std::ios::binary);
  while (true) {
    absl::StatusOr<std::string> chunk = backup.ReadChunk(chunk_bytes);
    if (!chunk.ok()) return chunk.status();
    if (chunk->empty()) break;
    out.write(chunk->data(), static_cast<std::streamsize>(chunk->size()));
  }
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("writing ", path));
  return absl::OkStatus();
}

std::vector<std::string> FileNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

void PopulateTwoStudies(SqliteTrialStore& store) {
  for (const std::string id : {"mnist", "cifar"}) {
    WriteBatch batch;
    batch.push_back(PutStudy{StudyRecord{id, MakeStudy(id), "sampler-state-" + id}});
    for (int64_t number = 0; number < 5; ++number) {
      batch.push_back(PutTrial{
          TrialRecord{id, MakeTrial(id, number, number < 3 ? Trial::SUCCEEDED : Trial::ACTIVE)}});
      batch.push_back(PutMeasurement{MeasurementRecord{id, number, MakeMeasurement(1, 0.5)}});
      batch.push_back(PutMeasurement{MeasurementRecord{id, number, MakeMeasurement(2, 0.25)}});
    }
    ASSERT_TRUE(store.CommitAndWait(std::move(batch)).ok());
  }
}

void ExpectSameSnapshots(const std::vector<StudySnapshot>& expected,
                         const std::vector<StudySnapshot>& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t s = 0; s < expected.size(); ++s) {
    EXPECT_EQ(expected[s].study.study_id, actual[s].study.study_id);
    EXPECT_EQ(expected[s].study.sampler_state, actual[s].study.sampler_state);
    EXPECT_TRUE(ProtoEquals(expected[s].study.study, actual[s].study.study));
    ASSERT_EQ(expected[s].trials.size(), actual[s].trials.size());
    for (size_t t = 0; t < expected[s].trials.size(); ++t) {
      EXPECT_TRUE(ProtoEquals(expected[s].trials[t].trial, actual[s].trials[t].trial));
    }
    ASSERT_EQ(expected[s].measurements.size(), actual[s].measurements.size());
    for (size_t m = 0; m < expected[s].measurements.size(); ++m) {
      EXPECT_EQ(expected[s].measurements[m].trial_number, actual[s].measurements[m].trial_number);
      EXPECT_TRUE(ProtoEquals(expected[s].measurements[m].measurement,
                              actual[s].measurements[m].measurement));
    }
  }
}

TEST(DatabaseBackup, CopyOfAPopulatedStoreHoldsTheSameRowsAndOpensAsAStore) {
  ScopedTempDir dir;
  const std::string db_path = dir.File("hyperd.db");
  std::unique_ptr<SqliteTrialStore> store = OpenStore(db_path);
  ASSERT_NE(store, nullptr);
  PopulateTwoStudies(*store);

  const absl::Time before = absl::Now();
  absl::StatusOr<std::unique_ptr<DatabaseBackup>> backup = store->Backup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  const BackupInfo& info = (*backup)->info();
  EXPECT_EQ(info.studies, 2);
  EXPECT_EQ(info.trials, 10);
  EXPECT_EQ(info.schema_version, sqlite::LatestSchemaVersion());
  EXPECT_GE(info.snapshot_time, before);
  EXPECT_LE(info.snapshot_time, absl::Now());
  EXPECT_GT(info.bytes, 0);
  EXPECT_EQ(info.bytes % 4096, 0) << "a SQLite file is a whole number of pages";
  // The temporary copy is already gone from the data directory.
  EXPECT_THAT(FileNames(dir.path()),
              UnorderedElementsAre("hyperd.db", "hyperd.db-wal", "hyperd.db-shm"));

  ScopedTempDir restore_dir;
  const std::string copy_path = restore_dir.File("hyperd.db");
  ASSERT_TRUE(WriteBackupTo(**backup, copy_path, /*chunk_bytes=*/3000).ok());
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(copy_path)), info.bytes);
  {
    RawDb raw(copy_path);
    EXPECT_EQ(raw.QueryTextRows("PRAGMA integrity_check"), "ok\n");
    EXPECT_EQ(raw.QueryTextRows("PRAGMA journal_mode"), "delete\n")
        << "a backup is one standalone file, without -wal or -shm companions";
  }

  absl::StatusOr<std::vector<StudySnapshot>> original = store->LoadAll();
  ASSERT_TRUE(original.ok()) << original.status();
  std::unique_ptr<SqliteTrialStore> restored = OpenStore(copy_path);
  ASSERT_NE(restored, nullptr);
  absl::StatusOr<std::vector<StudySnapshot>> copied = restored->LoadAll();
  ASSERT_TRUE(copied.ok()) << copied.status();
  ExpectSameSnapshots(*original, *copied);
}

TEST(DatabaseBackup, ReadChunkReturnsEveryByteOnceThenEmpty) {
  ScopedTempDir dir;
  std::unique_ptr<SqliteTrialStore> store = OpenStore(dir.File("hyperd.db"));
  ASSERT_NE(store, nullptr);
  PopulateTwoStudies(*store);
  absl::StatusOr<std::unique_ptr<DatabaseBackup>> backup = store->Backup();
  ASSERT_TRUE(backup.ok()) << backup.status();

  int64_t total = 0;
  int chunks = 0;
  while (true) {
    absl::StatusOr<std::string> chunk = (*backup)->ReadChunk(1024);
    ASSERT_TRUE(chunk.ok()) << chunk.status();
    if (chunk->empty()) break;
    EXPECT_LE(chunk->size(), 1024u);
    if (chunks == 0) {
      EXPECT_EQ(chunk->substr(0, 16), std::string("SQLite format 3\0", 16));
    }
    total += static_cast<int64_t>(chunk->size());
    ++chunks;
  }
  EXPECT_EQ(total, (*backup)->info().bytes);
  EXPECT_EQ(chunks, ((*backup)->info().bytes + 1023) / 1024);
  absl::StatusOr<std::string> after_end = (*backup)->ReadChunk(1024);
  ASSERT_TRUE(after_end.ok());
  EXPECT_TRUE(after_end->empty());
}

TEST(DatabaseBackup, IsConsistentWhileAWriterKeepsCommitting) {
  ScopedTempDir dir;
  std::unique_ptr<SqliteTrialStore> store = OpenStore(dir.File("hyperd.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitAndWait({PutStudy{StudyRecord{"load", MakeStudy("load"), ""}}}).ok());

  // The writer commits trial n with a measurement, one batch per trial, and publishes how many
  // were acknowledged. It keeps going until the backup is done and 20 more have committed.
  std::atomic<int64_t> acknowledged{0};
  std::atomic<int64_t> stop_after{-1};
  absl::Notification warmed_up;
  std::thread writer([&] {
    for (int64_t n = 0;; ++n) {
      const int64_t limit = stop_after.load();
      if (limit >= 0 && n >= limit) break;
      WriteBatch batch;
      batch.push_back(PutTrial{TrialRecord{"load", MakeTrial("load", n, Trial::SUCCEEDED)}});
      batch.push_back(PutMeasurement{MeasurementRecord{"load", n, MakeMeasurement(1, 0.5)}});
      absl::Status status = store->CommitAndWait(std::move(batch));
      if (!status.ok()) {
        ADD_FAILURE() << status;
        if (!warmed_up.HasBeenNotified()) warmed_up.Notify();
        return;
      }
      acknowledged.store(n + 1);
      if (n + 1 == 50) warmed_up.Notify();
    }
  });
  warmed_up.WaitForNotification();
  const int64_t acknowledged_before_backup = acknowledged.load();
  absl::StatusOr<std::unique_ptr<DatabaseBackup>> backup = store->Backup();
  stop_after.store(acknowledged.load() + 20);
  writer.join();
  ASSERT_TRUE(backup.ok()) << backup.status();

  ScopedTempDir restore_dir;
  const std::string copy_path = restore_dir.File("hyperd.db");
  ASSERT_TRUE(WriteBackupTo(**backup, copy_path, 1 << 20).ok());
  {
    RawDb raw(copy_path);
    EXPECT_EQ(raw.QueryTextRows("PRAGMA integrity_check"), "ok\n");
  }
  std::unique_ptr<SqliteTrialStore> restored = OpenStore(copy_path);
  ASSERT_NE(restored, nullptr);
  absl::StatusOr<std::vector<StudySnapshot>> copied = restored->LoadAll();
  ASSERT_TRUE(copied.ok()) << copied.status();
  ASSERT_EQ(copied->size(), 1u);
  const StudySnapshot& load = copied->front();
  // Every trial acknowledged before the backup began is there, and the copy is a prefix of the
  // commit order: trials 0..k-1, each with its measurement (never a trial without it).
  const int64_t copied_trials = static_cast<int64_t>(load.trials.size());
  EXPECT_GE(copied_trials, acknowledged_before_backup);
  EXPECT_EQ((*backup)->info().trials, copied_trials);
  EXPECT_LT(copied_trials, stop_after.load()) << "the writer committed after the snapshot";
  ASSERT_EQ(load.measurements.size(), load.trials.size());
  for (int64_t n = 0; n < copied_trials; ++n) {
    EXPECT_EQ(load.trials[n].trial.number(), n);
    EXPECT_EQ(load.measurements[n].trial_number, n);
  }
}

// A backup's read transaction can last long; the writer's idle checkpoint must not wait for it
// (that would hold up the next commit for the whole 5 s busy timeout).
TEST(DatabaseBackup, IdleCheckpointNeverWaitsForAReaderAndRetriesAfterIt) {
  ScopedTempDir dir;
  const std::string path = dir.File("hyperd.db");
  absl::Mutex mu;
  std::vector<absl::StatusCode> checkpoints;  // guarded by mu
  SqliteTrialStore::Options options = StoreOptions(path);
  options.idle_checkpoint_after = absl::Milliseconds(1);
  options.on_idle_checkpoint = [&](const absl::Status& status) {
    absl::MutexLock lock(&mu);
    checkpoints.push_back(status.code());
  };
  absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store = SqliteTrialStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->CommitAndWait({PutStudy{StudyRecord{"s", MakeStudy("s"), ""}}}).ok());

  // A reader holds a snapshot, as a backup does for the whole copy; then the WAL grows past it.
  RawDb reader(path);
  reader.Exec("BEGIN");
  EXPECT_EQ(reader.QueryInt64("SELECT count(*) FROM study"), 1);
  auto count = [&](absl::StatusCode code) {
    absl::MutexLock lock(&mu);
    return std::count(checkpoints.begin(), checkpoints.end(), code);
  };
  const int64_t ok_before = count(absl::StatusCode::kOk);
  const absl::Time committed_at = absl::Now();
  ASSERT_TRUE(
      (*store)->CommitAndWait({PutTrial{TrialRecord{"s", MakeTrial("s", 0, Trial::ACTIVE)}}}).ok());
  {
    absl::MutexLock lock(&mu);
    auto postponed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return std::count(checkpoints.begin(), checkpoints.end(), absl::StatusCode::kUnavailable) > 0;
    };
    mu.Await(absl::Condition(&postponed));
  }
  EXPECT_LT(absl::Now() - committed_at, absl::Seconds(2))
      << "the checkpoint waited for the reader instead of returning at once";
  // Commits go on while the reader holds its snapshot.
  ASSERT_TRUE(
      (*store)->CommitAndWait({PutTrial{TrialRecord{"s", MakeTrial("s", 1, Trial::ACTIVE)}}}).ok());

  reader.Exec("COMMIT");
  {
    absl::MutexLock lock(&mu);
    auto truncated = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return std::count(checkpoints.begin(), checkpoints.end(), absl::StatusCode::kOk) > ok_before;
    };
    mu.Await(absl::Condition(&truncated));
  }
  EXPECT_EQ((*store)->GetFileStats().wal_bytes, 0) << "the postponed checkpoint ran later";
  EXPECT_EQ(count(absl::StatusCode::kUnknown), 0);
}

TEST(DatabaseBackup, OpeningTheStoreRemovesCopiesAKilledBackupLeftBehind) {
  ScopedTempDir dir;
  for (const char* name : {"hyperd.db.backup-a1B2c3", "hyperd.db.backup-a1B2c3-journal",
                           "hyperd.db.backup-notes.txt", "other.db.backup-a1B2c3"}) {
    std::ofstream(dir.File(name)) << "x";
  }
  std::unique_ptr<SqliteTrialStore> store = OpenStore(dir.File("hyperd.db"));
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(FileNames(dir.path()),
              UnorderedElementsAre("hyperd.db", "hyperd.db-wal", "hyperd.db-shm",
                                   "hyperd.db.backup-notes.txt", "other.db.backup-a1B2c3"));
}

TEST(DatabaseBackup, MissingDirectoryIsFailedPreconditionNamingThePath) {
  ScopedTempDir dir;
  absl::StatusOr<std::unique_ptr<DatabaseBackup>> backup =
      DatabaseBackup::Create(dir.File("gone/hyperd.db"));
  ASSERT_FALSE(backup.ok());
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(backup.status().message(), HasSubstr("gone/hyperd.db.backup-"));
  EXPECT_THAT(backup.status().message(), HasSubstr("must be writable"));
}

TEST(DatabaseBackup, NotADatabaseIsDataLossAndLeavesNoFileBehind) {
  ScopedTempDir dir;
  const std::string path = dir.File("hyperd.db");
  std::ofstream(path) << std::string(8192, 'x');
  absl::StatusOr<std::unique_ptr<DatabaseBackup>> backup = DatabaseBackup::Create(path);
  ASSERT_FALSE(backup.ok());
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kDataLoss) << backup.status();
  EXPECT_THAT(FileNames(dir.path()), UnorderedElementsAre("hyperd.db"));
}

}  // namespace
}  // namespace hyperd::storage
