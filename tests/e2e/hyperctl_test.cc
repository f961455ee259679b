// hyperctl end to end: the real hyperctl binary as a subprocess against the real hyperd binary.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "hyperd/v1/hyperd.pb.h"
#include "tests/e2e/hyperctl_fixture.h"
#include "tests/e2e/program_runner.h"
#include "tests/testing/server_process.h"

namespace hyperd {
namespace {

using ::hyperd::testing::CommandResult;
using ::hyperd::testing::RunProgram;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr char kSpec[] = R"json({
  "study_id": "e2e-study",
  "description": "hyperctl end-to-end test",
  "spec": {
    "searchSpace": {"parameters": [
      {"name": "lr", "doubleSpec": {"min": 1e-5, "max": 0.1, "scale": "LOG"}},
      {"name": "layers", "integerSpec": {"min": 1, "max": 4}},
      {"name": "optimizer", "categoricalSpec": {"values": ["adam", "sgd"]}}]},
    "objective": {"metric": "loss", "goal": "MINIMIZE"},
    "sampler": {"random": {}},
    "seed": "42"
  },
  "limits": {"maxTrials": 20}
})json";

class HyperctlTest : public testing::HyperctlFixture {
 protected:
  void SetUp() override {
    HyperctlFixture::SetUp();
    if (HasFatalFailure()) return;
    spec_path_ = WriteFile("spec.json", kSpec);
  }

  // Suggests one trial of `study` to `client_id` and returns it.
  v1::Trial SuggestOne(const std::string& client_id) { return SuggestOne("e2e-study", client_id); }
  v1::Trial SuggestOne(const std::string& study, const std::string& client_id) {
    v1::SuggestTrialsResponse response =
        OkJson<v1::SuggestTrialsResponse>({"suggest", study, "--client-id", client_id});
    EXPECT_EQ(response.trials_size(), 1) << response.DebugString();
    return response.trials_size() > 0 ? response.trials(0) : v1::Trial();
  }

  std::string spec_path_;
};

TEST_F(HyperctlTest, StudyCreateIsGetOrCreateAndADifferentSpecIsAlreadyExists) {
  const std::string first = Ok({"study", "create", "-f", spec_path_});
  EXPECT_THAT(first, HasSubstr("name:"));
  EXPECT_THAT(first, HasSubstr("studies/e2e-study"));
  const v1::Study again = OkJson<v1::Study>({"study", "create", "-f", spec_path_});
  EXPECT_EQ(again.name(), "studies/e2e-study");
  EXPECT_EQ(again.spec().seed(), 42u);

  std::string different = kSpec;
  different.replace(different.find("\"max\": 4"), 8, "\"max\": 8");
  CommandResult result =
      Hyperctl({"study", "create", "-f", WriteFile("different.json", different)});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, StartsWith("hyperctl: ALREADY_EXISTS: "));
  EXPECT_GT(result.err.size(), std::string("hyperctl: ALREADY_EXISTS: \n").size()) << result;
  EXPECT_EQ(result.out, "");
}

TEST_F(HyperctlTest, StudyListAndShowSummariseTheStudy) {
  Ok({"study", "create", "-f", spec_path_});
  const std::string list = Ok({"study", "list"});
  EXPECT_THAT(list, StartsWith("NAME"));
  EXPECT_THAT(list, HasSubstr("studies/e2e-study"));
  EXPECT_THAT(list, HasSubstr("ACTIVE"));
  EXPECT_THAT(list, HasSubstr("random"));
  EXPECT_THAT(list, HasSubstr("minimize loss"));

  const std::string show = Ok({"study", "show", "e2e-study"});
  EXPECT_THAT(show, HasSubstr("description:"));
  EXPECT_THAT(show, ContainsRegex("objective: +minimize loss"));
  EXPECT_THAT(show, HasSubstr("max_trials 20"));
  EXPECT_THAT(show, HasSubstr("lr         double"));
  EXPECT_THAT(show, HasSubstr("log"));
  EXPECT_THAT(show, HasSubstr("{adam, sgd}"));

  const v1::ListStudiesResponse studies = OkJson<v1::ListStudiesResponse>({"study", "list"});
  ASSERT_EQ(studies.studies_size(), 1);
  EXPECT_EQ(studies.studies(0).spec().search_space().parameters_size(), 3);
}

