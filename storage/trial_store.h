// TrialStore: where studies, trials, measurements, step reports and sampler state are kept
// durably.
//
// The study runtime (server/) holds the live state in memory and is the only writer; the store
// makes each write durable and gives everything back at start-up. No SQL or storage detail leaks
// past this interface, so a PostgreSQL store can replace SQLite later.
//
//   auto store = SqliteTrialStore::Open({.path = "hyperd-data/hyperd.db"});
//   WriteBatch batch;
//   batch.push_back(PutTrial{trial});
//   (*store)->Commit(std::move(batch), [](absl::Status s) { /* durable now */ });
#ifndef HYPERD_STORAGE_TRIAL_STORE_H_
#define HYPERD_STORAGE_TRIAL_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::storage {

// A study row. `study` holds the name, spec, limits, description, user attributes, state,
// state_reason and create_time (the OUTPUT_ONLY counters are not stored).
struct StudyRecord {
  std::string study_id;
  hyperd::v1::Study study;
  // Opaque state of the study's sampler (algorithms::SamplerOutput::state).
  std::string sampler_state;
};

// A trial row without its measurements: every field of hyperd::v1::Trial except `measurements`.
struct TrialRecord {
  std::string study_id;
  hyperd::v1::Trial trial;
};

struct MeasurementRecord {
  std::string study_id;
  int64_t trial_number = 0;
  hyperd::v1::Measurement measurement;
};

// What a job saw at one optimizer update of a trial (ReportSteps). Every value comes back as it
// was stored, including absent optionals, +-Inf, -0.0 and NaN (as a quiet NaN: the payload and
// sign of a NaN are not kept).
struct StepRecord {
  std::string study_id;
  int64_t trial_number = 0;
  hyperd::v1::StepReport report;
};

// Mutations. Each replaces the whole row it names (insert or update).
struct PutStudy {
  StudyRecord record;
};
// Deletes the study with all its trials, measurements and step reports.
struct DeleteStudy {
  std::string study_id;
};
struct PutTrial {
  TrialRecord record;
};
// Measurements are append-only; (study, trial, step) is unique. Inserting an existing step is an
// ALREADY_EXISTS error for the batch's request (the runtime never does it: duplicates are answered
// from memory).
struct PutMeasurement {
  MeasurementRecord record;
};
// Step reports of one trial, appended in one request (any order, any count: 50 to 1000 is
// typical, 10,000 fine). Append-only; (study, trial, step) is unique. A step already stored, or
// repeated within `steps`, is an ALREADY_EXISTS error for the batch's request, which then writes
// none of them (the runtime never does it: duplicates are skipped in memory). The trial must
// exist (FAILED_PRECONDITION otherwise). An empty `steps` writes nothing.
struct PutSteps {
  std::string study_id;
  int64_t trial_number = 0;
  std::vector<hyperd::v1::StepReport> steps;
};
struct PutSamplerState {
  std::string study_id;
  std::string sampler_state;
};

using Mutation =
    std::variant<PutStudy, DeleteStudy, PutTrial, PutMeasurement, PutSteps, PutSamplerState>;

// The mutations of one request, applied atomically: all or none.
using WriteBatch = std::vector<Mutation>;

// A study and everything under it, as stored.
struct StudySnapshot {
  StudyRecord study;
  std::vector<TrialRecord> trials;              // by increasing number
  std::vector<MeasurementRecord> measurements;  // by trial number, then step
  std::vector<StepRecord> steps;                // by trial number, then step
};

// Thread-safe.
class TrialStore {
 public:
  using CommitCallback = std::function<void(absl::Status)>;

  virtual ~TrialStore() = default;

  // Applies `batch` atomically and calls `done` once it is durable (per the store's durability
  // setting) or has failed; the batch then changed nothing. `done` runs on a store thread and
  // must be quick (finish an RPC, signal a waiter). Batches commit, and their callbacks run, in
  // the order they were submitted. An empty batch is a barrier: its `done` runs once everything
  // submitted before it has committed.
  virtual void Commit(WriteBatch batch, CommitCallback done) = 0;

  // Commit and wait.
  absl::Status CommitAndWait(WriteBatch batch);

  // Everything stored, for start-up.
  virtual absl::StatusOr<std::vector<StudySnapshot>> LoadAll() = 0;

  // Blocks until every batch submitted so far has been committed (or failed).
  virtual void Flush() = 0;
};

}  // namespace hyperd::storage

#endif  // HYPERD_STORAGE_TRIAL_STORE_H_
