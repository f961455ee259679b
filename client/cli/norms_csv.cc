#include "client/cli/norms_csv.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli/args.h"

namespace hyperd::cli {

absl::Status ParseNormsCsv(absl::string_view text, absl::string_view file_name,
                           v1::RefineScheduleRequest* request) {
  int line_number = 0;
  bool seen_data = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    const std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    int64_t step = 0;
    double norm = 0;
    const bool step_ok = absl::SimpleAtoi(absl::StripAsciiWhitespace(fields[0]), &step);
    if (!step_ok && !seen_data) {
      seen_data = true;  // a header line: only the first one may be skipped
      continue;
    }
    seen_data = true;
    if (!step_ok || fields.size() != 2 ||
        !absl::SimpleAtod(absl::StripAsciiWhitespace(fields[1]), &norm)) {
      return UsageError(absl::StrCat(file_name, " line ", line_number, ": '", line,
                                     "' is not STEP,NORM (an integer step and a number, e.g. "
                                     "120,0.83)"));
    }
    request->add_steps(step);
    request->add_norms(norm);
  }
  if (request->steps().empty()) {
    return UsageError(absl::StrCat(file_name,
                                   " has no STEP,NORM lines; log one line per optimizer step, "
                                   "e.g. 0,1.52"));
  }
  return absl::OkStatus();
}

}  // namespace hyperd::cli
