#include "storage/sqlite/mutation_writer.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/sqlite/step_columns.h"

namespace hyperd::storage::sqlite {
namespace {

constexpr char kUpsertStudy[] = R"sql(
INSERT INTO study(study_id, state, create_time_us, config, sampler_state)
VALUES(?1, ?2, ?3, ?4, ?5)
ON CONFLICT(study_id) DO UPDATE SET
  state = excluded.state, create_time_us = excluded.create_time_us,
  config = excluded.config, sampler_state = excluded.sampler_state)sql";

constexpr char kDeleteStudy[] = "DELETE FROM study WHERE study_id = ?1";

constexpr char kUpsertTrial[] = R"sql(
INSERT INTO trial(study_id, number, state, client_id, lease_expire_us, header)
VALUES(?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT(study_id, number) DO UPDATE SET
  state = excluded.state, client_id = excluded.client_id,
  lease_expire_us = excluded.lease_expire_us, header = excluded.header)sql";

constexpr char kInsertMeasurement[] =
    "INSERT INTO measurement(study_id, trial_number, step, body) VALUES(?1, ?2, ?3, ?4)";

constexpr char kInsertStep[] = R"sql(
INSERT INTO step_report(study_id, trial_number, step, lr_applied, loss, grad_norm_l2, grad_norm_l1,
                        hd_dot, special_values)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql";

constexpr char kUpdateSamplerState[] = "UPDATE study SET sampler_state = ?2 WHERE study_id = ?1";

int64_t Micros(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

absl::Status RequireStudyId(absl::string_view study_id, absl::string_view field) {
  if (!study_id.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " is empty: every stored row needs the id of its study"));
}

// A foreign-key failure means the parent row is missing; say which one and what writes it.
absl::Status ExplainMissingParent(absl::Status status, absl::string_view parent,
                                  absl::string_view fix) {
  if (status.code() != absl::StatusCode::kFailedPrecondition) return status;
  return absl::FailedPreconditionError(
      absl::StrCat(status.message(), " (", parent, " does not exist: ", fix, ")"));
}

absl::Status Apply(Connection& db, const PutStudy& put) {
  const StudyRecord& record = put.record;
  RETURN_IF_ERROR(RequireStudyId(record.study_id, "PutStudy.record.study_id"));
  const std::string context = absl::StrCat("writing study '", record.study_id, "'");
  hyperd::v1::Study stored = record.study;
  // OUTPUT_ONLY values derived from the trials and the sampler are recomputed after a restart.
  stored.clear_trial_counts();
  stored.clear_sampler_status();
  std::string config;
  if (!stored.SerializeToString(&config)) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": the study does not serialize"));
  }
  ASSIGN_OR_RETURN(Statement upsert, db.Prepare(kUpsertStudy));
  upsert.BindText(1, record.study_id);
  upsert.BindInt64(2, stored.state());
  upsert.BindInt64(3, Micros(stored.create_time()));
  upsert.BindBlob(4, config);
  upsert.BindBlob(5, record.sampler_state);
  return upsert.Run(context);
}

absl::Status Apply(Connection& db, const DeleteStudy& del) {
  RETURN_IF_ERROR(RequireStudyId(del.study_id, "DeleteStudy.study_id"));
  ASSIGN_OR_RETURN(Statement remove, db.Prepare(kDeleteStudy));
  remove.BindText(1, del.study_id);
  return remove.Run(absl::StrCat("deleting study '", del.study_id, "'"));
}

absl::Status Apply(Connection& db, const PutTrial& put) {
  const TrialRecord& record = put.record;
  RETURN_IF_ERROR(RequireStudyId(record.study_id, "PutTrial.record.study_id"));
  const hyperd::v1::Trial& trial = record.trial;
  const std::string context =
      absl::StrCat("writing trial ", trial.number(), " of study '", record.study_id, "'");
  hyperd::v1::Trial header = trial;
  header.clear_measurements();  // stored as rows of their own by PutMeasurement
  std::string blob;
  if (!header.SerializeToString(&blob)) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": the trial does not serialize"));
  }
  ASSIGN_OR_RETURN(Statement upsert, db.Prepare(kUpsertTrial));
  upsert.BindText(1, record.study_id);
  upsert.BindInt64(2, trial.number());
  upsert.BindInt64(3, trial.state());
  upsert.BindText(4, trial.client_id());
  if (trial.has_lease_expire_time()) {
    upsert.BindInt64(5, Micros(trial.lease_expire_time()));
  } else {
    upsert.BindNull(5);
  }
  upsert.BindBlob(6, blob);
  return ExplainMissingParent(upsert.Run(context), absl::StrCat("study '", record.study_id, "'"),
                              "write the study with PutStudy first");
}

