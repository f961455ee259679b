// The dashboard's building blocks: the streaming JSON writer, curve downsampling and schedule
// sampling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "server/dashboard/curve_downsampling.h"
#include "server/dashboard/json_writer.h"
#include "server/dashboard/schedule_samples.h"
#include "server/dashboard/study_importance.h"

namespace hyperd::server::dashboard {
namespace {

using ::testing::ElementsAre;

TEST(JsonWriter, WritesNestedValuesWithCommasAndEscapes) {
  JsonWriter json;
  json.BeginObject();
  json.Key("a");
  json.BeginArray();
  json.Int(1);
  json.Number(0.5);
  json.String("q\"\\\n\x01");
  json.Bool(true);
  json.Null();
  json.BeginObject();
  json.EndObject();
  json.EndArray();
  json.Key("b");
  json.OptionalInt(std::nullopt);
  json.Key("c");
  json.OptionalNumber(2.0);
  json.EndObject();
  EXPECT_EQ(json.text(), R"({"a":[1,0.5,"q\"\\\n\u0001",true,null,{}],"b":null,"c":2})");
}

TEST(JsonWriter, NumbersHaveSevenSignificantDigitsAndNonFiniteIsNull) {
  JsonWriter json;
  json.BeginArray();
  json.Number(1.0 / 3);
  json.Number(123456789.0);
  json.Number(1e-5);
  json.Number(std::numeric_limits<double>::quiet_NaN());
  json.Number(std::numeric_limits<double>::infinity());
  json.Number(-std::numeric_limits<double>::infinity());
  json.Int(-9007199254740993);
  json.EndArray();
  EXPECT_EQ(json.text(), "[0.3333333,1.234568e+08,1e-05,null,null,null,-9007199254740993]");
}

std::vector<int64_t> Steps(int64_t n) {
  std::vector<int64_t> steps(n);
  for (int64_t i = 0; i < n; ++i) steps[i] = i + 1;
  return steps;
}

