// Resource names, page tokens and limits: the request checks outside the search space.
#include "server/request_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hyperd::server {
namespace {

using ::testing::HasSubstr;

TEST(ResourceNames, ParseStudyAndTrialNames) {
  EXPECT_EQ(*ParseStudyName("name", "studies/mnist-1"), "mnist-1");
  const TrialKey key = *ParseTrialName("name", "studies/mnist/trials/12");
  EXPECT_EQ(key.study_id, "mnist");
  EXPECT_EQ(key.number, 12);
  EXPECT_EQ(TrialName("mnist", 12), "studies/mnist/trials/12");
}

TEST(ResourceNames, MalformedNamesAreInvalidAndNameTheField) {
  for (const char* bad : {"", "mnist", "studies/", "studies/a/b", "studies/UPPER"}) {
    absl::Status status = ParseStudyName("parent", bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(status.message(), HasSubstr("parent")) << bad;
  }
  for (const char* bad : {"studies/a/trials/-1", "studies/a/trials/x", "studies/a/trial/1",
                          "studies/a/trials/99999999999999999999"}) {
    EXPECT_EQ(ParseTrialName("name", bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(PageTokens, RoundTripAndAreBoundToTheFilter) {
  const std::string token = EncodePageToken("study-9", 42);
  EXPECT_EQ(*DecodePageToken("page_token", token, 42), "study-9");
  absl::Status other_filter = DecodePageToken("page_token", token, 43).status();
  EXPECT_EQ(other_filter.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other_filter.message(), HasSubstr("other filters"));
  EXPECT_EQ(DecodePageToken("page_token", "%%%", 42).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageSize, DefaultsCapsAndRefusesNegative) {
  EXPECT_EQ(*ResolvePageSize("page_size", 0), kDefaultPageSize);
  EXPECT_EQ(*ResolvePageSize("page_size", 5), 5);
  EXPECT_EQ(*ResolvePageSize("page_size", 1 << 30), kMaxPageSize);
  EXPECT_EQ(ResolvePageSize("page_size", -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Measurements, NonFiniteValuesAreLegitimateButTheObjectiveIsRequired) {
  hyperd::v1::Measurement m;
  m.set_step(3);
  (*m.mutable_metrics())["loss"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(ValidateMeasurement("measurement", m, "loss").ok());
  absl::Status missing = ValidateMeasurement("measurement", m, "accuracy");
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr("accuracy"));
  m.set_step(-1);
  EXPECT_THAT(ValidateMeasurement("measurement", m, "loss").message(),
              HasSubstr("measurement.step"));
}

TEST(SpecDifferences, SeedlessRequestsMatchAndOtherChangesAreDescribed) {
  hyperd::v1::StudySpec stored;
  stored.set_seed(11);
  stored.mutable_objective()->set_metric("loss");
  hyperd::v1::StudySpec requested = stored;
  requested.set_seed(0);
  EXPECT_EQ(DescribeSpecDifferences(stored, requested), "");
  requested.mutable_objective()->set_metric("acc");
  EXPECT_THAT(DescribeSpecDifferences(stored, requested), HasSubstr("objective.metric"));
}

}  // namespace
}  // namespace hyperd::server
