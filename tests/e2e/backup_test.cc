// `hyperctl admin backup` end to end: a backup taken while client threads keep creating studies,
// suggesting, reporting and finishing trials holds every write acknowledged before the backup
// started, and a fresh hyperd started on it serves those studies exactly as the original does.
// Also the error paths: an existing output file without --force, an unreachable server.
#include <atomic>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "client/cpp/hyperd_client.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/e2e/hyperctl_fixture.h"
#include "tests/testing/messages.h"

namespace hyperd::testing {
namespace {

constexpr int kThreads = 3;
// Studies each thread must have finished before the backup starts.
constexpr int kStudiesBeforeBackup = 3;

v1::CreateStudyRequest StudyRequest(const std::string& id) {
  v1::CreateStudyRequest request;
  request.set_study_id(id);
  *request.mutable_study() = BasicStudy();
  return request;
}

std::unique_ptr<Client> Connect(const std::string& address) {
  ClientOptions options;
  options.address = address;
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? std::move(*client) : nullptr;
}

// What the load threads did, and which of it was acknowledged before the backup started.
class WriteLog {
 public:
  void StudyCreated(const std::string& id, bool before_backup) {
    absl::MutexLock lock(&mu_);
    if (before_backup) created_before_.push_back(id);
  }
  void StudyFinished(const std::string& id, bool before_backup) {
    absl::MutexLock lock(&mu_);
    if (before_backup) finished_before_.push_back(id);
    ++finished_;
  }
  void Failed(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    if (failure_.ok()) failure_ = status;
  }
  // Blocks until `n` studies are finished (or a load thread failed).
  void AwaitFinished(int n) {
    absl::MutexLock lock(&mu_);
    auto done = [this, n]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return finished_ >= n || !failure_.ok(); };
    mu_.Await(absl::Condition(&done));
  }
  std::vector<std::string> created_before() {
    absl::MutexLock lock(&mu_);
    return created_before_;
  }
  std::vector<std::string> finished_before() {
    absl::MutexLock lock(&mu_);
    return finished_before_;
  }
  absl::Status failure() {
    absl::MutexLock lock(&mu_);
    return failure_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> created_before_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> finished_before_ ABSL_GUARDED_BY(mu_);
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

// One study's whole life: create, suggest two trials, report two steps each, complete one and
// fail the other. After the last write nothing touches the study again, so a study finished
// before the backup looks the same in the backup as on the original server at the end.
absl::Status RunStudy(Client& client, const std::string& id, const std::string& worker,
                      const std::atomic<bool>& backup_started, WriteLog& log) {
  absl::StatusOr<v1::Study> study = client.CreateStudy(StudyRequest(id));
  if (!study.ok()) return study.status();
  // Read after the reply: false means the write was acknowledged before the backup began.
  log.StudyCreated(id, !backup_started.load());
  v1::SuggestTrialsRequest suggest;
  suggest.set_parent(study->name());
  suggest.set_count(2);
  suggest.set_client_id(worker);
  absl::StatusOr<v1::SuggestTrialsResponse> trials = client.SuggestTrials(suggest);
  if (!trials.ok()) return trials.status();
  if (trials->trials_size() != 2) return absl::InternalError("expected 2 suggested trials");
  for (const v1::Trial& trial : trials->trials()) {
    for (int64_t step = 1; step <= 2; ++step) {
      v1::ReportMeasurementRequest report;
      report.set_name(trial.name());
      report.set_client_id(worker);
      report.mutable_measurement()->set_step(step);
      (*report.mutable_measurement()->mutable_metrics())["loss"] =
          1.0 / static_cast<double>(step + trial.number());
      if (absl::Status s = client.ReportMeasurement(report).status(); !s.ok()) return s;
    }
  }
  v1::CompleteTrialRequest complete;
  complete.set_name(trials->trials(0).name());
  if (absl::Status s = client.CompleteTrial(complete).status(); !s.ok()) return s;
  v1::FailTrialRequest fail;
  fail.set_name(trials->trials(1).name());
  fail.set_reason("out of memory");
  fail.set_client_id(worker);
  if (absl::Status s = client.FailTrial(fail).status(); !s.ok()) return s;
  log.StudyFinished(id, !backup_started.load());
  return absl::OkStatus();
}

void ExpectSameMessage(const google::protobuf::Message& expected,
                       const google::protobuf::Message& actual, const std::string& what) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string diff;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(expected, actual)) << what << " differs:\n" << diff;
}

class BackupTest : public HyperctlFixture {};

TEST_F(BackupTest, BackupUnderLoadRestoresIntoAFreshServerServingTheSameStudies) {
  std::unique_ptr<Client> client = Connect(server_->address());
  ASSERT_NE(client, nullptr);
  std::atomic<bool> backup_started{false};
  std::atomic<bool> stop{false};
  WriteLog log;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string worker = absl::StrCat("worker-", t);
      for (int i = 0; !stop.load(); ++i) {
        absl::Status status =
            RunStudy(*client, absl::StrCat("load-", t, "-", i), worker, backup_started, log);
        if (!status.ok()) return log.Failed(status);
      }
    });
  }
  log.AwaitFinished(kThreads * kStudiesBeforeBackup);
  backup_started.store(true);
  // The load threads keep writing while hyperctl runs.
  const std::string backup_path = dir_ + "/hyperd-backup.db";
  const CommandResult backup = Hyperctl({"admin", "backup", "-o", backup_path, "--output=json"});
  stop.store(true);
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(log.failure().ok()) << log.failure();
  ASSERT_EQ(backup.exit_code, 0) << backup;
  v1::BackupInfo info;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(backup.out, &info).ok()) << backup;
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(backup_path)), info.total_bytes());
  EXPECT_FALSE(std::filesystem::exists(backup_path + ".partial"));

  // Restore: the backup as hyperd.db of an empty data directory.
  const std::string restored_dir = dir_ + "/restored";
  std::filesystem::create_directories(restored_dir);
  std::filesystem::copy_file(backup_path, restored_dir + "/hyperd.db");
  ServerProcessOptions options;
  options.binary = HYPERD_BINARY;
  options.data_dir = restored_dir;
  options.extra_args = {"--durability=normal"};
  ServerProcess restored(options);
  const absl::Status started = restored.Start();
  ASSERT_TRUE(started.ok()) << started << restored.LogTail();
  std::unique_ptr<Client> restored_client = Connect(restored.address());
  ASSERT_NE(restored_client, nullptr);

  absl::StatusOr<std::vector<v1::Study>> restored_studies = restored_client->ListAllStudies();
  ASSERT_TRUE(restored_studies.ok()) << restored_studies.status();
  EXPECT_EQ(static_cast<int64_t>(restored_studies->size()), info.study_count());
  // Every study whose creation was acknowledged before the backup started is there.
  for (const std::string& id : log.created_before()) {
    v1::GetStudyRequest get;
    get.set_name("studies/" + id);
    EXPECT_TRUE(restored_client->GetStudy(get).ok()) << id << " is missing from the backup";
  }
  // Every study finished before the backup started is served exactly as the original serves it.
  const std::vector<std::string> finished = log.finished_before();
  ASSERT_GE(finished.size(), static_cast<size_t>(kThreads * kStudiesBeforeBackup));
  for (const std::string& id : finished) {
    v1::GetStudyRequest get;
    get.set_name("studies/" + id);
    absl::StatusOr<v1::Study> original = client->GetStudy(get);
    absl::StatusOr<v1::Study> copy = restored_client->GetStudy(get);
    ASSERT_TRUE(original.ok()) << original.status();
    ASSERT_TRUE(copy.ok()) << id << ": " << copy.status();
    ExpectSameMessage(*original, *copy, "study " + id);
    absl::StatusOr<std::vector<v1::Trial>> original_trials = client->ListAllTrials(get.name());
    absl::StatusOr<std::vector<v1::Trial>> copy_trials = restored_client->ListAllTrials(get.name());
    ASSERT_TRUE(original_trials.ok()) << original_trials.status();
    ASSERT_TRUE(copy_trials.ok()) << copy_trials.status();
    ASSERT_EQ(original_trials->size(), 2u);
    ASSERT_EQ(copy_trials->size(), 2u) << id;
    for (size_t n = 0; n < 2; ++n) {
      ExpectSameMessage((*original_trials)[n], (*copy_trials)[n],
                        absl::StrCat("trial ", n, " of ", id));
    }
    EXPECT_EQ((*copy_trials)[0].state(), v1::Trial::SUCCEEDED);
    EXPECT_EQ((*copy_trials)[1].state(), v1::Trial::FAILED);
    EXPECT_EQ((*copy_trials)[0].measurements_size(), 2);
  }
  // Closed first: hyperd waits out its whole shutdown grace period while a channel is open.
  restored_client.reset();
  client.reset();
  EXPECT_TRUE(restored.Terminate().ok());
}