TEST(DownsampleCurve, KeepsShortCurvesWhole) {
  EXPECT_THAT(DownsampleCurve(Steps(5), {}, 200), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_TRUE(DownsampleCurve({}, {}, 200).empty());
}

TEST(DownsampleCurve, KeepsFirstLastAndRungPointsAndAtMostTheLimit) {
  const std::vector<int64_t> steps = Steps(10'000);
  const std::vector<int64_t> rungs = {1, 3, 9, 27, 81, 243, 729, 2187, 6561};
  const std::vector<size_t> kept = DownsampleCurve(steps, rungs, 200);
  EXPECT_LE(kept.size(), 200);
  EXPECT_GE(kept.size(), 190);  // the budget is used, not wasted
  EXPECT_EQ(kept.front(), 0);
  EXPECT_EQ(kept.back(), 9'999);
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));
  EXPECT_EQ(std::adjacent_find(kept.begin(), kept.end()), kept.end());
  for (const int64_t rung : rungs) {
    EXPECT_TRUE(std::find(kept.begin(), kept.end(), static_cast<size_t>(rung - 1)) != kept.end())
        << "rung step " << rung;
  }
}

TEST(DownsampleCurve, DropsRungPointsBeyondTheBudgetButNeverTheEnds) {
  const std::vector<int64_t> steps = Steps(100);
  const std::vector<size_t> kept = DownsampleCurve(steps, steps, 10);
  EXPECT_EQ(kept.size(), 10);
  EXPECT_EQ(kept.front(), 0);
  EXPECT_EQ(kept.back(), 99);
}

TEST(CurvePointsPerTrial, ManyCurvesShareOneBudgetDownToAFloor) {
  EXPECT_EQ(CurvePointsPerTrial(0), kMaxCurvePoints);
  EXPECT_EQ(CurvePointsPerTrial(10), kMaxCurvePoints);
  EXPECT_EQ(CurvePointsPerTrial(kMaxStudyCurvePoints / kMaxCurvePoints), kMaxCurvePoints);
  EXPECT_EQ(CurvePointsPerTrial(1'000), kMaxStudyCurvePoints / 1'000);
  EXPECT_EQ(CurvePointsPerTrial(10'000), kMinCurvePoints);
}

TEST(SampleSchedule, EvaluatesEveryStepOfShortSchedulesAndSpacesLongOnes) {
  hyperd::v1::Schedule schedule;
  schedule.set_family(hyperd::v1::Schedule::LINEAR);
  schedule.set_base_lr(0.1);
  schedule.set_total_steps(10);
  const ScheduleSamples shortened = SampleSchedule(schedule);
  EXPECT_THAT(shortened.steps, ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
  EXPECT_DOUBLE_EQ(shortened.lr[0], 0.1);
  EXPECT_DOUBLE_EQ(shortened.lr[5], 0.05);  // linear: (T - t) / T
  schedule.set_total_steps(100'000);
  const ScheduleSamples long_run = SampleSchedule(schedule);
  EXPECT_EQ(long_run.steps.size(), 200);
  EXPECT_EQ(long_run.steps.front(), 0);
  EXPECT_EQ(long_run.steps.back(), 99'999);
}

TEST(StudyImportance, ExplainsWhyItIsMissingForOneParameter) {
  hyperd::v1::Study study;
  study.mutable_spec()->mutable_search_space()->add_parameters()->set_name("x");
  const StudyImportance importance = ComputeStudyImportance(study, {});
  EXPECT_FALSE(importance.available);
  EXPECT_EQ(importance.reason, "needs at least 2 parameters, the search space has 1");
}

hyperd::v1::Study TwoDoubleStudy() {
  hyperd::v1::Study study;
  study.set_name("studies/s");
  for (const char* name : {"x", "y"}) {
    hyperd::v1::ParameterSpec& p = *study.mutable_spec()->mutable_search_space()->add_parameters();
    p.set_name(name);
    p.mutable_double_spec()->set_max(1);
  }
  return study;
}

// Trials numbered from `first`, objective = x.
void AddTrials(int first, int count, std::vector<hyperd::v1::Trial>& trials) {
  for (int i = first; i < first + count; ++i) {
    hyperd::v1::Trial trial;
    trial.set_number(i);
    trial.set_state(hyperd::v1::Trial::SUCCEEDED);
    const double x = (i * 37 % 101) / 101.0;
    const double y = (i * 53 % 103) / 103.0;
    hyperd::v1::Parameter* p = trial.add_parameters();
    p->set_name("x");
    p->set_double_value(x);
    p = trial.add_parameters();
    p->set_name("y");
    p->set_double_value(y);
    trial.set_objective_value(x);
    trials.push_back(trial);
  }
}

TEST(ImportanceCache, ReusesAResultForTheSameRowsAndRefitsWhenATrialFinishes) {
  const hyperd::v1::Study study = TwoDoubleStudy();
  std::vector<hyperd::v1::Trial> trials;
  AddTrials(0, 20, trials);
  ImportanceCache cache;
  const auto first = cache.Get("s", study, trials);
  ASSERT_TRUE(first->available) << first->reason;
  EXPECT_EQ(first->params[0].first, "x");
  EXPECT_EQ(cache.Get("s", study, trials), first);
  AddTrials(20, 1, trials);
  const auto second = cache.Get("s", study, trials);
  EXPECT_NE(second, first);
  EXPECT_EQ(second->trials_used, 21);
}

TEST(ImportanceCache, LargeStudiesRefitOnlyAfterTheRowsGrowByFivePercent) {
  const hyperd::v1::Study study = TwoDoubleStudy();
  std::vector<hyperd::v1::Trial> trials;
  AddTrials(0, 1000, trials);
  ImportanceCache cache;
  const auto first = cache.Get("s", study, trials);
  AddTrials(1000, 49, trials);
  EXPECT_EQ(cache.Get("s", study, trials), first);
  AddTrials(1049, 1, trials);
  EXPECT_NE(cache.Get("s", study, trials), first);
}

}  // namespace
}  // namespace hyperd::server::dashboard
