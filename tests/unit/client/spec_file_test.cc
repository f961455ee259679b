#include "client/cli/spec_file.h"

#include "client/cli/args.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::cli {
namespace {

using ::testing::HasSubstr;

constexpr char kSpec[] = R"json({
  "study_id": "mnist-lr",
  "description": "lr sweep",
  "spec": {
    "searchSpace": {"parameters": [
      {"name": "lr", "doubleSpec": {"min": 1e-5, "max": 0.1, "scale": "LOG"}},
      {"name": "optimizer", "categoricalSpec": {"values": ["adam", "sgd"]}}]},
    "objective": {"metric": "loss", "goal": "MINIMIZE"},
    "sampler": {"random": {}},
    "seed": "18446744073709551615"
  },
  "limits": {"maxTrials": 50}
})json";

TEST(ParseStudySpec, ReadsAStudyWithATopLevelStudyId) {
  absl::StatusOr<v1::CreateStudyRequest> request = ParseStudySpec(kSpec, "spec.json", "");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->study_id(), "mnist-lr");
  EXPECT_EQ(request->study().description(), "lr sweep");
  ASSERT_EQ(request->study().spec().search_space().parameters_size(), 2);
  EXPECT_EQ(request->study().spec().search_space().parameters(0).double_spec().scale(), v1::LOG);
  EXPECT_DOUBLE_EQ(request->study().spec().search_space().parameters(0).double_spec().min(), 1e-5);
  EXPECT_TRUE(request->study().spec().sampler().has_random());
  EXPECT_EQ(request->study().spec().seed(), 18446744073709551615ull);
  EXPECT_EQ(request->study().limits().max_trials(), 50);
  EXPECT_TRUE(request->study().name().empty());
}

TEST(ParseStudySpec, IdFlagOverridesTheFile) {
  absl::StatusOr<v1::CreateStudyRequest> request = ParseStudySpec(kSpec, "spec.json", "copy");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->study_id(), "copy");
}

TEST(ParseStudySpec, TakesTheIdFromTheNameOfAShownStudy) {
  absl::StatusOr<v1::CreateStudyRequest> request = ParseStudySpec(
      R"({"name": "studies/shown", "state": "ACTIVE", "trialCounts": {"succeeded": 3}})", "f", "");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->study_id(), "shown");
  EXPECT_TRUE(request->study().name().empty());
}

TEST(ParseStudySpec, RejectsAStudyIdThatDisagreesWithTheName) {
  absl::Status status =
      ParseStudySpec(R"({"study_id": "a", "name": "studies/b"})", "f.json", "").status();
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(status.message(), HasSubstr("\"study_id\" is \"a\" but \"name\" is \"studies/b\""));
}

TEST(ParseStudySpec, WithoutAnyIdSaysHowToGiveOne) {
  absl::Status status = ParseStudySpec(R"({"description": "x"})", "f.json", "").status();
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(status.message(), HasSubstr("pass --id ID"));
}

TEST(ParseStudySpec, RejectsUnknownFieldsNamingThem) {
  absl::Status status =
      ParseStudySpec(R"({"study_id": "a", "spec": {"sampeler": {}}})", "f.json", "").status();
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(status.message(), HasSubstr("f.json is not a hyperd.v1.Study"));
  EXPECT_THAT(status.message(), HasSubstr("sampeler"));
}

TEST(ParseStudySpec, RejectsTextThatIsNotJson) {
  absl::Status status = ParseStudySpec("study: x", "f.yaml", "").status();
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(status.message(), HasSubstr("f.yaml is not a JSON object"));
}

TEST(ParseStudySpec, RejectsANonStringStudyId) {
  absl::Status status = ParseStudySpec(R"({"study_id": 3})", "f.json", "").status();
  EXPECT_THAT(status.message(), HasSubstr("\"study_id\" must be a string"));
}

TEST(ParseStudySpec, RefusesLargeIntegersWrittenAsJsonNumbersNextToAStudyId) {
  // 2^53 + 1 would silently become 2^53 when the study_id key is stripped.
  absl::Status status =
      ParseStudySpec(R"({"study_id": "a", "spec": {"seed": 9007199254740993}})", "f.json", "")
          .status();
  EXPECT_TRUE(IsUsageError(status));
  EXPECT_THAT(status.message(), HasSubstr("write 64-bit integers as strings"));
}

}  // namespace
}  // namespace hyperd::cli
