// The main() of a fuzz target in the normal (g++) build: runs LLVMFuzzerTestOneInput once over
// every file of the given corpus directories (or files), so each committed seed and each past
// crash is a regression test. Exits 0 when every input returned; a crash or a violated
// invariant aborts, which fails the test.
//
//   request_validation_fuzzer_replay fuzz/corpus/request_validation_fuzzer fuzz/regressions/...
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// Regular files under `path` (recursively), or `path` itself; sorted so runs are reproducible.
std::vector<std::filesystem::path> InputsUnder(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> inputs;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path, error)) {
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
  } else if (std::filesystem::exists(path, error)) {
    inputs.push_back(path);
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus dir or file>...\n", argv[0]);
    return 2;
  }
  int replayed = 0;
  for (int i = 1; i < argc; ++i) {
    // A missing regressions directory is normal (no crash found yet); a missing corpus is not.
    const std::vector<std::filesystem::path> inputs = InputsUnder(argv[i]);
    for (const std::filesystem::path& input : inputs) {
      std::ifstream file(input, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(file)),
                              std::istreambuf_iterator<char>());
      std::fprintf(stderr, "replaying %s (%zu bytes)\n", input.c_str(), bytes.size());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  if (replayed == 0) {
    std::fprintf(stderr,
                 "no inputs found: pass the seed corpus directory (fuzz/corpus/<target>)\n");
    return 1;
  }
  std::fprintf(stderr, "replayed %d inputs without a crash\n", replayed);
  return 0;
}
