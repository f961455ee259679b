#include "fuzz/quiet_logs.h"

#include <string>

#include "common/logging.h"
#include "google/protobuf/stubs/logging.h"

namespace hyperd::fuzz {
namespace {

void DropProtobufLog(google::protobuf::LogLevel /*level*/, const char* /*filename*/, int /*line*/,
                     const std::string& /*message*/) {}

}  // namespace

void SilenceLogs() {
  SetMinLogLevel(LogLevel::kError);
  google::protobuf::SetLogHandler(&DropProtobufLog);
}

}  // namespace hyperd::fuzz
