// Applies one TrialStore mutation to the trial store schema (schema.h) inside the caller's
// transaction. Used by the store's writer thread only.
//
//   RETURN_IF_ERROR(ApplyMutation(db, PutTrial{record}));
#ifndef HYPERD_STORAGE_SQLITE_MUTATION_WRITER_H_
#define HYPERD_STORAGE_SQLITE_MUTATION_WRITER_H_

#include "absl/status/status.h"
#include "storage/sqlite/connection.h"
#include "storage/trial_store.h"

namespace hyperd::storage::sqlite {

// Errors (each message says what was being written):
//   INVALID_ARGUMENT     an empty study_id
//   NOT_FOUND            PutSamplerState for a study that does not exist
//   FAILED_PRECONDITION  PutTrial without its study, PutMeasurement or PutSteps without its trial
//   ALREADY_EXISTS       PutMeasurement for a (study, trial, step) already stored; PutSteps with
//                        a step already stored or listed twice (rows it inserted before the
//                        failing one are undone only by the caller's savepoint)
//   others               as mapped by sqlite_status.h
// DeleteStudy of a study that does not exist succeeds and changes nothing.
absl::Status ApplyMutation(Connection& db, const Mutation& mutation);

}  // namespace hyperd::storage::sqlite

#endif  // HYPERD_STORAGE_SQLITE_MUTATION_WRITER_H_
