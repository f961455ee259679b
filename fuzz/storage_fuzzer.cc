// Fuzz target: decoding of stored rows (storage/sqlite/snapshot_reader.h, step_columns.h) and
// the runtime's rebuilding of state from them (Runtime::Load), over a database whose rows come
// from the input: a damaged or foreign file must give an error status, never a crash.
//
// Input (fuzz_input.h): until the input ends, a table byte and that table's row. Rows go into a
// database with the current schema through a raw connection with foreign keys off, so they can
// break every rule the store's writer keeps (dangling rows, blobs that do not parse, specs that
// were never validated, inconsistent step columns). Then SqliteTrialStore::Open + LoadAll must
// return, and when they succeed so must Runtime::Load and a few reads.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/quiet_logs.h"
#include "fuzz/scratch_dir.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/clock.h"
#include "server/request_validation.h"
#include "server/runtime.h"
#include "server/worker_pool.h"
#include "storage/sqlite/sqlite_trial_store.h"

namespace hyperd::fuzz {
namespace {

namespace v1 = hyperd::v1;

// Study ids come from a small set so rows of different tables meet.
std::string StudyId(uint8_t byte) {
  return byte % 4 == 0 ? "fuzz" : "s" + std::to_string(byte % 4);
}

std::string TemplatePath() { return ScratchDir() + "/template.db"; }
std::string DatabasePath() { return ScratchDir() + "/run/hyperd.db"; }

// An empty database with the current schema, made once by the store itself.
void MakeTemplate() {
  storage::SqliteTrialStore::Options options;
  options.path = TemplatePath();
  options.durability = storage::Durability::kNormal;
  options.idle_checkpoint_after = absl::InfiniteDuration();
  CheckStatus(storage::SqliteTrialStore::Open(options).status(), "the store creates a database");
}

void FreshDatabase() {
  std::error_code error;
  std::filesystem::remove_all(ScratchDir() + "/run", error);
  std::filesystem::create_directories(ScratchDir() + "/run", error);
  Check(!error, "the scratch directory is writable");
  std::filesystem::copy_file(TemplatePath(), DatabasePath(), error);
  Check(!error, "the template database copies");
}

double TakeDouble(FuzzInput& in) {
  const uint64_t bits = in.TakeUint64();
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

// Binds and runs one INSERT; constraint failures (duplicate keys, CHECKs) are expected.
class RawDatabase {
 public:
  RawDatabase() {
    Check(sqlite3_open(DatabasePath().c_str(), &db_) == SQLITE_OK, "the raw connection opens");
    sqlite3_exec(db_, "PRAGMA foreign_keys=OFF; BEGIN", nullptr, nullptr, nullptr);
  }
  ~RawDatabase() {
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }

  void InsertRow(uint8_t table, FuzzInput& in) {
    switch (table % 4) {
      case 0: {
        Statement s(db_, "INSERT OR REPLACE INTO study VALUES (?1, ?2, ?3, ?4, ?5)");
        s.Text(1, StudyId(in.TakeByte()));
        s.Int(2, in.TakeByte());
        s.Int(3, static_cast<int64_t>(in.TakeUint64()));
        s.Blob(4, in.TakeChunk());
        s.Blob(5, in.TakeChunk());
        return;
      }
      case 1: {
        Statement s(db_, "INSERT OR REPLACE INTO trial VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        s.Text(1, StudyId(in.TakeByte()));
        s.Int(2, in.TakeByte() % 8);
        s.Int(3, in.TakeByte());
        s.Text(4, "worker");
        s.Int(5, static_cast<int64_t>(in.TakeUint64()));
        s.Blob(6, in.TakeChunk());
        return;
      }
      case 2: {
        Statement s(db_, "INSERT OR REPLACE INTO measurement VALUES (?1, ?2, ?3, ?4)");
        s.Text(1, StudyId(in.TakeByte()));
        s.Int(2, static_cast<int8_t>(in.TakeByte()));
        s.Int(3, static_cast<int64_t>(in.TakeUint64()));
        s.Blob(4, in.TakeChunk());
        return;
      }
      case 3: {
        Statement s(
            db_, "INSERT OR REPLACE INTO step_report VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        s.Text(1, StudyId(in.TakeByte()));
        s.Int(2, static_cast<int8_t>(in.TakeByte()));
        s.Int(3, static_cast<int64_t>(in.TakeUint64()));
        const uint8_t nulls = in.TakeByte();
        for (int i = 0; i < 5; ++i) {
          if (nulls & (1 << i)) continue;  // left NULL
          s.Double(4 + i, TakeDouble(in));
        }
        s.Int(9, static_cast<int64_t>(in.TakeUint64()));
        return;
      }
    }
  }

 private:
  class Statement {
   public:
    Statement(sqlite3* db, const char* sql) {
      Check(sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK, "the INSERT compiles");
    }
    ~Statement() {
      sqlite3_step(stmt_);
      sqlite3_finalize(stmt_);
    }
    void Text(int i, const std::string& v) {
      sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void Blob(int i, const std::string& v) {
      sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    void Double(int i, double v) { sqlite3_bind_double(stmt_, i, v); }

   private:
    sqlite3_stmt* stmt_ = nullptr;
  };

  sqlite3* db_ = nullptr;
};

// Opens the store on the prepared file and loads it into a runtime, as hyperd does at start-up.
void LoadLikeTheServer() {
  storage::SqliteTrialStore::Options options;
  options.path = DatabasePath();
  options.durability = storage::Durability::kNormal;
  options.idle_checkpoint_after = absl::InfiniteDuration();
  absl::StatusOr<std::unique_ptr<storage::SqliteTrialStore>> store =
      storage::SqliteTrialStore::Open(options);
  CheckErrorHasMessage(store.status());
  if (!store.ok()) return;
  absl::StatusOr<std::vector<storage::StudySnapshot>> loaded = (*store)->LoadAll();
  CheckErrorHasMessage(loaded.status());
  if (!loaded.ok()) return;

  server::ManualClock clock;
  server::WorkerPool pool(/*threads=*/1, /*max_queued=*/100);
  server::Runtime runtime(store->get(), &clock, &pool);
  const absl::Status status = runtime.Load();
  CheckErrorHasMessage(status);
  if (!status.ok()) return;
  // What a client does first after a restart: list and read.
  absl::StatusOr<v1::ListStudiesResponse> studies = runtime.ListStudies({});
  CheckStatus(studies.status(), "ListStudies after a successful load");
  for (const v1::Study& study : studies->studies()) {
    v1::ListTrialsRequest request;
    request.set_parent(study.name());
    CheckErrorHasMessage(runtime.ListTrials(request).status());
    v1::ListOptimalTrialsRequest optimal;
    optimal.set_parent(study.name());
    CheckErrorHasMessage(runtime.ListOptimalTrials(optimal).status());
  }
  clock.Advance(absl::Hours(24 * 8));  // past every lease: the reaper ends every open trial
  runtime.ReapExpiredLeases();
  (*store)->Flush();
}

}  // namespace
}  // namespace hyperd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyperd::fuzz;  // NOLINT: the entry point has C linkage
  static const bool kReady = [] {
    SilenceLogs();
    MakeTemplate();
    return true;
  }();
  (void)kReady;
  FreshDatabase();
  {
    FuzzInput in(data, size);
    RawDatabase db;
    for (int rows = 0; rows < 64 && !in.empty(); ++rows) db.InsertRow(in.TakeByte(), in);
  }
  LoadLikeTheServer();
  return 0;
}
