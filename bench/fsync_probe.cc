#include "bench/fsync_probe.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hyperd::bench {

absl::StatusOr<std::vector<double>> MeasureFdatasync(const std::string& dir, int count) {
  std::string path = dir + "/hyperd-fsync-probe-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("fsync probe: cannot create a file in \"", dir, "\": ", strerror(errno)));
  }
  unlink(path.c_str());  // the open descriptor keeps it alive until close
  const std::string block(4096, 'x');
  std::vector<double> seconds;
  for (int i = 0; i < count; ++i) {
    if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) {
      const int error = errno;
      close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat("fsync probe: write in \"", dir, "\" failed: ", strerror(error)));
    }
    const auto start = std::chrono::steady_clock::now();
    fdatasync(fd);
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  close(fd);
  std::sort(seconds.begin(), seconds.end());
  return seconds;
}

}  // namespace hyperd::bench