TEST_F(BackupTest, ClientLibraryStreamsTheWholeDatabaseIntoAStream) {
  std::unique_ptr<Client> client = Connect(server_->address());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->CreateStudy(StudyRequest("one")).ok());
  std::ostringstream out;
  absl::StatusOr<v1::BackupInfo> info = client->BackupDatabase(out);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(static_cast<int64_t>(out.str().size()), info->total_bytes());
  EXPECT_EQ(out.str().substr(0, 16), std::string("SQLite format 3\0", 16));
  EXPECT_EQ(info->study_count(), 1);
  EXPECT_EQ(info->trial_count(), 0);
  EXPECT_GT(info->schema_version(), 0);
  EXPECT_FALSE(info->server_version().empty());
  // Back to back: the first backup's slot is free as soon as its call has returned.
  std::ostringstream again;
  EXPECT_TRUE(client->BackupDatabase(again).ok());
}

TEST_F(BackupTest, RefusesToOverwriteAnExistingFileWithoutForce) {
  const std::string path = WriteFile("existing.db", "keep me");
  const CommandResult refused = Hyperctl({"admin", "backup", "-o", path});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_NE(refused.err.find("already exists"), std::string::npos) << refused;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused;
  EXPECT_EQ(std::filesystem::file_size(path), 7u) << "the existing file was changed";
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));

  const CommandResult forced = Hyperctl({"admin", "backup", "-o", path, "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced;
  EXPECT_NE(forced.out.find("backup written to " + path), std::string::npos) << forced;
  EXPECT_GT(std::filesystem::file_size(path), 7u);
}

TEST_F(BackupTest, UnreachableServerFailsAndLeavesNoFile) {
  const std::string path = dir_ + "/never.db";
  // 127.0.0.1:1 is never a hyperd; the fixture's server is not used.
  const CommandResult result =
      RunProgram(HYPERCTL_BINARY,
                 {"admin", "backup", "-o", path, "--server=127.0.0.1:1", "--deadline=5s"}, dir_);
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_NE(result.err.find("UNAVAILABLE"), std::string::npos) << result;
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST_F(BackupTest, MissingOutputDirectoryIsAnErrorNamingThePath) {
  const std::string path = dir_ + "/no/such/dir/backup.db";
  const CommandResult result = Hyperctl({"admin", "backup", "-o", path});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_NE(result.err.find(path + ".partial"), std::string::npos) << result;
}

}  // namespace
}  // namespace hyperd::testing
