// A per-process scratch directory for targets that need files (SQLite databases): created on
// first use under $TMPDIR (default /tmp), emptied by Clear() between inputs and removed at exit.
#ifndef HYPERD_FUZZ_SCRATCH_DIR_H_
#define HYPERD_FUZZ_SCRATCH_DIR_H_

#include <string>

namespace hyperd::fuzz {

// The directory (created once per process; aborts if it cannot be created).
const std::string& ScratchDir();
// Removes everything inside ScratchDir().
void ClearScratchDir();

}  // namespace hyperd::fuzz

#endif  // HYPERD_FUZZ_SCRATCH_DIR_H_
