// Reads every study, trial, measurement and step report of the trial store schema (schema.h) into
// StudySnapshots, in one read transaction so the result is a consistent point in time.
//
//   ASSIGN_OR_RETURN(std::vector<StudySnapshot> studies, ReadAllStudies(*reader));
#ifndef HYPERD_STORAGE_SQLITE_SNAPSHOT_READER_H_
#define HYPERD_STORAGE_SQLITE_SNAPSHOT_READER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "storage/sqlite/connection.h"
#include "storage/trial_store.h"

namespace hyperd::storage::sqlite {

// Studies by study_id, their trials by number, measurements and step reports by trial number then
// step. DATA_LOSS if a stored blob does not parse or a step report's values are inconsistent. `db`
// must not be inside a transaction.
absl::StatusOr<std::vector<StudySnapshot>> ReadAllStudies(Connection& db);

}  // namespace hyperd::storage::sqlite

#endif  // HYPERD_STORAGE_SQLITE_SNAPSHOT_READER_H_
