#include "storage/sqlite/schema.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hyperd::storage::sqlite {
namespace {

// Layout: what queries filter or sort on is a typed column; the rest of each message is a
// serialized proto blob. Measurements are rows of their own so a report appends one row and
// never rewrites its trial.
constexpr char kCreateTables[] = R"sql(
CREATE TABLE study (
  study_id       TEXT    NOT NULL PRIMARY KEY,
  state          INTEGER NOT NULL,  -- hyperd.v1.Study.State
  create_time_us INTEGER NOT NULL,  -- microseconds since the Unix epoch
  config         BLOB    NOT NULL,  -- hyperd.v1.Study without OUTPUT_ONLY counters
  sampler_state  BLOB    NOT NULL
) STRICT;

CREATE TABLE trial (
  study_id        TEXT    NOT NULL REFERENCES study(study_id) ON DELETE CASCADE,
  number          INTEGER NOT NULL,
  state           INTEGER NOT NULL,  -- hyperd.v1.Trial.State
  client_id       TEXT    NOT NULL,
  lease_expire_us INTEGER,           -- NULL when the trial holds no lease
  header          BLOB    NOT NULL,  -- hyperd.v1.Trial with `measurements` cleared
  PRIMARY KEY (study_id, number)
) STRICT;

CREATE TABLE measurement (
  study_id     TEXT    NOT NULL,
  trial_number INTEGER NOT NULL,
  step         INTEGER NOT NULL,
  body         BLOB    NOT NULL,  -- hyperd.v1.Measurement
  PRIMARY KEY (study_id, trial_number, step),
  FOREIGN KEY (study_id, trial_number) REFERENCES trial(study_id, number) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
)sql";

// The primary keys already serve the foreign keys and per-study scans; these serve the study
// runtime's state queries and the lease reaper (ACTIVE = 2, STOPPING = 3).
constexpr char kCreateTrialIndexes[] = R"sql(
CREATE INDEX trial_by_study_state ON trial(study_id, state);
CREATE INDEX trial_open_by_lease_expiry ON trial(lease_expire_us) WHERE state IN (2, 3);
)sql";

// Per-optimizer-step reports (ReportSteps, lr-schedules.md §6), append-only like measurements.
// The values are REAL columns so they can be queried; special_values restores what REAL cannot
// hold (step_columns.h): bits 0-4 NaN, bits 8-12 -0.0, of lr_applied ... hd_dot in column order
// (7967 = 0x1F1F).
constexpr char kCreateStepReports[] = R"sql(
CREATE TABLE step_report (
  study_id       TEXT    NOT NULL,
  trial_number   INTEGER NOT NULL,
  step           INTEGER NOT NULL,
  lr_applied     REAL,              -- NULL only when NaN
  loss           REAL,              -- NULL when absent or NaN
  grad_norm_l2   REAL,
  grad_norm_l1   REAL,
  hd_dot         REAL,
  special_values INTEGER NOT NULL CHECK ((special_values & ~7967) = 0),
  PRIMARY KEY (study_id, trial_number, step),
  FOREIGN KEY (study_id, trial_number) REFERENCES trial(study_id, number) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
)sql";

}  // namespace

const std::vector<Migration>& Migrations() {
  static const auto* const kMigrations = new std::vector<Migration>{
      {1, "create study, trial and measurement tables", kCreateTables},
      {2, "index trials by state and open trials by lease expiry", kCreateTrialIndexes},
      {3, "create the step_report table", kCreateStepReports},
  };
  return *kMigrations;
}

int LatestSchemaVersion() { return Migrations().back().version; }

absl::Status MigrateToLatest(Connection& db) {
  RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE", "starting the schema migration transaction"));
  auto apply = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int64_t version,
                     db.QueryInt64("PRAGMA user_version", "reading the schema version"));
    const int latest = LatestSchemaVersion();
    if (version > latest) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database '", db.path(), "' has schema version ", version,
          " but this hyperd supports versions up to ", latest,
          ": it was written by a newer hyperd. Run that version, or point hyperd at another "
          "database file"));
    }
    if (version < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("database '", db.path(), "' has an invalid schema version ", version,
                       " (PRAGMA user_version must be between 0 and ", latest, ")"));
    }
    for (const Migration& migration : Migrations()) {
      if (migration.version <= version) continue;
      RETURN_IF_ERROR(
          db.Exec(migration.sql, absl::StrCat("applying schema migration ", migration.version, " (",
                                              migration.description, ") to '", db.path(), "'")));
    }
    if (version == latest) return absl::OkStatus();
    return db.Exec(absl::StrCat("PRAGMA user_version = ", latest), "setting the schema version");
  };
  absl::Status status = apply();
  if (!status.ok()) {
    if (db.InTransaction()) db.Exec("ROLLBACK", "rolling back the schema migration").IgnoreError();
    return status;
  }
  return db.Exec("COMMIT", "committing the schema migration");
}

}  // namespace hyperd::storage::sqlite
