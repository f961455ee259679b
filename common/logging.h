// One-line structured logs to stderr: `2026-11-27T13:00:00.123Z INFO study=mnist trial=3 msg`.
// Abseil 20220623 has no absl/log; this is the project's single logging helper.
//
//   Log(LogLevel::kInfo, "trial reaped", {{"study", id}, {"trial", absl::StrCat(n)}});
#ifndef HYPERD_COMMON_LOGGING_H_
#define HYPERD_COMMON_LOGGING_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperd {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Thread-safe. Messages below the minimum level (default kInfo) are dropped.
void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});
void SetMinLogLevel(LogLevel level);

}  // namespace hyperd

#endif  // HYPERD_COMMON_LOGGING_H_
