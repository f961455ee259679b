#include "common/logging.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hyperd {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> log_format{static_cast<int>(LogFormat::kText)};

std::mutex sink_mu;
std::function<void(absl::string_view)>* test_sink = nullptr;  // guarded by sink_mu

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

// Values with spaces, quotes or '=' are quoted so every text line stays machine-parseable.
std::string TextValue(absl::string_view value) {
  if (!value.empty() && value.find_first_of(" \"=\n\\") == absl::string_view::npos) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c == '\n' ? ' ' : c);
  }
  return quoted + "\"";
}

// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
std::string JsonString(absl::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppend(
              &out, "\\u00",
              absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(&c), 1)));
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

}  // namespace

void SetMinLogLevel(LogLevel level) { min_level.store(static_cast<int>(level)); }

bool LogLevelEnabled(LogLevel level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

void SetLogFormat(LogFormat format) { log_format.store(static_cast<int>(format)); }

std::string FormatLogLine(LogFormat format, absl::string_view timestamp, LogLevel level,
                          absl::string_view message, const LogFields& fields) {
  if (format == LogFormat::kJson) {
    std::string line =
        absl::StrCat("{\"ts\":", JsonString(timestamp), ",\"level\":", JsonString(LevelName(level)),
                     ",\"msg\":", JsonString(message));
    for (const auto& [key, value] : fields) {
      absl::StrAppend(&line, ",", JsonString(key), ":", JsonString(value));
    }
    return line + "}";
  }
  std::string line = absl::StrCat(timestamp, " ", LevelName(level), " msg=", TextValue(message));
  for (const auto& [key, value] : fields) absl::StrAppend(&line, " ", key, "=", TextValue(value));
  return line;
}

void SetLogSinkForTesting(std::function<void(absl::string_view line)> sink) {
  std::lock_guard<std::mutex> lock(sink_mu);
  delete test_sink;
  test_sink = sink ? new std::function<void(absl::string_view)>(std::move(sink)) : nullptr;
}

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  if (!LogLevelEnabled(level)) return;
  const std::string timestamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line =
      FormatLogLine(static_cast<LogFormat>(log_format.load()), timestamp, level, message, fields);
  {
    std::lock_guard<std::mutex> lock(sink_mu);
    if (test_sink != nullptr) {
      (*test_sink)(line);
      return;
    }
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line: no interleaving
}

}  // namespace hyperd
