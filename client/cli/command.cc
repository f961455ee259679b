#include "client/cli/command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace hyperd::cli {

absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  if (auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
      !status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot encode the reply as JSON: ", status.message().ToString()));
  }
  out << json;
  if (json.empty() || json.back() != '\n') out << '\n';
  return absl::OkStatus();
}

absl::StatusOr<int64_t> IntFlag(const ParsedCommandLine& args, absl::string_view flag,
                                int64_t fallback) {
  if (!args.Has(flag)) return fallback;
  const std::string text = args.Get(flag);
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return UsageError(absl::StrCat("--", flag, "=", text, " is not an integer"));
  }
  return value;
}

absl::StatusOr<double> DoubleFlag(const ParsedCommandLine& args, absl::string_view flag) {
  const std::string text = args.Get(flag);
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) {
    return UsageError(absl::StrCat("--", flag, "=", text, " is not a number"));
  }
  return value;
}

absl::StatusOr<std::string> ReadInputFile(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path);
  if (!file) {
    return UsageError(absl::StrCat("cannot read ", path, ": no such file or not readable"));
  }
  text << file.rdbuf();
  return text.str();
}

}  // namespace hyperd::cli
