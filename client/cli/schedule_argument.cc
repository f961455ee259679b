#include "client/cli/schedule_argument.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "client/cli/args.h"
#include "common/status_macros.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace hyperd::cli {
namespace {

using v1::Schedule;

// What each family takes after its name, for messages and help.
constexpr const char* kFamilySpecs[] = {"constant",
                                        "linear",
                                        "cosine",
                                        "wsd[:COOLDOWN_FRACTION[:linear|cosine|1-sqrt]]",
                                        "polynomial[:POWER]",
                                        "inverse_sqrt[:TIMESCALE]",
                                        "onecycle[:PCT_START[:cos|linear]]",
                                        "step:STEP_SIZE[:GAMMA]"};

struct SpecWords {
  std::string spec;
  std::vector<std::string> args;  // the words after the family name

  absl::Status Usage(absl::string_view what) const {
    return UsageError(absl::StrCat("schedule '", spec, "': ", what, "; write one of ",
                                   FamilySpecNames(", "), ", or @FILE for a schedule file"));
  }
  absl::Status AtMost(size_t count) const {
    if (args.size() <= count) return absl::OkStatus();
    return Usage(absl::StrCat("too many ':' parameters (at most ", count, ")"));
  }
  absl::StatusOr<double> Number(size_t i, absl::string_view name) const {
    double value = 0;
    if (!absl::SimpleAtod(args[i], &value)) {
      return Usage(absl::StrCat(name, " '", args[i], "' is not a number"));
    }
    return value;
  }
  absl::StatusOr<int64_t> Integer(size_t i, absl::string_view name) const {
    int64_t value = 0;
    if (!absl::SimpleAtoi(args[i], &value)) {
      return Usage(absl::StrCat(name, " '", args[i], "' is not an integer"));
    }
    return value;
  }
};

absl::Status ParseWsd(const SpecWords& words, v1::WsdParams* wsd) {
  RETURN_IF_ERROR(words.AtMost(2));
  if (words.args.size() >= 1) {
    ASSIGN_OR_RETURN(double fraction, words.Number(0, "COOLDOWN_FRACTION"));
    wsd->set_cooldown_fraction(fraction);
  }
  if (words.args.size() == 2) {
    const std::string& shape = words.args[1];
    if (shape == "linear") {
      wsd->set_decay_shape(v1::WsdParams::LINEAR);
    } else if (shape == "cosine") {
      wsd->set_decay_shape(v1::WsdParams::COSINE);
    } else if (shape == "1-sqrt") {
      wsd->set_decay_shape(v1::WsdParams::ONE_MINUS_SQRT);
    } else {
      return words.Usage(
          absl::StrCat("cooldown shape '", shape, "' is not linear, cosine or 1-sqrt"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseOneCycle(const SpecWords& words, v1::OneCycleParams* onecycle) {
  RETURN_IF_ERROR(words.AtMost(2));
  if (words.args.size() >= 1) {
    ASSIGN_OR_RETURN(double pct_start, words.Number(0, "PCT_START"));
    onecycle->set_pct_start(pct_start);
  }
  if (words.args.size() == 2) {
    const std::string& anneal = words.args[1];
    if (anneal == "cos") {
      onecycle->set_anneal(v1::OneCycleParams::COS);
    } else if (anneal == "linear") {
      onecycle->set_anneal(v1::OneCycleParams::LINEAR);
    } else {
      return words.Usage(absl::StrCat("anneal strategy '", anneal, "' is not cos or linear"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseFamilyParameters(const SpecWords& words, Schedule* schedule) {
  switch (schedule->family()) {
    case Schedule::WSD:
      return ParseWsd(words, schedule->mutable_wsd());
    case Schedule::POLYNOMIAL:
      RETURN_IF_ERROR(words.AtMost(1));
      if (!words.args.empty()) {
        ASSIGN_OR_RETURN(double power, words.Number(0, "POWER"));
        schedule->mutable_polynomial()->set_power(power);
      }
      return absl::OkStatus();
    case Schedule::INVERSE_SQRT:
      RETURN_IF_ERROR(words.AtMost(1));
      if (!words.args.empty()) {
        ASSIGN_OR_RETURN(int64_t timescale, words.Integer(0, "TIMESCALE"));
        schedule->mutable_inverse_sqrt()->set_timescale(timescale);
      }
      return absl::OkStatus();
    case Schedule::ONECYCLE:
      return ParseOneCycle(words, schedule->mutable_onecycle());
    case Schedule::STEP: {
      if (words.args.empty()) return words.Usage("step needs STEP_SIZE, e.g. step:30");
      RETURN_IF_ERROR(words.AtMost(2));
      ASSIGN_OR_RETURN(int64_t step_size, words.Integer(0, "STEP_SIZE"));
      schedule->mutable_step()->set_step_size(step_size);
      if (words.args.size() == 2) {
        ASSIGN_OR_RETURN(double gamma, words.Number(1, "GAMMA"));
        schedule->mutable_step()->set_gamma(gamma);
      }
      return absl::OkStatus();
    }
    case Schedule::PIECEWISE_CONSTANT:
    case Schedule::TABULATED:
      return words.Usage(
          absl::StrCat(absl::AsciiStrToLower(Schedule::Family_Name(schedule->family())),
                       " takes a list of numbers: give it in a schedule file"));
    default:
      return words.AtMost(0);
  }
}

// Records the first error of the text-format parser ("line 3 column 7: ...", 1-based).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty())
      error_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

std::string FamilySpecNames(absl::string_view separator) {
  return absl::StrJoin(kFamilySpecs, separator);
}

absl::StatusOr<v1::Schedule> ParseScheduleFamilySpec(absl::string_view spec) {
  SpecWords words;
  words.spec = std::string(spec);
  std::vector<std::string> parts = absl::StrSplit(spec, ':');
  const std::string family_name = absl::AsciiStrToUpper(
      absl::StrReplaceAll(absl::StripAsciiWhitespace(parts[0]), {{"-", "_"}}));
  Schedule::Family family = Schedule::FAMILY_UNSPECIFIED;
  if (!Schedule::Family_Parse(family_name, &family) || family == Schedule::FAMILY_UNSPECIFIED) {
    return absl::NotFoundError(absl::StrCat(
        "'", spec, "' is not a schedule family; the families are ", FamilySpecNames(", ")));
  }
  words.args.assign(parts.begin() + 1, parts.end());
  Schedule schedule;
  schedule.set_family(family);
  RETURN_IF_ERROR(ParseFamilyParameters(words, &schedule));
  return schedule;
}

absl::StatusOr<v1::Schedule> ParseScheduleFile(absl::string_view text,
                                               absl::string_view file_name) {
  Schedule schedule;
  const absl::string_view body = absl::StripLeadingAsciiWhitespace(text);
  if (absl::StartsWith(body, "{")) {
    if (auto status = google::protobuf::util::JsonStringToMessage(std::string(body), &schedule);
        !status.ok()) {
      return UsageError(absl::StrCat(
          file_name, " is not a hyperd.v1.Schedule in proto3 JSON: ", status.message().ToString()));
    }
    return schedule;
  }
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &schedule)) {
    return UsageError(absl::StrCat(file_name,
                                   " is not a hyperd.v1.Schedule in JSON or the protobuf text "
                                   "format: ",
                                   errors.error()));
  }
  return schedule;
}

}  // namespace hyperd::cli