TEST_F(HyperctlTest, SuggestReportCompleteThenListShowBestAndExport) {
  Ok({"study", "create", "-f", spec_path_});
  const v1::Trial trial = SuggestOne("worker-a");
  ASSERT_EQ(trial.parameters_size(), 3);
  EXPECT_EQ(trial.state(), v1::Trial::ACTIVE);
  const std::string number = absl::StrCat(trial.number());
  // The same client gets its open trial back.
  EXPECT_EQ(SuggestOne("worker-a").number(), trial.number());

  const std::string report =
      Ok({"report", "e2e-study", number, "--step", "1", "--metric", "loss=0.5"});
  EXPECT_THAT(report, ContainsRegex("should stop: +no"));
  EXPECT_THAT(Ok({"report", "e2e-study", number, "--step", "1", "--metric", "loss=0.7"}),
              HasSubstr("duplicate"));
  Ok({"report", trial.name(), "--step", "2", "--metric", "loss=0.3", "--metric", "acc=0.8"});
  EXPECT_THAT(Ok({"complete", "e2e-study", number, "--value", "0.25"}),
              HasSubstr(absl::StrCat(trial.name(), ": SUCCEEDED, objective 0.25")));

  // A second trial that fails, to have two rows.
  const v1::Trial failed = SuggestOne("worker-b");
  EXPECT_NE(failed.number(), trial.number());
  EXPECT_THAT(Ok({"fail", failed.name(), "--reason", "out of memory"}), HasSubstr("FAILED"));

  const std::string list = Ok({"trial", "list", "e2e-study"});
  EXPECT_THAT(list, StartsWith("NUMBER  STATE"));
  EXPECT_THAT(list, HasSubstr("lr"));
  EXPECT_THAT(list, HasSubstr("SUCCEEDED"));
  EXPECT_THAT(list, HasSubstr("FAILED"));
  const std::string succeeded_only = Ok({"trial", "list", "e2e-study", "--state=succeeded"});
  EXPECT_THAT(succeeded_only, HasSubstr("SUCCEEDED"));
  EXPECT_THAT(succeeded_only, ::testing::Not(HasSubstr("FAILED")));

  const std::string show = Ok({"trial", "show", "e2e-study", number});
  EXPECT_THAT(show, HasSubstr("state:"));
  EXPECT_THAT(show, HasSubstr("SUCCEEDED"));
  EXPECT_THAT(show, HasSubstr("loss=0.5"));
  EXPECT_THAT(show, HasSubstr("acc=0.8, loss=0.3"));

  const std::string best = Ok({"best", "e2e-study"});
  EXPECT_THAT(best, HasSubstr(absl::StrCat("\n", number, " ")));
  EXPECT_THAT(best, HasSubstr("0.25"));

  // CSV: a header and one row per trial, parameters as columns.
  const std::string csv_path = dir_ + "/trials.csv";
  CommandResult exported = Hyperctl({"export", "e2e-study", "--format", "csv", "-o", csv_path});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  std::vector<std::string> lines = absl::StrSplit(ReadFile(csv_path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << ReadFile(csv_path);
  EXPECT_EQ(lines[0], "number,state,objective,lr,layers,optimizer,start_time,end_time");
  bool saw_success = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> cells = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(cells.size(), 8u) << lines[i];
    double lr = 0;
    ASSERT_TRUE(absl::SimpleAtod(cells[3], &lr)) << lines[i];
    EXPECT_GE(lr, 1e-5);
    EXPECT_LE(lr, 0.1);
    int layers = 0;
    ASSERT_TRUE(absl::SimpleAtoi(cells[4], &layers)) << lines[i];
    EXPECT_GE(layers, 1);
    EXPECT_LE(layers, 4);
    EXPECT_THAT(cells[5], ::testing::AnyOf("adam", "sgd"));
    EXPECT_FALSE(cells[6].empty()) << "start_time: " << lines[i];
    EXPECT_FALSE(cells[7].empty()) << "end_time: " << lines[i];
    if (cells[0] == number) {
      saw_success = true;
      EXPECT_EQ(cells[1], "SUCCEEDED");
      EXPECT_EQ(cells[2], "0.25");
    }
  }
  EXPECT_TRUE(saw_success);

  // JSON export and list: the API's messages.
  const v1::ListTrialsResponse all = OkJson<v1::ListTrialsResponse>({"trial", "list", "e2e-study"});
  EXPECT_EQ(all.trials_size(), 2);
  CommandResult json_export = Hyperctl({"export", "e2e-study", "--format", "json"});
  ASSERT_EQ(json_export.exit_code, 0) << json_export;
  v1::ListTrialsResponse exported_json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json_export.out, &exported_json).ok());
  EXPECT_EQ(exported_json.trials_size(), 2);
  const v1::Trial shown = OkJson<v1::Trial>({"trial", "show", trial.name()});
  EXPECT_EQ(shown.state(), v1::Trial::SUCCEEDED);
  EXPECT_DOUBLE_EQ(shown.objective_value(), 0.25);
}

