// The request log: which calls get a line, at which level, and which fields name the request.
#include "server/request_log.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "common/logging.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

// Captures log lines for the test's duration.
class CapturedLog {
 public:
  CapturedLog() {
    SetLogSinkForTesting([this](absl::string_view line) { lines_.emplace_back(line); });
  }
  ~CapturedLog() {
    SetLogSinkForTesting(nullptr);
    SetMinLogLevel(LogLevel::kInfo);
    SetLogFormat(LogFormat::kText);
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

TEST(RequestSubject, NamesStudyAndTrialOfATrialName) {
  hyperd::v1::ReportMeasurementRequest request;
  request.set_name("studies/mnist/trials/7");
  EXPECT_THAT(RequestSubject(request), ElementsAre(Pair("study", "mnist"), Pair("trial", "7")));
}

TEST(RequestSubject, NamesTheStudyOfAParentOrAStudyId) {
  hyperd::v1::SuggestTrialsRequest suggest;
  suggest.set_parent("studies/mnist");
  EXPECT_THAT(RequestSubject(suggest), ElementsAre(Pair("study", "mnist")));

  hyperd::v1::CreateStudyRequest create;
  create.set_study_id("cifar");
  EXPECT_THAT(RequestSubject(create), ElementsAre(Pair("study", "cifar")));
}

TEST(RequestSubject, ReadsTheStudyNameInsideAnUpdate) {
  hyperd::v1::UpdateStudyRequest request;
  request.mutable_study()->set_name("studies/mnist");
  EXPECT_THAT(RequestSubject(request), ElementsAre(Pair("study", "mnist")));
}

TEST(RequestSubject, LogsAMalformedNameAsATruncatedResource) {
  hyperd::v1::GetTrialRequest request;
  request.set_name("not a name " + std::string(500, 'x'));
  const LogFields fields = RequestSubject(request);
  ASSERT_THAT(fields, SizeIs(1));
  EXPECT_EQ(fields[0].first, "resource");
  EXPECT_EQ(fields[0].second.size(), 200u);
}

TEST(RequestSubject, IsEmptyForARequestWithoutAResource) {
  EXPECT_THAT(RequestSubject(hyperd::v1::ListStudiesRequest()), IsEmpty());
}

TEST(RequestLog, LogsASlowCallAtWarnWithMethodCodeDurationAndSubject) {
  CapturedLog log;
  hyperd::v1::SuggestTrialsRequest request;
  request.set_parent("studies/mnist");
  RequestLog(absl::Milliseconds(100))
      .Finished("SuggestTrials", request, absl::OkStatus(), absl::Milliseconds(250));
  ASSERT_THAT(log.lines(), SizeIs(1));
  EXPECT_THAT(log.lines()[0], HasSubstr(" WARN msg=\"slow request\" method=SuggestTrials code=OK "
                                        "seconds=0.25 study=mnist"));
}

TEST(RequestLog, SaysNothingAboutAFastSuccessfulCallAtInfo) {
  CapturedLog log;
  RequestLog(absl::Milliseconds(100))
      .Finished("GetStudy", hyperd::v1::GetStudyRequest(), absl::OkStatus(), absl::Milliseconds(1));
  RequestLog(absl::Milliseconds(100))
      .Finished("GetStudy", hyperd::v1::GetStudyRequest(), absl::NotFoundError("no study"),
                absl::Milliseconds(1));
  EXPECT_THAT(log.lines(), IsEmpty());
}

TEST(RequestLog, ZeroThresholdTurnsTheSlowLogOff) {
  CapturedLog log;
  RequestLog(absl::ZeroDuration())
      .Finished("GetStudy", hyperd::v1::GetStudyRequest(), absl::OkStatus(), absl::Seconds(30));
  EXPECT_THAT(log.lines(), IsEmpty());
}

TEST(RequestLog, LogsServerSideFailuresAtErrorWithTheMessage) {
  CapturedLog log;
  hyperd::v1::CompleteTrialRequest request;
  request.set_name("studies/s/trials/3");
  RequestLog(absl::Seconds(1))
      .Finished("CompleteTrial", request, absl::InternalError("disk I/O error"),
                absl::Milliseconds(2));
  ASSERT_THAT(log.lines(), SizeIs(1));
  EXPECT_THAT(log.lines()[0], HasSubstr(" ERROR msg=request method=CompleteTrial code=Internal "));
  EXPECT_THAT(log.lines()[0], HasSubstr("study=s trial=3 error=\"disk I/O error\""));
}

TEST(RequestLog, LogsEveryCallAtDebug) {
  CapturedLog log;
  SetMinLogLevel(LogLevel::kDebug);
  RequestLog(absl::Seconds(1))
      .Finished("GetStudy", hyperd::v1::GetStudyRequest(), absl::NotFoundError("no study"),
                absl::Milliseconds(1));
  ASSERT_THAT(log.lines(), SizeIs(1));
  EXPECT_THAT(log.lines()[0], HasSubstr(" DEBUG msg=request method=GetStudy code=NotFound "));
}

TEST(LogLine, TextQuotesValuesThatWouldBreakTheKeyValueFormat) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "T", LogLevel::kInfo, "study created",
                          {{"study", "a b"}, {"note", "x=\"y\""}, {"n", "3"}}),
            R"(T INFO msg="study created" study="a b" note="x=\"y\"" n=3)");
}

TEST(LogLine, JsonIsOneObjectWithEscapedStrings) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, "T", LogLevel::kWarning, "slow \"request\"",
                          {{"error", "line1\nline2\x01"}}),
            R"({"ts":"T","level":"WARN","msg":"slow \"request\"","error":"line1\nline2\u0001"})");
}

TEST(LogLine, JsonFormatIsUsedOnceSelected) {
  CapturedLog log;
  SetLogFormat(LogFormat::kJson);
  Log(LogLevel::kInfo, "study created", {{"study", "mnist"}});
  ASSERT_THAT(log.lines(), SizeIs(1));
  EXPECT_TRUE(absl::StartsWith(log.lines()[0], "{\"ts\":\"")) << log.lines()[0];
  EXPECT_TRUE(
      absl::EndsWith(log.lines()[0], R"("level":"INFO","msg":"study created","study":"mnist"})"))
      << log.lines()[0];
}

}  // namespace
}  // namespace hyperd::server
