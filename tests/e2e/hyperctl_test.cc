// hyperctl end to end: the real hyperctl binary as a subprocess against the real hyperd binary.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
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
#include "tests/testing/server_process.h"

extern char** environ;

namespace hyperd {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `binary args...` with stdout and stderr captured in files under `dir`, without
// HYPERD_ADDRESS/HYPERD_TOKEN from the test's environment, and waits (bounded) for its exit.
CommandResult RunProgram(const std::string& binary, const std::vector<std::string>& args,
                         const std::string& dir) {
  const std::string out_path = dir + "/stdout";
  const std::string err_path = dir + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_storage = {binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "HYPERD_ADDRESS=") && !absl::StartsWith(*e, "HYPERD_TOKEN=")) {
      env.push_back(*e);
    }
  }
  env.push_back(nullptr);

  CommandResult result;
  pid_t pid = -1;
  const int spawn_error =
      posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    result.err = absl::StrCat("posix_spawn ", binary, ": ", std::strerror(spawn_error));
    return result;
  }
  // Poll for the exit, bounded: a hung hyperctl fails the test instead of hanging it.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.err = "hyperctl did not exit within 60 s and was killed";
      return result;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::ostream& operator<<(std::ostream& os, const CommandResult& r) {
  return os << "exit " << r.exit_code << "\n--- stdout:\n" << r.out << "--- stderr:\n" << r.err;
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

class HyperctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/hyperctl_e2e_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr) << std::strerror(errno);
    dir_ = pattern;
    testing::ServerProcessOptions options;
    options.binary = HYPERD_BINARY;
    options.data_dir = dir_ + "/data";
    options.extra_args = {"--durability=normal"};
    server_ = std::make_unique<testing::ServerProcess>(options);
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
    spec_path_ = WriteFile("spec.json", kSpec);
  }

  void TearDown() override {
    if (server_ != nullptr && server_->running()) {
      const absl::Status stopped = server_->Terminate();
      EXPECT_TRUE(stopped.ok()) << stopped;
    }
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  CommandResult Hyperctl(std::vector<std::string> args) {
    args.push_back("--server=" + server_->address());
    return RunProgram(HYPERCTL_BINARY, args, dir_);
  }

  // Runs a command that must succeed and returns its stdout.
  std::string Ok(std::vector<std::string> args) {
    CommandResult result = Hyperctl(args);
    EXPECT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << result;
    return result.out;
  }

  template <typename Message>
  Message OkJson(std::vector<std::string> args) {
    args.push_back("-o");
    args.push_back("json");
    const std::string out = Ok(args);
    Message message;
    const auto status = google::protobuf::util::JsonStringToMessage(out, &message);
    EXPECT_TRUE(status.ok()) << status.message() << "\n" << out;
    return message;
  }

  // Suggests one trial to `client_id` and returns it.
  v1::Trial SuggestOne(const std::string& client_id) {
    v1::SuggestTrialsResponse response =
        OkJson<v1::SuggestTrialsResponse>({"suggest", "e2e-study", "--client-id", client_id});
    EXPECT_EQ(response.trials_size(), 1) << response.DebugString();
    return response.trials_size() > 0 ? response.trials(0) : v1::Trial();
  }

  std::string dir_;
  std::string spec_path_;
  std::unique_ptr<testing::ServerProcess> server_;
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
}

}  // namespace
}  // namespace hyperd
