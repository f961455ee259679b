#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace hyperd::testing {
namespace {

// Port files and child exits are polled at this period: short next to a server start (tens of
// milliseconds) and cheap.
constexpr absl::Duration kPollPeriod = absl::Milliseconds(10);

std::string TempRoot(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return absl::StrCat("was killed by signal ", WTERMSIG(status), " (",
                        strsignal(WTERMSIG(status)), ")");
  }
  return absl::StrCat("ended with wait status ", status);
}

}  // namespace

ServerProcess::ServerProcess(ServerProcessOptions options) : options_(std::move(options)) {
  std::string pattern = TempRoot(options_.temp_root) + "/hyperd-process-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    init_status_ = absl::FailedPreconditionError(
        absl::StrCat("cannot create a work directory like ", pattern, ": ", std::strerror(errno),
                     "; set ServerProcessOptions.temp_root (or TMPDIR) to a writable directory"));
    return;
  }
  work_dir_ = pattern;
  port_file_ = work_dir_ + "/ports";
  log_path_ = work_dir_ + "/server.log";
  data_dir_ = options_.data_dir.empty() ? work_dir_ + "/data" : options_.data_dir;
}

ServerProcess::~ServerProcess() {
  if (running()) Kill().IgnoreError();
  if (!work_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir_, ignored);
  }
}

std::string ServerProcess::address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

absl::Status ServerProcess::Start() {
  if (!init_status_.ok()) return init_status_;
  // Checked here rather than after exec so the error names the path instead of an exit code 127.
  if (access(options_.binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ServerProcessOptions.binary \"", options_.binary, "\" is not an executable file (",
        std::strerror(errno), "); build the hyperd target or pass its path"));
  }
  if (running()) {
    return absl::FailedPreconditionError(absl::StrCat("hyperd is already running as pid ", pid_,
                                                      "; Kill() or Terminate() it first"));
  }
  std::error_code error;
  std::filesystem::remove(port_file_, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot remove the old port file ", port_file_, ": ", error.message()));
  }
  grpc_port_ = 0;
  metrics_port_ = 0;

  // Everything the child needs is built before fork(): between fork and exec a multithreaded
  // parent's child may only make async-signal-safe calls.
  std::vector<std::string> args = {options_.binary, "--listen=127.0.0.1:0",
                                   "--data-dir=" + data_dir_, "--port-file=" + port_file_,
                                   "--metrics-listen="};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  {
    std::ofstream log(log_path_, std::ios::app);
    log << "=== start " << starts_ + 1 << ": " << absl::StrJoin(args, " ") << "\n";
  }
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork failed: ", std::strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);  // the parent died before prctl took effect
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int fd = open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    static constexpr char kExecFailed[] = "ServerProcess: execv of the hyperd binary failed\n";
    [[maybe_unused]] ssize_t ignored = write(STDERR_FILENO, kExecFailed, sizeof(kExecFailed) - 1);
    _exit(127);
  }
  pid_ = pid;

  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (true) {
    absl::Status ports = ReadPortFile();
    if (ports.ok()) break;
    if (!absl::IsNotFound(ports)) {
      Kill().IgnoreError();
      return ports;
    }
    int status = 0;
    if (WaitForExit(absl::ZeroDuration(), &status)) {
      return absl::InternalError(absl::StrCat("hyperd ", DescribeWaitStatus(status),
                                              " before serving; log:\n", LogTail()));
    }
    if (absl::Now() > deadline) {
      Kill().IgnoreError();
      return absl::DeadlineExceededError(
          absl::StrCat("hyperd did not write ", port_file_, " within ",
                       absl::FormatDuration(options_.start_timeout), "; log:\n", LogTail()));
    }
    absl::SleepFor(kPollPeriod);
  }
  ++starts_;
  return absl::OkStatus();
}

absl::Status ServerProcess::Kill() {
  if (!running()) return absl::FailedPreconditionError("hyperd is not running; Start() it first");
  if (kill(pid_, SIGKILL) != 0 && errno != ESRCH) {
    return absl::InternalError(absl::StrCat("kill(", pid_, ", SIGKILL): ", std::strerror(errno)));
  }
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return absl::OkStatus();
}

absl::Status ServerProcess::Terminate() {
  if (!running()) return absl::FailedPreconditionError("hyperd is not running; Start() it first");
  if (kill(pid_, SIGTERM) != 0) {
    return absl::InternalError(absl::StrCat("kill(", pid_, ", SIGTERM): ", std::strerror(errno)));
  }
  int status = 0;
  if (!WaitForExit(options_.stop_timeout, &status)) {
    Kill().IgnoreError();
    return absl::DeadlineExceededError(
        absl::StrCat("hyperd did not exit within ", absl::FormatDuration(options_.stop_timeout),
                     " of SIGTERM (it was killed); log:\n", LogTail()));
  }
  if (!WIFEXITED(status)) {
    return absl::InternalError(
        absl::StrCat("hyperd ", DescribeWaitStatus(status), " after SIGTERM; log:\n", LogTail()));
  }
  if (WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("hyperd exited with code ", WEXITSTATUS(status),
                                            " after SIGTERM; log:\n", LogTail()));
  }
  return absl::OkStatus();
}

bool ServerProcess::WaitForExit(absl::Duration timeout, int* wait_status) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const pid_t done = waitpid(pid_, wait_status, WNOHANG);
    if (done == pid_ || (done < 0 && errno == ECHILD)) {
      pid_ = -1;
      return true;
    }
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(kPollPeriod);
  }
}

absl::Status ServerProcess::ReadPortFile() {
  std::ifstream in(port_file_);
  if (!in) return absl::NotFoundError(absl::StrCat(port_file_, " does not exist yet"));
  std::stringstream text;
  text << in.rdbuf();
  int grpc = 0;
  int metrics = -1;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    int port = 0;
    if (words.size() != 2 || !absl::SimpleAtoi(words[1], &port)) continue;
    if (words[0] == "grpc") grpc = port;
    if (words[0] == "metrics") metrics = port;
  }
  if (grpc <= 0 || metrics < 0) {
    return absl::InternalError(absl::StrCat("port file ", port_file_,
                                            " is not \"grpc <port>\\nmetrics <port>\\n\": \"",
                                            text.str(), "\""));
  }
  grpc_port_ = grpc;
  metrics_port_ = metrics;
  return absl::OkStatus();
}

std::string ServerProcess::LogTail(size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  if (!in) return "(no log)";
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  if (all.size() <= max_bytes) return all;
  return "..." + all.substr(all.size() - max_bytes);
}

}  // namespace hyperd::testing
