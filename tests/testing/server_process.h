// ServerProcess: the real hyperd binary as a child process, for end-to-end tests and benchmarks
// that start, stop and kill it.
//
//   ServerProcess server({.binary = HYPERD_BINARY, .data_dir = dir});
//   RETURN_IF_ERROR(server.Start());          // waits until the port file appears
//   ... connect to server.address() ...
//   RETURN_IF_ERROR(server.Kill());           // SIGKILL, like a crash or an OOM kill
//   RETURN_IF_ERROR(server.Start());          // same data dir; a new port (clients re-resolve)
//   RETURN_IF_ERROR(server.Terminate());      // SIGTERM: graceful, must exit 0
//
// The server always listens on 127.0.0.1:0 (a free port) and reports its ports through
// --port-file, so a restart usually changes the gRPC port. Its stdout and stderr are appended to
// one log file per ServerProcess (LogTail() shows the end of it in failure messages). Without a
// data_dir the server gets a fresh one inside the private work directory, removed with it.
//
// Not thread-safe: one thread drives the process. The child gets SIGKILL if the thread that
// started it exits (PR_SET_PDEATHSIG), so a crashed test never leaves a server behind.
//
// Test-support code without a GoogleTest dependency, so benchmarks and tools can link it too.
#ifndef HYPERD_TESTS_TESTING_SERVER_PROCESS_H_
#define HYPERD_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hyperd::testing {

struct ServerProcessOptions {
  // Path of the hyperd executable.
  std::string binary;
  // The --data-dir; kept across restarts. Empty: a "data" folder in the process's work directory
  // (fresh, and removed on destruction).
  std::string data_dir;
  // Parent of the private work directory (port file, log, default data dir). Empty: $TMPDIR or
  // /tmp. With the default data dir it decides which disk the server's fsyncs hit.
  std::string temp_root;
  // More flags, e.g. "--durability=normal" or "--reaper-interval=500ms". --listen, --data-dir,
  // --port-file and --metrics-listen are set by ServerProcess; "--metrics-listen=" (disabled) is
  // the default, and a later --metrics-listen here overrides it (e.g. "127.0.0.1:0": a free port,
  // then read metrics_port()).
  std::vector<std::string> extra_args;
  // How long Start() waits for the port file before it kills the child and fails.
  absl::Duration start_timeout = absl::Seconds(20);
  // How long Terminate() waits for the exit after SIGTERM before it kills the child and fails.
  absl::Duration stop_timeout = absl::Seconds(20);
};

class ServerProcess {
 public:
  // Creates a private work directory (port file, log, default data dir) under
  // options.temp_root. A failure to create it is reported by Start().
  explicit ServerProcess(ServerProcessOptions options);
  // Kills a running child (SIGKILL) and removes the work directory (not a caller's data_dir).
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the binary and waits, polling, until it has written its port file. Fails if the
  // binary is not an executable file, it is already running, exits early, or is not serving
  // within start_timeout (then it is killed).
  absl::Status Start();
  // SIGKILL and reap. Fails if it is not running.
  absl::Status Kill();
  // SIGTERM, then waits up to stop_timeout for the exit. OK only for a clean exit with code 0;
  // otherwise the error says how it ended and shows the end of the log. Fails if it is not
  // running or does not exit in time (then it is killed).
  absl::Status Terminate();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Valid after a successful Start(), until the next Start().
  int grpc_port() const { return grpc_port_; }
  // 0 while metrics are disabled (the default).
  int metrics_port() const { return metrics_port_; }
  // "127.0.0.1:<grpc_port>".
  std::string address() const;
  // Number of successful Start() calls so far.
  int starts() const { return starts_; }
  // The private work directory; empty if it could not be created.
  const std::string& work_dir() const { return work_dir_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& log_path() const { return log_path_; }
  // The last `max_bytes` of the log, for failure messages.
  std::string LogTail(size_t max_bytes = 4000) const;

 private:
  // Waits up to `timeout` for the child to exit. Returns whether it exited; then *wait_status
  // holds its status from waitpid and the process is reaped.
  bool WaitForExit(absl::Duration timeout, int* wait_status);
  // Reads "grpc <port>\nmetrics <port>\n"; NotFound while the file does not exist yet.
  absl::Status ReadPortFile();

  const ServerProcessOptions options_;
  absl::Status init_status_;  // why the work directory could not be made, if it could not
  std::string work_dir_;
  std::string data_dir_;
  std::string port_file_;
  std::string log_path_;
  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  int starts_ = 0;
};

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_TESTING_SERVER_PROCESS_H_
