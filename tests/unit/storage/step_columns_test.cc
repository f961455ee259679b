#include "storage/sqlite/step_columns.h"

#include <cmath>
#include <limits>
#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::storage::sqlite {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using v1::StepReport;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(StepColumns, AbsentOptionalsAreNullWithoutFlags) {
  StepReport report;
  report.set_step(7);
  report.set_lr_applied(0.5);
  report.set_hd_dot(-2.0);
  StepColumns columns = EncodeStepColumns(report);
  EXPECT_THAT(columns.values,
              ElementsAre(Optional(0.5), std::nullopt, std::nullopt, std::nullopt, Optional(-2.0)));
  EXPECT_EQ(columns.special_values, 0);
}

TEST(StepColumns, NanIsNullWithItsBitAndNegativeZeroIsZeroWithItsBit) {
  StepReport report;
  report.set_lr_applied(-0.0);
  report.set_loss(kNan);
  report.set_grad_norm_l2(kInf);
  report.set_grad_norm_l1(0.0);
  report.set_hd_dot(-kNan);
  StepColumns columns = EncodeStepColumns(report);
  EXPECT_THAT(columns.values, ElementsAre(Optional(0.0), std::nullopt, Optional(kInf),
                                          Optional(0.0), std::nullopt));
  // NaN: bit i; -0.0: bit 8 + i (lr_applied is value 0, loss 1, hd_dot 4).
  EXPECT_EQ(columns.special_values, (1 << 1) | (1 << 4) | (1 << 8));
}

TEST(StepColumns, DecodeRestoresWhatEncodeFlattened) {
  StepReport report;
  report.set_lr_applied(-0.0);
  report.set_loss(kNan);
  report.set_grad_norm_l1(-kInf);
  StepReport decoded;
  ASSERT_TRUE(DecodeStepColumns(EncodeStepColumns(report), decoded).ok());
  EXPECT_EQ(decoded.lr_applied(), 0.0);
  EXPECT_TRUE(std::signbit(decoded.lr_applied()));
  ASSERT_TRUE(decoded.has_loss());
  EXPECT_TRUE(std::isnan(decoded.loss()));
  EXPECT_FALSE(decoded.has_grad_norm_l2());
  ASSERT_TRUE(decoded.has_grad_norm_l1());
  EXPECT_EQ(decoded.grad_norm_l1(), -kInf);
  EXPECT_FALSE(decoded.has_hd_dot());
}

TEST(StepColumns, DecodeRejectsColumnsTheEncoderNeverWrites) {
  auto decode = [](StepColumns columns) {
    StepReport report;
    return DecodeStepColumns(columns, report);
  };
  StepColumns null_lr;  // lr_applied NULL without its NaN flag
  absl::Status status = decode(null_lr);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_THAT(status.message(), HasSubstr("column lr_applied is NULL"));

  StepColumns nan_with_value;
  nan_with_value.values[0] = 1.0;
  nan_with_value.values[2] = 3.0;
  nan_with_value.special_values = 1 << 2;
  status = decode(nan_with_value);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_THAT(status.message(), HasSubstr("column grad_norm_l2 is flagged NaN but not NULL"));

  StepColumns negative_zero_not_zero;
  negative_zero_not_zero.values[0] = 1.0;
  negative_zero_not_zero.special_values = 1 << 8;
  EXPECT_EQ(decode(negative_zero_not_zero).code(), absl::StatusCode::kDataLoss);

  StepColumns both_flags;
  both_flags.special_values = 1 | (1 << 8);
  EXPECT_THAT(decode(both_flags).message(), HasSubstr("both NaN and -0.0"));

  StepColumns unknown_bit;
  unknown_bit.values[0] = 1.0;
  unknown_bit.special_values = 1 << 5;
  EXPECT_THAT(decode(unknown_bit).message(), HasSubstr("unknown bits"));
}

}  // namespace
}  // namespace hyperd::storage::sqlite
