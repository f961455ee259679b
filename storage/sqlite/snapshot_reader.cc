#include "storage/sqlite/snapshot_reader.h"

#include <string>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/sqlite/step_columns.h"

namespace hyperd::storage::sqlite {
namespace {

constexpr char kSelectStudies[] =
    "SELECT study_id, config, sampler_state FROM study ORDER BY study_id";
constexpr char kSelectTrials[] = "SELECT study_id, header FROM trial ORDER BY study_id, number";
constexpr char kSelectMeasurements[] =
    "SELECT study_id, trial_number, body FROM measurement ORDER BY study_id, trial_number, step";
constexpr char kSelectSteps[] = R"sql(
SELECT study_id, trial_number, step, lr_applied, loss, grad_norm_l2, grad_norm_l1, hd_dot,
       special_values
FROM step_report ORDER BY study_id, trial_number, step)sql";

template <typename Message>
absl::Status ParseBlob(absl::string_view blob, Message& message, absl::string_view what) {
  if (message.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return absl::OkStatus();
  }
  return absl::DataLossError(absl::StrCat("reading ", what, ": the stored ",
                                          message.GetDescriptor()->full_name(),
                                          " does not parse; the database file is damaged"));
}

using StudyIndex = std::unordered_map<std::string, size_t>;

absl::Status ReadStudies(Connection& db, std::vector<StudySnapshot>& out, StudyIndex& index) {
  ASSIGN_OR_RETURN(Statement select, db.Prepare(kSelectStudies));
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, select.Step("reading studies"));
    if (!has_row) return absl::OkStatus();
    StudySnapshot snapshot;
    snapshot.study.study_id = std::string(select.ColumnText(0));
    RETURN_IF_ERROR(ParseBlob(select.ColumnBlob(1), snapshot.study.study,
                              absl::StrCat("study '", snapshot.study.study_id, "'")));
    snapshot.study.sampler_state = std::string(select.ColumnBlob(2));
    index.emplace(snapshot.study.study_id, out.size());
    out.push_back(std::move(snapshot));
  }
}

// The snapshot of `study_id`; the foreign keys guarantee it was read.
absl::StatusOr<StudySnapshot*> Owner(std::vector<StudySnapshot>& out, const StudyIndex& index,
                                     absl::string_view study_id, absl::string_view what) {
  auto it = index.find(std::string(study_id));
  if (it == index.end()) {
    return absl::DataLossError(absl::StrCat("reading ", what, ": its study '", study_id,
                                            "' is missing although foreign keys require it"));
  }
  return &out[it->second];
}

absl::Status ReadTrials(Connection& db, std::vector<StudySnapshot>& out, const StudyIndex& index) {
  ASSIGN_OR_RETURN(Statement select, db.Prepare(kSelectTrials));
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, select.Step("reading trials"));
    if (!has_row) return absl::OkStatus();
    TrialRecord record;
    record.study_id = std::string(select.ColumnText(0));
    const std::string what = absl::StrCat("a trial of study '", record.study_id, "'");
    RETURN_IF_ERROR(ParseBlob(select.ColumnBlob(1), record.trial, what));
    ASSIGN_OR_RETURN(StudySnapshot * owner, Owner(out, index, record.study_id, what));
    owner->trials.push_back(std::move(record));
  }
}

absl::Status ReadMeasurements(Connection& db, std::vector<StudySnapshot>& out,
                              const StudyIndex& index) {
  ASSIGN_OR_RETURN(Statement select, db.Prepare(kSelectMeasurements));
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, select.Step("reading measurements"));
    if (!has_row) return absl::OkStatus();
    MeasurementRecord record;
    record.study_id = std::string(select.ColumnText(0));
    record.trial_number = select.ColumnInt64(1);
    const std::string what = absl::StrCat("a measurement of trial ", record.trial_number,
                                          " of study '", record.study_id, "'");
    RETURN_IF_ERROR(ParseBlob(select.ColumnBlob(2), record.measurement, what));
    ASSIGN_OR_RETURN(StudySnapshot * owner, Owner(out, index, record.study_id, what));
    owner->measurements.push_back(std::move(record));
  }
}

absl::Status ReadSteps(Connection& db, std::vector<StudySnapshot>& out, const StudyIndex& index) {
  ASSIGN_OR_RETURN(Statement select, db.Prepare(kSelectSteps));
  // Rows come grouped by study: look the owner up once per study, not once per step.
  StudySnapshot* owner = nullptr;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, select.Step("reading step reports"));
    if (!has_row) return absl::OkStatus();
    const absl::string_view study_id = select.ColumnText(0);
    StepRecord record;
    record.trial_number = select.ColumnInt64(1);
    record.report.set_step(select.ColumnInt64(2));
    StepColumns columns;
    for (int i = 0; i < kStepValueColumns; ++i) {
      if (!select.ColumnIsNull(3 + i)) columns.values[i] = select.ColumnDouble(3 + i);
    }
    columns.special_values = select.ColumnInt64(3 + kStepValueColumns);
    if (owner == nullptr || owner->study.study_id != study_id) {
      ASSIGN_OR_RETURN(owner, Owner(out, index, study_id,
                                    absl::StrCat("the step reports of study '", study_id, "'")));
    }
    record.study_id = owner->study.study_id;
    if (absl::Status decoded = DecodeStepColumns(columns, record.report); !decoded.ok()) {
      return absl::Status(
          decoded.code(),
          absl::StrCat("reading the report of step ", record.report.step(), " of trial ",
                       record.trial_number, " of study '", study_id, "': ", decoded.message()));
    }
    owner->steps.push_back(std::move(record));
  }
}

}  // namespace

absl::StatusOr<std::vector<StudySnapshot>> ReadAllStudies(Connection& db) {
  // One read transaction: the four queries see the same committed state. It ends before we
  // return so it never holds back a WAL checkpoint.
  RETURN_IF_ERROR(db.Run("BEGIN", "starting the read transaction"));
  std::vector<StudySnapshot> studies;
  StudyIndex index;
  absl::Status status = ReadStudies(db, studies, index);
  if (status.ok()) status = ReadTrials(db, studies, index);
  if (status.ok()) status = ReadMeasurements(db, studies, index);
  if (status.ok()) status = ReadSteps(db, studies, index);
  absl::Status end = db.Run(status.ok() ? "COMMIT" : "ROLLBACK", "ending the read transaction");
  if (!status.ok()) return status;
  if (!end.ok()) return end;
  return studies;
}

}  // namespace hyperd::storage::sqlite
