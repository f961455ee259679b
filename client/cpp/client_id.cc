#include "client/cpp/client_id.h"

#include <unistd.h>

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hyperd {
namespace {

std::string HostName() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof(buffer) - 1) != 0 || buffer[0] == '\0') return "localhost";
  return buffer;
}

}  // namespace

std::string DefaultClientId() {
  // absl::BitGen is seeded from the OS entropy source, so ids differ across processes.
  thread_local absl::BitGen bitgen;
  const uint64_t random = absl::Uniform<uint64_t>(bitgen);
  return absl::StrCat(HostName(), ":", getpid(), ":", absl::StrFormat("%016x", random));
}

}  // namespace hyperd