TEST_F(HyperctlTest, APausedStudyHandsOutNoTrialsUntilResumed) {
  Ok({"study", "create", "-f", spec_path_});
  EXPECT_THAT(Ok({"study", "pause", "e2e-study"}), HasSubstr("PAUSED"));
  EXPECT_THAT(Ok({"suggest", "e2e-study"}), HasSubstr("STUDY_NOT_ACTIVE"));
  const v1::SuggestTrialsResponse none =
      OkJson<v1::SuggestTrialsResponse>({"suggest", "e2e-study"});
  EXPECT_EQ(none.trials_size(), 0);
  EXPECT_EQ(none.reason(), v1::SuggestTrialsResponse::STUDY_NOT_ACTIVE);

  EXPECT_THAT(Ok({"study", "resume", "e2e-study"}), HasSubstr("ACTIVE"));
  EXPECT_EQ(SuggestOne("worker-a").state(), v1::Trial::ACTIVE);
}

TEST_F(HyperctlTest, TrialStopMarksTheTrialStopping) {
  Ok({"study", "create", "-f", spec_path_});
  const v1::Trial trial = SuggestOne("worker-a");
  EXPECT_THAT(Ok({"trial", "stop", trial.name(), "--reason", "operator"}), HasSubstr("STOPPING"));
  EXPECT_THAT(Ok({"report", trial.name(), "--step", "1", "--metric", "loss=1"}),
              ContainsRegex("should stop: +yes"));
}

TEST_F(HyperctlTest, DeleteRemovesTheStudyAndUnknownStudiesAreNotFound) {
  Ok({"study", "create", "-f", spec_path_});
  EXPECT_THAT(Ok({"study", "delete", "e2e-study"}), HasSubstr("deleted studies/e2e-study"));
  CommandResult result = Hyperctl({"study", "show", "e2e-study"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, StartsWith("hyperctl: NOT_FOUND: "));

  result = Hyperctl({"trial", "list", "no-such-study"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, StartsWith("hyperctl: NOT_FOUND: "));
}

// Six arms: every (optimizer, layers) pair.
constexpr char kUcb1Spec[] = R"json({
  "study_id": "bandit-study",
  "spec": {
    "searchSpace": {"parameters": [
      {"name": "optimizer", "categoricalSpec": {"values": ["adam", "sgd", "rmsprop"]}},
      {"name": "layers", "integerSpec": {"min": 1, "max": 2}}]},
    "objective": {"metric": "accuracy", "goal": "MAXIMIZE"},
    "sampler": {"ucb1": {}},
    "seed": "7"
  }
})json";

// "optimizer=adam,layers=2".
std::string ParameterText(const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters) {
  std::vector<std::string> parts;
  for (const v1::Parameter& p : parameters) {
    parts.push_back(absl::StrCat(
        p.name(), "=", p.has_int_value() ? absl::StrCat(p.int_value()) : p.categorical_value()));
  }
  return absl::StrJoin(parts, ",");
}

