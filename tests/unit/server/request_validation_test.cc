// Resource names, page tokens and limits: the request checks outside the search space.
#include "server/request_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"

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

// A one-parameter study (a categorical "c" with values "a" and "b"); objective "loss".
hyperd::v1::Study SmallStudy() {
  hyperd::v1::Study study;
  hyperd::v1::ParameterSpec& p = *study.mutable_spec()->mutable_search_space()->add_parameters();
  p.set_name("c");
  p.mutable_categorical_spec()->add_values("a");
  p.mutable_categorical_spec()->add_values("b");
  study.mutable_spec()->mutable_objective()->set_metric("loss");
  return study;
}

void ExpectInvalid(const absl::Status& status, const std::string& field, const std::string& what) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr(field + ": ")) << status;
  EXPECT_THAT(status.message(), HasSubstr(what)) << status;
}

TEST(CheckLength, AcceptsTheLimitAndNamesFieldLimitAndSizeAbove) {
  EXPECT_TRUE(CheckLength("reason", std::string(10, 'r'), 10).ok());
  ExpectInvalid(CheckLength("reason", std::string(11, 'r'), 10), "reason",
                "is 11 characters long; at most 10");
}

TEST(StudySizes, ParameterCountAtTheLimitIsValidOneMoreIsNot) {
  hyperd::v1::Study study = SmallStudy();
  auto& parameters = *study.mutable_spec()->mutable_search_space()->mutable_parameters();
  while (parameters.size() < kMaxParameters) *parameters.Add() = parameters[0];
  EXPECT_TRUE(ValidateStudySizes(study).ok());
  *parameters.Add() = parameters[0];
  ExpectInvalid(ValidateStudySizes(study), "study.spec.search_space.parameters",
                "has 1001 parameters; at most 1000");
}

TEST(StudySizes, CategoricalValuesAreBoundedInCountAndLength) {
  hyperd::v1::Study study = SmallStudy();
  hyperd::v1::CategoricalSpec& values = *study.mutable_spec()
                                             ->mutable_search_space()
                                             ->mutable_parameters(0)
                                             ->mutable_categorical_spec();
  while (values.values_size() < kMaxCategoricalValues) values.add_values("v");
  EXPECT_TRUE(ValidateStudySizes(study).ok());
  values.add_values("v");
  ExpectInvalid(ValidateStudySizes(study),
                "study.spec.search_space.parameters[0].categorical_spec.values",
                "has 10001 values");

  study = SmallStudy();
  hyperd::v1::ParameterSpec& p =
      *study.mutable_spec()->mutable_search_space()->mutable_parameters(0);
  p.mutable_categorical_spec()->set_values(1, std::string(kMaxCategoricalValueLength, 'x'));
  EXPECT_TRUE(ValidateStudySizes(study).ok());
  p.mutable_categorical_spec()->set_values(1, std::string(kMaxCategoricalValueLength + 1, 'x'));
  ExpectInvalid(ValidateStudySizes(study),
                "study.spec.search_space.parameters[0].categorical_spec.values[1]",
                "is 257 characters long");

  study = SmallStudy();
  hyperd::v1::Condition& condition =
      *study.mutable_spec()->mutable_search_space()->mutable_parameters(0)->mutable_condition();
  for (int i = 0; i <= kMaxCategoricalValues; ++i) condition.add_integer_values(i);
  ExpectInvalid(ValidateStudySizes(study),
                "study.spec.search_space.parameters[0].condition.integer_values", "has 10001");
}

TEST(StudySizes, DescriptionMetricAndUnitLengthsAreBounded) {
  hyperd::v1::Study study = SmallStudy();
  study.set_description(std::string(kMaxDescriptionLength, 'd'));
  study.mutable_spec()->mutable_objective()->set_metric(std::string(kMaxMetricNameLength, 'm'));
  study.mutable_spec()->mutable_resource()->set_unit(std::string(kMaxResourceUnitLength, 'u'));
  EXPECT_TRUE(ValidateStudySizes(study).ok());

  hyperd::v1::Study longer = study;
  longer.mutable_description()->push_back('d');
  ExpectInvalid(ValidateStudySizes(longer), "study.description", "at most 16384");
  longer = study;
  longer.mutable_spec()->mutable_objective()->mutable_metric()->push_back('m');
  ExpectInvalid(ValidateStudySizes(longer), "study.spec.objective.metric", "at most 128");
  longer = study;
  longer.mutable_spec()->mutable_resource()->mutable_unit()->push_back('u');
  ExpectInvalid(ValidateStudySizes(longer), "study.spec.resource.unit", "at most 128");
}

