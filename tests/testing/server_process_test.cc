// ServerProcess against the real hyperd binary: where it puts its files, what it leaves behind,
// and how it reports a bad configuration.
#include "tests/testing/server_process.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kBinary[] = HYPERD_BINARY;

ServerProcessOptions Options(std::string binary = kBinary) {
  ServerProcessOptions options;
  options.binary = std::move(binary);
  return options;
}

// A fresh empty directory for one test, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") +
                          "/server-process-test-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ServerProcess, KeepsAFreshDataDirUnderTempRootAndRemovesItOnDestruction) {
  ScratchDir root;
  ASSERT_FALSE(root.path().empty());
  std::string work_dir;
  std::string data_dir;
  {
    ServerProcessOptions options = Options();
    options.temp_root = root.path();
    options.extra_args = {"--metrics-listen=127.0.0.1:0", "--durability=normal"};
    ServerProcess server(options);
    ASSERT_TRUE(server.Start().ok()) << server.LogTail();
    work_dir = server.work_dir();
    data_dir = server.data_dir();
    EXPECT_THAT(work_dir, StartsWith(root.path() + "/"));
    EXPECT_THAT(data_dir, StartsWith(work_dir + "/"));
    EXPECT_TRUE(std::filesystem::is_directory(data_dir));
    EXPECT_GT(server.grpc_port(), 0);
    EXPECT_GT(server.metrics_port(), 0)
        << "a later --metrics-listen overrides the disabled default";
    const absl::Status stopped = server.Terminate();
    ASSERT_TRUE(stopped.ok()) << stopped;
  }
  EXPECT_FALSE(std::filesystem::exists(work_dir));
  EXPECT_TRUE(std::filesystem::is_empty(root.path()));
}

TEST(ServerProcess, LeavesACallersDataDirInPlace) {
  ScratchDir data;
  ASSERT_FALSE(data.path().empty());
  {
    ServerProcessOptions options = Options();
    options.data_dir = data.path();
    ServerProcess server(options);
    ASSERT_TRUE(server.Start().ok()) << server.LogTail();
    EXPECT_EQ(server.metrics_port(), 0) << "metrics are disabled by default";
    ASSERT_TRUE(server.Kill().ok());
  }
  EXPECT_TRUE(std::filesystem::is_directory(data.path()));
  EXPECT_FALSE(std::filesystem::is_empty(data.path())) << "hyperd's store should still be there";
}

TEST(ServerProcess, StartNamesABinaryThatIsNotExecutable) {
  ScratchDir root;
  ASSERT_FALSE(root.path().empty());
  const std::string missing = root.path() + "/no-such-hyperd";
  ServerProcess server(Options(missing));
  absl::Status status = server.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr(missing));
  EXPECT_THAT(status.message(), HasSubstr("not an executable file"));
  EXPECT_FALSE(server.running());
}

TEST(ServerProcess, StartReportsATempRootWhereNoWorkDirCanBeMade) {
  ScratchDir root;
  ASSERT_FALSE(root.path().empty());
  ServerProcessOptions options = Options();
  options.temp_root = root.path() + "/missing/parent";
  ServerProcess server(options);
  EXPECT_TRUE(server.work_dir().empty());
  absl::Status status = server.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("temp_root"));
  EXPECT_FALSE(server.running());
}

}  // namespace
}  // namespace hyperd::testing