TEST_F(HyperctlTest, ArmsShowsPullsPendingAndMeansOfAUcb1StudyInArmOrderOrByMean) {
  Ok({"study", "create", "-f", WriteFile("ucb1.json", kUcb1Spec)});
  EXPECT_THAT(Ok({"study", "show", "bandit-study"}), ContainsRegex("sampler: +ucb1 \\{"));
  // The best arm is adam with 2 layers; one worker runs 7 trials one after the other.
  constexpr char kBest[] = "optimizer=adam,layers=2";
  auto accuracy = [&](const v1::Trial& trial) {
    return ParameterText(trial.parameters()) == kBest ? "0.9" : "0.3";
  };
  for (int i = 0; i < 7; ++i) {
    v1::SuggestTrialsResponse response =
        OkJson<v1::SuggestTrialsResponse>({"suggest", "bandit-study", "--client-id", "worker-a"});
    ASSERT_EQ(response.trials_size(), 1) << response.DebugString();
    const v1::Trial& trial = response.trials(0);
    ASSERT_TRUE(trial.has_bandit()) << trial.DebugString();
    EXPECT_EQ(trial.bandit().probability(), 1) << "UCB1 is an argmax policy";
    Ok({"complete", trial.name(), "--value", accuracy(trial)});
  }
  // An eighth trial stays open: a pending pull.
  const v1::Trial open = SuggestOne("bandit-study", "worker-b");

  const v1::ListArmsResponse arms = OkJson<v1::ListArmsResponse>({"arms", "bandit-study"});
  EXPECT_EQ(arms.algorithm(), "ucb1");
  EXPECT_EQ(arms.arm_count(), 6);
  EXPECT_EQ(arms.rewards_applied(), 7);
  EXPECT_TRUE(arms.next_page_token().empty());
  ASSERT_EQ(arms.arms_size(), 6);
  int64_t pulls = 0;
  int64_t pending = 0;
  for (int i = 0; i < arms.arms_size(); ++i) {
    const v1::ArmStatistics& arm = arms.arms(i);
    EXPECT_EQ(arm.arm(), i);
    ASSERT_EQ(arm.parameters_size(), 2);
    pulls += arm.pulls();
    pending += arm.pending();
    // UCB1 pulls every arm once before it exploits; the best arm got the 7th pull.
    if (ParameterText(arm.parameters()) == kBest) {
      EXPECT_EQ(arm.pulls(), 2);
      EXPECT_NEAR(arm.mean_reward(), 0.9, 1e-9);
    } else {
      EXPECT_EQ(arm.pulls(), 1);
      EXPECT_NEAR(arm.mean_reward(), 0.3, 1e-9);
    }
    EXPECT_LE(arm.lower_bound(), arm.mean_reward());
    EXPECT_GE(arm.upper_bound(), arm.mean_reward());
    EXPECT_EQ(arm.pending(), arm.arm() == open.bandit().arm() ? 1 : 0);
  }
  EXPECT_EQ(pulls, 7);
  EXPECT_EQ(pending, 1) << "the open trial";

  const std::string table = Ok({"arms", "bandit-study"});
  EXPECT_THAT(table, StartsWith("ucb1: 6 arms, 7 rewards applied\n"));
  EXPECT_THAT(table, ContainsRegex("\nARM +optimizer +layers +PULLS +PENDING +MEAN +LOWER +UPPER "
                                   "+P\\(NEXT\\)\n"));
  EXPECT_THAT(table, ContainsRegex("\n[0-9] +adam +2 +2 +[01] +0\\.9 "));
  std::vector<std::string> lines = absl::StrSplit(table, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 8u) << table;  // summary, header, 6 arms

  // --sort mean: the best arm first, in the table and in the JSON.
  const std::vector<std::string> sorted =
      absl::StrSplit(Ok({"arms", "bandit-study", "--sort", "mean"}), '\n', absl::SkipEmpty());
  ASSERT_GE(sorted.size(), 3u);
  EXPECT_THAT(sorted[2], ContainsRegex("^[0-9] +adam +2 +2 ")) << sorted[2];
  const v1::ListArmsResponse by_mean =
      OkJson<v1::ListArmsResponse>({"arms", "bandit-study", "--sort=mean"});
  ASSERT_EQ(by_mean.arms_size(), 6);
  EXPECT_EQ(ParameterText(by_mean.arms(0).parameters()), kBest);
  CommandResult bad_sort = Hyperctl({"arms", "bandit-study", "--sort", "pulls"});
  EXPECT_EQ(bad_sort.exit_code, 2) << bad_sort;
  EXPECT_THAT(bad_sort.err, HasSubstr("--sort=pulls"));

  // Trials show their arm and reward.
  EXPECT_THAT(Ok({"trial", "list", "bandit-study"}), ContainsRegex("LAST STEP +ARM +REWARD\n"));
  EXPECT_THAT(Ok({"trial", "show", "bandit-study", "0"}),
              ContainsRegex("arm: +[0-9], probability 1, reward 0\\.[39] \\(reward sequence 1\\)"));
}