TEST(StudySizes, ScheduleTablesAreBoundedBecauseEveryTrialCopiesThem) {
  hyperd::v1::Study study = SmallStudy();
  hyperd::v1::Schedule& schedule = *study.mutable_spec()->mutable_schedule()->mutable_schedule();
  for (int i = 0; i < kMaxSchedulePoints; ++i) schedule.mutable_tabulated()->add_shape(1);
  EXPECT_TRUE(ValidateStudySizes(study).ok());
  schedule.mutable_tabulated()->add_shape(1);
  ExpectInvalid(ValidateStudySizes(study), "study.spec.schedule.schedule.tabulated.shape",
                "has 10002 points");
  schedule.clear_tabulated();
  for (int i = 0; i <= kMaxSchedulePoints; ++i) {
    schedule.mutable_piecewise_constant()->add_milestones(i);
  }
  ExpectInvalid(ValidateStudySizes(study),
                "study.spec.schedule.schedule.piecewise_constant.milestones", "has 10002");
}

TEST(StudySizes, NormalizeNewStudyChecksSizesBeforeAnythingElse) {
  hyperd::v1::Study study = SmallStudy();
  auto& parameters = *study.mutable_spec()->mutable_search_space()->mutable_parameters();
  while (parameters.size() <= kMaxParameters) *parameters.Add() = parameters[0];
  // Duplicate names would be the search-space error; the count is reported first.
  ExpectInvalid(NormalizeNewStudy("s", study, 1).status(), "study.spec.search_space.parameters",
                "at most 1000");
}

TEST(UserAttributes, CountKeyAndValueLengthsAreBounded) {
  google::protobuf::Map<std::string, std::string> attributes;
  for (int i = 0; i < kMaxUserAttributes; ++i) attributes[absl::StrCat("k", i)] = "v";
  attributes["k0"] = std::string(kMaxUserAttributeValueLength, 'v');
  attributes[std::string(kMaxUserAttributeKeyLength, 'k')] = "v";
  attributes.erase("k1");
  EXPECT_TRUE(ValidateUserAttributes("study.user_attributes", attributes).ok());

  google::protobuf::Map<std::string, std::string> more = attributes;
  more["k1"] = "v";
  ExpectInvalid(ValidateUserAttributes("study.user_attributes", more), "study.user_attributes",
                "has 101 entries; at most 100");
  more = attributes;
  more["k0"].push_back('v');
  ExpectInvalid(ValidateUserAttributes("study.user_attributes", more),
                "study.user_attributes[\"k0\"]", "is 4097 characters long");
  more = attributes;
  more.erase("k2");
  more[std::string(kMaxUserAttributeKeyLength + 1, 'k')] = "v";
  ExpectInvalid(ValidateUserAttributes("study.user_attributes", more), "study.user_attributes",
                "is 257 characters long; keys are 1-256");
  more = attributes;
  more.erase("k2");
  more[""] = "v";
  ExpectInvalid(ValidateUserAttributes("study.user_attributes", more), "study.user_attributes",
                "is 0 characters long");
}

TEST(TrialSizes, ParametersAndCategoricalValuesAreBounded) {
  hyperd::v1::Trial trial;
  for (int i = 0; i < kMaxParameters; ++i) trial.add_parameters()->set_name(absl::StrCat("p", i));
  trial.mutable_parameters(0)->set_categorical_value(std::string(kMaxCategoricalValueLength, 'v'));
  EXPECT_TRUE(ValidateTrialSizes("trial", trial).ok());
  trial.mutable_parameters(0)->mutable_categorical_value()->push_back('v');
  ExpectInvalid(ValidateTrialSizes("trial", trial), "trial.parameters[0].categorical_value",
                "is 257 characters long");
  trial.mutable_parameters(0)->set_categorical_value("v");
  trial.add_parameters()->set_name("one-more");
  ExpectInvalid(ValidateTrialSizes("trial", trial), "trial.parameters", "has 1001 parameters");
}

TEST(Measurements, MetricCountAndNameLengthAreBounded) {
  hyperd::v1::Measurement m;
  (*m.mutable_metrics())["loss"] = 1;
  for (int i = 1; i < kMaxMetricsPerMeasurement; ++i) (*m.mutable_metrics())[absl::StrCat(i)] = i;
  EXPECT_TRUE(ValidateMeasurement("measurement", m, "loss").ok());
  (*m.mutable_metrics())["extra"] = 0;
  ExpectInvalid(ValidateMeasurement("measurement", m, "loss"), "measurement.metrics",
                "has 1001 metrics; at most 1000");
  m.mutable_metrics()->clear();
  (*m.mutable_metrics())["loss"] = 1;
  (*m.mutable_metrics())[std::string(kMaxMetricNameLength, 'n')] = 1;
  EXPECT_TRUE(ValidateMeasurement("measurement", m, "loss").ok());
  (*m.mutable_metrics())[std::string(kMaxMetricNameLength + 1, 'n')] = 1;
  ExpectInvalid(ValidateMeasurement("measurement", m, "loss"), "measurement.metrics",
                "1-128 characters, got one of 129");
}

}  // namespace
}  // namespace hyperd::server
