#include "client/cli/resource_names.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/cli/args.h"

namespace hyperd::cli {
namespace {

constexpr char kStudiesPrefix[] = "studies/";

absl::StatusOr<std::string> TrialNumber(absl::string_view text) {
  int64_t number = 0;
  if (!absl::SimpleAtoi(text, &number) || number < 0) {
    return UsageError(absl::StrCat("trial number '", text,
                                   "' is not a non-negative integer; trials are numbered 0, 1, "
                                   "2, ... (see 'hyperctl trial list STUDY')"));
  }
  return absl::StrCat(number);
}

}  // namespace

absl::StatusOr<std::string> StudyName(absl::string_view arg) {
  const absl::string_view id = absl::StripPrefix(arg, kStudiesPrefix);
  if (id.empty() || absl::StrContains(id, '/')) {
    return UsageError(absl::StrCat("'", arg,
                                   "' is not a study; write its id (mnist) or its name "
                                   "(studies/mnist)"));
  }
  return absl::StrCat(kStudiesPrefix, id);
}

absl::StatusOr<std::string> TrialName(const std::vector<std::string>& args) {
  if (args.size() == 2) {
    absl::StatusOr<std::string> study = StudyName(args[0]);
    if (!study.ok()) return study.status();
    absl::StatusOr<std::string> number = TrialNumber(args[1]);
    if (!number.ok()) return number.status();
    return absl::StrCat(*study, "/trials/", *number);
  }
  const std::vector<absl::string_view> parts =
      args.size() == 1 ? absl::StrSplit(args[0], '/') : std::vector<absl::string_view>();
  if (parts.size() != 4 || parts[0] != "studies" || parts[1].empty() || parts[2] != "trials") {
    return UsageError(absl::StrCat("'", absl::StrJoin(args, " "),
                                   "' is not a trial; write STUDY N (mnist 3) or a trial name "
                                   "(studies/mnist/trials/3)"));
  }
  absl::StatusOr<std::string> number = TrialNumber(parts[3]);
  if (!number.ok()) return number.status();
  return absl::StrCat(kStudiesPrefix, parts[1], "/trials/", *number);
}

std::string ParentOfTrial(absl::string_view trial_name) {
  const size_t pos = trial_name.find("/trials/");
  return std::string(trial_name.substr(0, pos));
}

}  // namespace hyperd::cli
