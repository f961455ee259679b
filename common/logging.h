// One-line structured logs to stderr, one event per line, with the request's study/trial:
//   text: `2026-11-27T13:00:00.123Z INFO msg="trial reaped" study=mnist trial=3`
//   json: `{"ts":"2026-11-27T13:00:00.123Z","level":"INFO","msg":"trial
//   reaped","study":"mnist",...}`
// Abseil 20220623 has no absl/log; this is the project's single logging helper.
//
//   Log(LogLevel::kInfo, "trial reaped", {{"study", id}, {"trial", absl::StrCat(n)}});
#ifndef HYPERD_COMMON_LOGGING_H_
#define HYPERD_COMMON_LOGGING_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperd {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class LogFormat { kText, kJson };

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Thread-safe. Messages below the minimum level (default kInfo) are dropped.
void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});
void SetMinLogLevel(LogLevel level);
bool LogLevelEnabled(LogLevel level);
void SetLogFormat(LogFormat format);  // default kText

// The line Log writes (without the trailing newline), for `format`.
std::string FormatLogLine(LogFormat format, absl::string_view timestamp, LogLevel level,
                          absl::string_view message, const LogFields& fields);

// Tests: while set, lines go to `sink` instead of stderr. Pass nullptr to restore stderr.
void SetLogSinkForTesting(std::function<void(absl::string_view line)> sink);

}  // namespace hyperd

#endif  // HYPERD_COMMON_LOGGING_H_