TEST_F(HyperctlTest, ArmsOfAStudyWithoutABanditSamplerFailsWithFailedPrecondition) {
  Ok({"study", "create", "-f", spec_path_});
  CommandResult result = Hyperctl({"arms", "e2e-study"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, StartsWith("hyperctl: FAILED_PRECONDITION: "));
  EXPECT_THAT(result.err, HasSubstr("random"));
  EXPECT_THAT(result.err, HasSubstr("ListArms is for bandit studies"));
  EXPECT_EQ(result.out, "");
}

TEST_F(HyperctlTest, SuggestSendsTheContextALinUcbStudyNeeds) {
  const std::string spec = R"json({
    "study_id": "contextual",
    "spec": {
      "searchSpace": {"parameters": [
        {"name": "solver", "categoricalSpec": {"values": ["cg", "gmres"]}}]},
      "objective": {"metric": "iterations", "goal": "MINIMIZE"},
      "sampler": {"linucb": {"reward": {"scale": "CAPPED_COST", "cap": 100}}},
      "contextDimension": 2
    }
  })json";
  Ok({"study", "create", "-f", WriteFile("linucb.json", spec)});
  EXPECT_THAT(Ok({"study", "show", "contextual"}), ContainsRegex("context dimension: +2"));

  const v1::SuggestTrialsResponse response = OkJson<v1::SuggestTrialsResponse>(
      {"suggest", "contextual", "--client-id", "worker-a", "--context", "1,0.5"});
  ASSERT_EQ(response.trials_size(), 1) << response.DebugString();
  const v1::Trial& trial = response.trials(0);
  ASSERT_EQ(trial.context_size(), 2);
  EXPECT_EQ(trial.context(0), 1.0);
  EXPECT_EQ(trial.context(1), 0.5);
  Ok({"complete", trial.name(), "--value", "20"});
  EXPECT_THAT(Ok({"trial", "show", trial.name()}), ContainsRegex("context: +\\[1, 0\\.5\\]"));
  EXPECT_THAT(Ok({"arms", "contextual"}), StartsWith("linucb: 2 arms, 1 rewards applied\n"));

  CommandResult missing = Hyperctl({"suggest", "contextual", "--client-id", "worker-b"});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, StartsWith("hyperctl: INVALID_ARGUMENT: context"));
  CommandResult not_numbers = Hyperctl({"suggest", "contextual", "--context", "1,fast"});
  EXPECT_EQ(not_numbers.exit_code, 2) << not_numbers;
  EXPECT_THAT(not_numbers.err, HasSubstr("'fast' is not a number"));
}

TEST_F(HyperctlTest, BadInvocationsExitTwoAndServerInfoWorks) {
  CommandResult result = Hyperctl({"study", "frobnicate"});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_THAT(result.err, StartsWith("hyperctl: INVALID_ARGUMENT: unknown command"));
  result = Hyperctl({"report", "e2e-study", "0", "--metric", "loss=1"});
  EXPECT_EQ(result.exit_code, 2) << result;

  EXPECT_THAT(Ok({"info"}), HasSubstr("version:"));
  const v1::ServerInfo info = OkJson<v1::ServerInfo>({"info"});
  EXPECT_FALSE(info.version().empty());
  EXPECT_EQ(info.durability(), "normal");
  EXPECT_THAT(Ok({"--help"}), HasSubstr("study create -f FILE"));
  EXPECT_THAT(Ok({"--help"}), HasSubstr("arms STUDY"));
  EXPECT_THAT(Ok({"arms", "--help"}), HasSubstr("--sort"));
}

TEST_F(HyperctlTest, DashboardSaysWhenTheServerServesNone) {
  // The fixture's hyperd runs without an HTTP port (ServerProcess's default --metrics-listen=).
  const CommandResult result = Hyperctl({"dashboard"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, StartsWith("hyperctl: FAILED_PRECONDITION: "));
  EXPECT_THAT(result.err, HasSubstr("--metrics-listen"));
}

TEST(HyperctlDashboard, PrintsTheUrlOfTheServersDashboard) {
  char pattern[] = "/tmp/hyperctl_dashboard_XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  testing::ServerProcessOptions options;
  options.binary = HYPERD_BINARY;
  options.data_dir = std::string(pattern) + "/data";
  options.extra_args = {"--durability=normal", "--metrics-listen=127.0.0.1:0"};
  testing::ServerProcess server(options);
  ASSERT_TRUE(server.Start().ok());
  const std::string url = absl::StrCat("http://127.0.0.1:", server.metrics_port(), "/dashboard/");
  const testing::CommandResult printed =
      testing::RunProgram(HYPERCTL_BINARY, {"dashboard", "--server=" + server.address()}, pattern);
  EXPECT_EQ(printed.exit_code, 0) << printed;
  EXPECT_EQ(printed.out, url + "\n");
  const testing::CommandResult info =
      testing::RunProgram(HYPERCTL_BINARY, {"info", "--server=" + server.address()}, pattern);
  EXPECT_THAT(info.out, HasSubstr(url));
  EXPECT_TRUE(server.Terminate().ok());
  std::filesystem::remove_all(pattern);
}

}  // namespace
}  // namespace hyperd
