#include "client/cli/resource_names.h"

#include "client/cli/args.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::cli {
namespace {

using ::testing::HasSubstr;

TEST(StudyName, AcceptsAnIdOrAName) {
  EXPECT_EQ(*StudyName("mnist"), "studies/mnist");
  EXPECT_EQ(*StudyName("studies/mnist"), "studies/mnist");
}

TEST(StudyName, RejectsTrialNamesAndEmptyIds) {
  for (const char* bad : {"", "studies/", "studies/x/trials/1", "a/b"}) {
    absl::Status status = StudyName(bad).status();
    EXPECT_TRUE(IsUsageError(status)) << bad;
    EXPECT_THAT(status.message(), HasSubstr("is not a study")) << bad;
  }
}

TEST(TrialName, AcceptsStudyAndNumberOrAFullName) {
  EXPECT_EQ(*TrialName({"mnist", "3"}), "studies/mnist/trials/3");
  EXPECT_EQ(*TrialName({"studies/mnist", "0"}), "studies/mnist/trials/0");
  EXPECT_EQ(*TrialName({"studies/mnist/trials/12"}), "studies/mnist/trials/12");
}

TEST(TrialName, RejectsBadNumbersAndShapes) {
  EXPECT_THAT(TrialName({"mnist", "-1"}).status().message(),
              HasSubstr("'-1' is not a non-negative integer"));
  EXPECT_THAT(TrialName({"mnist", "x"}).status().message(), HasSubstr("'x' is not"));
  EXPECT_THAT(TrialName({"mnist"}).status().message(), HasSubstr("write STUDY N"));
  EXPECT_THAT(TrialName({"studies/m/runs/1"}).status().message(), HasSubstr("is not a trial"));
  EXPECT_TRUE(IsUsageError(TrialName({"studies//trials/1"}).status()));
}

TEST(ParentOfTrial, IsTheStudyName) {
  EXPECT_EQ(ParentOfTrial("studies/mnist/trials/3"), "studies/mnist");
}

}  // namespace
}  // namespace hyperd::cli
