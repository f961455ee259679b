#include "client/cli/step_selection.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hyperd::cli {
namespace {

absl::StatusOr<std::vector<int64_t>> ParseStepList(const std::string& text) {
  std::vector<int64_t> steps;
  for (absl::string_view word : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    int64_t step = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(word), &step) || step < 0) {
      return UsageError(absl::StrCat("--steps ", text, ": '", word,
                                     "' is not a step; give optimizer steps >= 0, "
                                     "comma-separated, e.g. --steps 0,10,100"));
    }
    steps.push_back(step);
  }
  if (steps.empty()) return UsageError("--steps is empty; give steps such as --steps 0,10,100");
  return steps;
}

std::vector<int64_t> EveryNthStep(int64_t every, int64_t total_steps) {
  std::vector<int64_t> steps;
  for (int64_t step = 0; step < total_steps; step += every) steps.push_back(step);
  if (steps.back() != total_steps - 1) steps.push_back(total_steps - 1);
  return steps;
}

}  // namespace

std::vector<FlagSpec> StepSelectionFlags() {
  return {{"steps", '\0', "S1,S2,...", "print the LR at these optimizer steps (0-indexed)"},
          {"every", '\0', "N", "print every N-th step and the last update (default: T/10)"}};
}

absl::StatusOr<std::vector<int64_t>> SelectSteps(const ParsedCommandLine& args,
                                                 int64_t total_steps) {
  if (args.Has("steps") && args.Has("every")) {
    return UsageError("--steps and --every both choose the steps to print; give one of them");
  }
  if (args.Has("steps")) return ParseStepList(args.Get("steps"));
  const int64_t total = std::max<int64_t>(total_steps, 1);
  int64_t every = (total + 9) / 10;
  if (args.Has("every")) {
    const std::string text = args.Get("every");
    if (!absl::SimpleAtoi(text, &every) || every < 1) {
      return UsageError(
          absl::StrCat("--every=", text, " is not a step interval; give an integer >= 1"));
    }
  }
  return EveryNthStep(every, total);
}

}  // namespace hyperd::cli
