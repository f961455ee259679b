// A test fixture for hyperctl end to end: a real hyperd (fresh data directory, durability normal)
// per test, and helpers that run the real hyperctl against it. The including test target defines
// HYPERD_BINARY and HYPERCTL_BINARY.
#ifndef HYPERD_TESTS_E2E_HYPERCTL_FIXTURE_H_
#define HYPERD_TESTS_E2E_HYPERCTL_FIXTURE_H_

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/e2e/program_runner.h"
#include "tests/testing/server_process.h"

namespace hyperd::testing {

class HyperctlFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/hyperctl_e2e_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr) << std::strerror(errno);
    dir_ = pattern;
    ServerProcessOptions options;
    options.binary = HYPERD_BINARY;
    options.data_dir = dir_ + "/data";
    options.extra_args = {"--durability=normal"};
    server_ = std::make_unique<ServerProcess>(options);
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
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
  std::string Ok(const std::vector<std::string>& args) {
    CommandResult result = Hyperctl(args);
    EXPECT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << result;
    return result.out;
  }

  // The same with `-o json`, parsed into `Message`.
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

  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_E2E_HYPERCTL_FIXTURE_H_
