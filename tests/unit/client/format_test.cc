#include "client/cli/format.h"

#include <cstdlib>
#include <limits>

#include "gtest/gtest.h"
#include "tests/unit/client/test_messages.h"

namespace hyperd::cli {
namespace {

using ::hyperd::testing::ParseText;

TEST(FormatDouble, ExactPrecisionReadsBackAsTheSameDouble) {
  for (double value : {0.1, 1.0 / 3.0, 1e-300, 123456789.125, -2.5e17}) {
    const std::string text = FormatDouble(value, Precision::kExact);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
  }
  EXPECT_EQ(FormatDouble(0.1, Precision::kExact), "0.1");
}

TEST(FormatDouble, DisplayPrecisionKeepsSixSignificantDigits) {
  EXPECT_EQ(FormatDouble(1.0 / 3.0, Precision::kDisplay), "0.333333");
  EXPECT_EQ(FormatDouble(1e-5, Precision::kDisplay), "1e-05");
}

TEST(FormatDouble, NonFiniteValuesHaveFixedNames) {
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::quiet_NaN(), Precision::kExact), "nan");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity(), Precision::kDisplay), "inf");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity(), Precision::kExact), "-inf");
}

TEST(FormatTimestamp, IsEmptyWhenUnsetAndRfc3339UtcOtherwise) {
  EXPECT_EQ(FormatTimestamp({}, Precision::kExact), "");
  const auto t = ParseText<google::protobuf::Timestamp>("seconds: 1772366400 nanos: 250000000");
  EXPECT_EQ(FormatTimestamp(t, Precision::kDisplay), "2026-03-01T12:00:00Z");
  EXPECT_EQ(FormatTimestamp(t, Precision::kExact), "2026-03-01T12:00:00.25Z");
}

TEST(FormatParameterValue, WritesWhicheverValueIsSet) {
  EXPECT_EQ(FormatParameterValue(ParseText<v1::Parameter>("double_value: 0.5"), Precision::kExact),
            "0.5");
  EXPECT_EQ(FormatParameterValue(ParseText<v1::Parameter>("int_value: -3"), Precision::kExact),
            "-3");
  EXPECT_EQ(
      FormatParameterValue(ParseText<v1::Parameter>("categorical_value: 'sgd'"), Precision::kExact),
      "sgd");
  EXPECT_EQ(FormatParameterValue(v1::Parameter(), Precision::kExact), "");
}

TEST(OneofFieldName, NamesTheSetAlgorithmOrFallsBack) {
  EXPECT_EQ(OneofFieldName(ParseText<v1::SamplerSpec>("grid {}"), "algorithm", "random"), "grid");
  EXPECT_EQ(OneofFieldName(v1::SamplerSpec(), "algorithm", "random"), "random");
  EXPECT_EQ(OneofFieldName(v1::SamplerSpec(), "no_such_oneof", "x"), "x");
}

}  // namespace
}  // namespace hyperd::cli
