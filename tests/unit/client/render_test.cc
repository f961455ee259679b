#include "client/cli/render.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/client/test_messages.h"

namespace hyperd::cli {
namespace {

using ::hyperd::testing::ClientStudy;
using ::hyperd::testing::ParseText;
using ::testing::HasSubstr;

v1::Trial BestTrial() {
  return ParseText<v1::Trial>(R"pb(
    name: "studies/mnist/trials/2"
    number: 2
    state: SUCCEEDED
    objective_value: 0.125
    parameters { name: "lr" double_value: 0.001 }
  )pb");
}

TEST(RenderStudyList, ShowsNameStateSamplerCountsAndBestValue) {
  v1::Study paused = ParseText<v1::Study>(R"pb(
    name: "studies/cifar"
    state: PAUSED
    spec {
      sampler { grid {} }
      objective { metric: "acc" goal: MAXIMIZE }
    }
  )pb");
  EXPECT_EQ(RenderStudyList({{ClientStudy(), BestTrial()}, {paused, {}}}),
            "NAME           STATE   SAMPLER  OBJECTIVE      TRIALS  OPEN  DONE  FAILED  BEST\n"
            "studies/mnist  ACTIVE  random   minimize loss  4       1     2     1       0.125\n"
            "studies/cifar  PAUSED  grid     maximize acc   0       0     0     0       -\n");
}

TEST(RenderStudyList, SaysSoWhenThereAreNoStudies) {
  EXPECT_EQ(RenderStudyList({}), "no studies\n");
}

TEST(RenderStudy, SummarisesTheSpecCountsAndParameters) {
  const std::string text = RenderStudy({ClientStudy(), BestTrial()});
  EXPECT_THAT(text, HasSubstr("name:       studies/mnist\n"));
  EXPECT_THAT(text, HasSubstr("objective:  minimize loss\n"));
  EXPECT_THAT(text, HasSubstr("sampler:    random\n"));
  EXPECT_THAT(text, HasSubstr("scheduler:  fifo\n"));
  EXPECT_THAT(text, HasSubstr("seed:       7\n"));
  EXPECT_THAT(text, HasSubstr("limits:     max_trials 20, lease 10m (default)\n"));
  EXPECT_THAT(text, HasSubstr("trials:     4 total: 1 active, 2 succeeded, 1 failed\n"));
  EXPECT_THAT(text, HasSubstr("best:       trial 2, objective 0.125\n"));
  EXPECT_THAT(text,
              HasSubstr("PARAMETER  TYPE         VALUES        SCALE   CONDITION\n"
                        "lr         double       [1e-05, 0.1]  log\n"
                        "layers     integer      [1, 4]        linear\n"
                        "optimizer  categorical  {adam, sgd}\n"
                        "momentum   double       [0, 0.99]     linear  optimizer in {sgd}\n"));
}

TEST(RenderStudy, ShowsAlgorithmSettingsAndStateReason) {
  v1::Study study = ParseText<v1::Study>(R"pb(
    name: "studies/g"
    state: COMPLETED
    state_reason: "max_trials reached"
    spec { sampler { grid { shuffle: true } } }
  )pb");
  const std::string text = RenderStudy({study, {}});
  EXPECT_THAT(text, HasSubstr("state:      COMPLETED (max_trials reached)\n"));
  EXPECT_THAT(text, HasSubstr("sampler:    grid {\"shuffle\":true}\n"));
  EXPECT_THAT(text, HasSubstr("best:       -\n"));
}

TEST(RenderTrialList, ShowsParametersInSpaceOrderWithDashesForInactiveOnes) {
  const v1::Study study = ClientStudy();
  const std::vector<v1::Trial> trials = {
      ParseText<v1::Trial>(R"pb(
        number: 0
        state: SUCCEEDED
        objective_value: 0.3333333333
        parameters { name: "optimizer" categorical_value: "adam" }
        parameters { name: "lr" double_value: 0.001 }
        measurements { step: 1 }
        measurements { step: 5 }
      )pb"),
      ParseText<v1::Trial>(R"pb(
        number: 1
        state: ACTIVE
        parameters { name: "optimizer" categorical_value: "sgd" }
        parameters { name: "momentum" double_value: 0.9 }
      )pb")};
  EXPECT_EQ(RenderTrialList(&study, trials),
            "NUMBER  STATE      OBJECTIVE  lr     layers  optimizer  momentum  LAST STEP\n"
            "0       SUCCEEDED  0.333333   0.001  -       adam       -         5\n"
            "1       ACTIVE     -          -      -       sgd        0.9       -\n");
  EXPECT_EQ(RenderTrialList(&study, {}), "no trials\n");
}

TEST(RenderTrial, ShowsFieldsAndMeasurements) {
  const std::string text = RenderTrial(ParseText<v1::Trial>(R"pb(
    name: "studies/mnist/trials/0"
    state: STOPPING
    reason: "asked by operator"
    client_id: "host:1:ab"
    parameters { name: "lr" double_value: 0.01 }
    parameters { name: "optimizer" categorical_value: "adam" }
    measurements {
      step: 1
      metrics { key: "loss" value: 0.5 }
      metrics { key: "acc" value: 0.8 }
    }
    start_time { seconds: 1772366400 }
  )pb"));
  EXPECT_THAT(text, HasSubstr("state:       STOPPING\n"));
  EXPECT_THAT(text, HasSubstr("parameters:  lr=0.01, optimizer=adam\n"));
  EXPECT_THAT(text, HasSubstr("objective:   -\n"));
  EXPECT_THAT(text, HasSubstr("reason:      asked by operator\n"));
  EXPECT_THAT(text, HasSubstr("started:     2026-03-01T12:00:00Z\n"));
  EXPECT_THAT(text, HasSubstr("STEP  METRICS            ELAPSED  REPORTED\n"
                              "1     acc=0.8, loss=0.5  -        -\n"));
}

TEST(RenderSuggestion, SaysWhyNoTrialCameBack) {
  v1::SuggestTrialsResponse response;
  response.set_reason(v1::SuggestTrialsResponse::STUDY_NOT_ACTIVE);
  EXPECT_EQ(RenderSuggestion(response, 1, "c"), "no trials returned: STUDY_NOT_ACTIVE\n");
}

TEST(RenderSuggestion, ListsTrialsTheClientIdAndAShortfall) {
  v1::SuggestTrialsResponse response = ParseText<v1::SuggestTrialsResponse>(R"pb(
    trials {
      number: 4
      state: ACTIVE
      parameters { name: "lr" double_value: 0.02 }
    }
    reason: MAX_PARALLEL_REACHED
  )pb");
  const std::string text = RenderSuggestion(response, 3, "host:9:ff");
  EXPECT_THAT(text, HasSubstr("NUMBER  STATE   OBJECTIVE  lr    LAST STEP\n"
                              "4       ACTIVE  -          0.02  -\n"));
  EXPECT_THAT(text, HasSubstr("held by client id host:9:ff\n"));
  EXPECT_THAT(text, HasSubstr("fewer trials than requested (1 of 3): MAX_PARALLEL_REACHED\n"));
}

TEST(RenderReport, SaysWhetherToStopAndMarksDuplicates) {
  v1::ReportMeasurementResponse response;
  response.set_should_stop(true);
  response.set_stop_reason("median rule");
  response.set_duplicate(true);
  EXPECT_EQ(RenderReport("studies/m/trials/1", 3, response),
            "trial:        studies/m/trials/1\n"
            "step:         3 (duplicate: the first report was kept)\n"
            "should stop:  yes\n"
            "stop reason:  median rule\n");
}

TEST(FormatDomain, DescribesEachParameterKind) {
  EXPECT_EQ(FormatDomain(ParseText<v1::ParameterSpec>("double_spec { min: 0 max: 1 step: 0.25 }")),
            "[0, 1] step 0.25");
  EXPECT_EQ(FormatDomain(ParseText<v1::ParameterSpec>("integer_spec { min: 2 max: 64 step: 2 }")),
            "[2, 64] step 2");
  EXPECT_EQ(FormatDomain(ParseText<v1::ParameterSpec>("categorical_spec { values: 'a' }")), "{a}");
  EXPECT_EQ(FormatCondition(ParseText<v1::Condition>("parent: 'layers' integer_values: [1, 2]")),
            "layers in {1, 2}");
  EXPECT_EQ(FormatCondition(v1::Condition()), "");
}

TEST(FormatTrialCounts, LeavesOutZeroCounts) {
  EXPECT_EQ(FormatTrialCounts({}), "0 total");
  EXPECT_EQ(FormatTrialCounts(ParseText<v1::TrialCounts>("pruned: 2 infeasible: 1")),
            "3 total: 2 pruned, 1 infeasible");
}

}  // namespace
}  // namespace hyperd::cli
