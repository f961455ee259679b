// How a StepReport's real values are kept in the REAL columns of the step_report table (schema.h).
//
// SQLite stores a NaN as NULL and a -0.0 in a REAL column as 0.0, so each row also carries
// `special_values`: bit i set means value i is NaN (its column is NULL), bit 8 + i set means it
// is -0.0 (its column is 0.0). An absent optional is NULL with neither bit. Values, in column
// order: lr_applied, loss, grad_norm_l2, grad_norm_l1, hd_dot. +-Inf are stored as they are.
//
//   StepColumns columns = EncodeStepColumns(report);
//   // bind columns.values[i] (NULL for nullopt) and columns.special_values
//   RETURN_IF_ERROR(DecodeStepColumns(columns, report));
#ifndef HYPERD_STORAGE_SQLITE_STEP_COLUMNS_H_
#define HYPERD_STORAGE_SQLITE_STEP_COLUMNS_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::storage::sqlite {

inline constexpr int kStepValueColumns = 5;

struct StepColumns {
  // As bound to / read from the REAL columns; nullopt is SQL NULL.
  std::array<std::optional<double>, kStepValueColumns> values;
  int64_t special_values = 0;
};

StepColumns EncodeStepColumns(const hyperd::v1::StepReport& report);

// Sets lr_applied and the optional values of `report` (not its step) from `columns`. NaN comes
// back as a quiet NaN. DATA_LOSS, naming the column, if the columns are inconsistent (lr_applied
// NULL but not NaN, a flag on a value that is not NULL or 0.0, both flags, unknown bits): the row
// was not written by this store. `report` is unchanged on error.
absl::Status DecodeStepColumns(const StepColumns& columns, hyperd::v1::StepReport& report);

}  // namespace hyperd::storage::sqlite

#endif  // HYPERD_STORAGE_SQLITE_STEP_COLUMNS_H_
