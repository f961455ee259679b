#include "client/cli/csv_export.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/unit/client/test_messages.h"

namespace hyperd::cli {
namespace {

using ::hyperd::testing::ClientStudy;
using ::hyperd::testing::ParseText;

TEST(CsvField, LeavesPlainFieldsAlone) {
  EXPECT_EQ(CsvField("adam"), "adam");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("0.25"), "0.25");
}

TEST(CsvField, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
}

TEST(TrialsToCsv, WritesOneRowPerTrialWithParametersInSearchSpaceOrder) {
  const v1::Study study = ClientStudy();
  const std::vector<v1::Trial> trials = {
      ParseText<v1::Trial>(R"pb(
        number: 0
        state: SUCCEEDED
        objective_value: 0.25
        parameters { name: "lr" double_value: 0.1 }
        parameters { name: "layers" int_value: 3 }
        parameters { name: "optimizer" categorical_value: "adam" }
        start_time { seconds: 1772366400 nanos: 500000000 }
        end_time { seconds: 1772366590 }
      )pb"),
      ParseText<v1::Trial>(R"pb(
        number: 1
        state: ACTIVE
        parameters { name: "lr" double_value: 0.0031622776601683794 }
        parameters { name: "layers" int_value: -2 }
        parameters { name: "optimizer" categorical_value: "sgd" }
        parameters { name: "momentum" double_value: 0.9 }
        start_time { seconds: 1772366400 }
      )pb")};
  EXPECT_EQ(TrialsToCsv(study, trials),
            "number,state,objective,lr,layers,optimizer,momentum,start_time,end_time\n"
            "0,SUCCEEDED,0.25,0.1,3,adam,,2026-03-01T12:00:00.5Z,2026-03-01T12:03:10Z\n"
            "1,ACTIVE,,0.0031622776601683794,-2,sgd,0.9,2026-03-01T12:00:00Z,\n");
}

TEST(TrialsToCsv, QuotesCategoricalValuesWithCommasAndQuotes) {
  v1::Study study = ParseText<v1::Study>(R"pb(
    spec {
      search_space {
        parameters {
          name: "opt"
          categorical_spec { values: "adam, fast" values: "say \"hi\"" }
        }
      }
    }
  )pb");
  const std::vector<v1::Trial> trials = {
      ParseText<v1::Trial>(R"pb(
        number: 0
        state: FAILED
        parameters { name: "opt" categorical_value: "adam, fast" }
      )pb"),
      ParseText<v1::Trial>(R"pb(
        number: 1
        state: FAILED
        parameters { name: "opt" categorical_value: "say \"hi\"" }
      )pb")};
  EXPECT_EQ(TrialsToCsv(study, trials),
            "number,state,objective,opt,start_time,end_time\n"
            "0,FAILED,,\"adam, fast\",,\n"
            "1,FAILED,,\"say \"\"hi\"\"\",,\n");
}

TEST(TrialsToCsv, WritesNonFiniteObjectivesAsNanAndInf) {
  v1::Trial trial = ParseText<v1::Trial>("number: 4 state: FAILED");
  trial.set_objective_value(std::numeric_limits<double>::quiet_NaN());
  v1::Trial diverged = ParseText<v1::Trial>("number: 5 state: FAILED");
  diverged.set_objective_value(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(TrialsToCsv(v1::Study(), {trial, diverged}),
            "number,state,objective,start_time,end_time\n"
            "4,FAILED,nan,,\n"
            "5,FAILED,-inf,,\n");
}

TEST(TrialsToCsv, PrefixesParametersNamedLikeFixedColumnsAndAddsUnknownOnesAtTheEnd) {
  const v1::Study study = ParseText<v1::Study>(R"pb(
    spec {
      search_space {
        parameters {
          name: "state"
          integer_spec { min: 0 max: 9 }
        }
      }
    }
  )pb");
  const v1::Trial trial = ParseText<v1::Trial>(R"pb(
    number: 0
    state: ACTIVE
    parameters { name: "state" int_value: 2 }
    parameters { name: "extra" categorical_value: "x" }
  )pb");
  EXPECT_EQ(TrialsToCsv(study, {trial}),
            "number,state,objective,param.state,extra,start_time,end_time\n"
            "0,ACTIVE,,2,x,,\n");
}

TEST(TrialsToCsv, WithoutTrialsWritesTheHeader) {
  EXPECT_EQ(TrialsToCsv(ClientStudy(), {}),
            "number,state,objective,lr,layers,optimizer,momentum,start_time,end_time\n");
}

}  // namespace
}  // namespace hyperd::cli