absl::Status Apply(Connection& db, const PutMeasurement& put) {
  const MeasurementRecord& record = put.record;
  RETURN_IF_ERROR(RequireStudyId(record.study_id, "PutMeasurement.record.study_id"));
  const std::string context =
      absl::StrCat("writing the measurement at step ", record.measurement.step(), " of trial ",
                   record.trial_number, " of study '", record.study_id, "'");
  std::string body;
  if (!record.measurement.SerializeToString(&body)) {
    return absl::InvalidArgumentError(
        absl::StrCat(context, ": the measurement does not serialize"));
  }
  ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertMeasurement));
  insert.BindText(1, record.study_id);
  insert.BindInt64(2, record.trial_number);
  insert.BindInt64(3, record.measurement.step());
  insert.BindBlob(4, body);
  absl::Status status = insert.Run(context);
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(
        status.message(), " (a measurement for this step is already stored; the first one stays)"));
  }
  return ExplainMissingParent(
      std::move(status),
      absl::StrCat("trial ", record.trial_number, " of study '", record.study_id, "'"),
      "write the trial with PutTrial first");
}

absl::Status Apply(Connection& db, const PutSteps& put) {
  RETURN_IF_ERROR(RequireStudyId(put.study_id, "PutSteps.study_id"));
  if (put.steps.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertStep));
  // One statement reused for every row, inside the request's savepoint: a failing row undoes
  // the whole request.
  for (const hyperd::v1::StepReport& report : put.steps) {
    const StepColumns columns = EncodeStepColumns(report);
    insert.BindText(1, put.study_id);
    insert.BindInt64(2, put.trial_number);
    insert.BindInt64(3, report.step());
    for (int i = 0; i < kStepValueColumns; ++i) {
      if (columns.values[i].has_value()) {
        insert.BindDouble(4 + i, *columns.values[i]);
      } else {
        insert.BindNull(4 + i);
      }
    }
    insert.BindInt64(4 + kStepValueColumns, columns.special_values);
    absl::Status status = insert.Run("inserting into step_report");
    insert.Reset();
    if (status.ok()) continue;
    // The context is built only on failure: a request can carry thousands of steps.
    const std::string context =
        absl::StrCat("writing the report of step ", report.step(), " of trial ", put.trial_number,
                     " of study '", put.study_id, "': ", status.message());
    if (status.code() == absl::StatusCode::kAlreadyExists) {
      return absl::AlreadyExistsError(
          absl::StrCat(context,
                       " (this step is already stored for the trial, or PutSteps.steps lists it "
                       "twice; report each step once)"));
    }
    return ExplainMissingParent(
        absl::Status(status.code(), context),
        absl::StrCat("trial ", put.trial_number, " of study '", put.study_id, "'"),
        "write the trial with PutTrial first");
  }
  return absl::OkStatus();
}

absl::Status Apply(Connection& db, const PutSamplerState& put) {
  RETURN_IF_ERROR(RequireStudyId(put.study_id, "PutSamplerState.study_id"));
  const std::string context =
      absl::StrCat("writing the sampler state of study '", put.study_id, "'");
  ASSIGN_OR_RETURN(Statement update, db.Prepare(kUpdateSamplerState));
  update.BindText(1, put.study_id);
  update.BindBlob(2, put.sampler_state);
  RETURN_IF_ERROR(update.Run(context));
  if (db.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat(context, ": study '", put.study_id,
                                            "' does not exist (write it with PutStudy first)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMutation(Connection& db, const Mutation& mutation) {
  return std::visit([&db](const auto& m) { return Apply(db, m); }, mutation);
}

}  // namespace hyperd::storage::sqlite
