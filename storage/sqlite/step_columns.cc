#include "storage/sqlite/step_columns.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hyperd::storage::sqlite {
namespace {

constexpr const char* kColumnNames[kStepValueColumns] = {"lr_applied", "loss", "grad_norm_l2",
                                                         "grad_norm_l1", "hd_dot"};
constexpr int kNegativeZeroShift = 8;

constexpr int64_t NanBit(int column) { return int64_t{1} << column; }
constexpr int64_t NegativeZeroBit(int column) {
  return int64_t{1} << (kNegativeZeroShift + column);
}

constexpr int64_t KnownBits() {
  int64_t bits = 0;
  for (int column = 0; column < kStepValueColumns; ++column) {
    bits |= NanBit(column) | NegativeZeroBit(column);
  }
  return bits;
}

std::array<std::optional<double>, kStepValueColumns> Values(const hyperd::v1::StepReport& report) {
  auto optional_value = [](bool present, double value) {
    return present ? std::optional<double>(value) : std::nullopt;
  };
  return {report.lr_applied(), optional_value(report.has_loss(), report.loss()),
          optional_value(report.has_grad_norm_l2(), report.grad_norm_l2()),
          optional_value(report.has_grad_norm_l1(), report.grad_norm_l1()),
          optional_value(report.has_hd_dot(), report.hd_dot())};
}

void SetValues(const std::array<std::optional<double>, kStepValueColumns>& values,
               hyperd::v1::StepReport& report) {
  report.set_lr_applied(*values[0]);  // never nullopt: DecodeStepColumns checked
  if (values[1].has_value()) report.set_loss(*values[1]);
  if (values[2].has_value()) report.set_grad_norm_l2(*values[2]);
  if (values[3].has_value()) report.set_grad_norm_l1(*values[3]);
  if (values[4].has_value()) report.set_hd_dot(*values[4]);
}

absl::Status Inconsistent(int column, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat("column ", kColumnNames[column], " ", problem,
                                          "; the row was not written by hyperd and the database "
                                          "file is damaged"));
}

}  // namespace

StepColumns EncodeStepColumns(const hyperd::v1::StepReport& report) {
  StepColumns columns;
  columns.values = Values(report);
  for (int column = 0; column < kStepValueColumns; ++column) {
    std::optional<double>& value = columns.values[column];
    if (!value.has_value()) continue;
    if (std::isnan(*value)) {
      columns.special_values |= NanBit(column);
      value.reset();
    } else if (*value == 0.0 && std::signbit(*value)) {
      columns.special_values |= NegativeZeroBit(column);
    }
  }
  return columns;
}

absl::Status DecodeStepColumns(const StepColumns& columns, hyperd::v1::StepReport& report) {
  if ((columns.special_values & ~KnownBits()) != 0) {
    return absl::DataLossError(absl::StrCat("special_values ", columns.special_values,
                                            " has unknown bits set; the database file is damaged"));
  }
  std::array<std::optional<double>, kStepValueColumns> values = columns.values;
  for (int column = 0; column < kStepValueColumns; ++column) {
    const bool nan = (columns.special_values & NanBit(column)) != 0;
    const bool negative_zero = (columns.special_values & NegativeZeroBit(column)) != 0;
    std::optional<double>& value = values[column];
    if (nan && negative_zero) return Inconsistent(column, "is flagged both NaN and -0.0");
    if (nan) {
      if (value.has_value()) return Inconsistent(column, "is flagged NaN but not NULL");
      value = std::numeric_limits<double>::quiet_NaN();
    } else if (negative_zero) {
      if (value != 0.0) return Inconsistent(column, "is flagged -0.0 but not 0");
      value = -0.0;
    } else if (column == 0 && !value.has_value()) {
      return Inconsistent(column, "is NULL but every step has an LR");
    }
  }
  SetValues(values, report);
  return absl::OkStatus();
}

}  // namespace hyperd::storage::sqlite
