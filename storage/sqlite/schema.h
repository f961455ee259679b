// The SQLite schema of the trial store and its migrations, keyed by PRAGMA user_version.
//
// Version v means migrations 1..v have been applied. A new schema change is a new entry at the
// end of Migrations(); entries are never edited once released, so every older database file
// migrates by applying the entries after its version.
//
//   RETURN_IF_ERROR(MigrateToLatest(*db));  // at Open, before any other use
#ifndef HYPERD_STORAGE_SQLITE_SCHEMA_H_
#define HYPERD_STORAGE_SQLITE_SCHEMA_H_

#include <vector>

#include "absl/status/status.h"
#include "storage/sqlite/connection.h"

namespace hyperd::storage::sqlite {

struct Migration {
  int version;              // user_version after this migration; Migrations()[i].version == i + 1
  const char* description;  // for error messages
  const char* sql;          // one or more statements
};

// Every migration, in order.
const std::vector<Migration>& Migrations();

// The schema version this build writes (Migrations().back().version).
int LatestSchemaVersion();

// Brings `db` from its user_version v to LatestSchemaVersion() in one BEGIN IMMEDIATE
// transaction: either every pending migration applies or the file is left unchanged.
// FAILED_PRECONDITION if v is newer than this build knows (a newer hyperd wrote the file).
absl::Status MigrateToLatest(Connection& db);

}  // namespace hyperd::storage::sqlite

#endif  // HYPERD_STORAGE_SQLITE_SCHEMA_H_
