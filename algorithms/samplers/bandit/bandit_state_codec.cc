#include "algorithms/samplers/bandit/bandit_state_codec.h"

#include <cmath>
#include <cstring>

#include "absl/base/casts.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hyperd::algorithms {
namespace {

constexpr size_t kMaxShownToken = 24;

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("bandit state: ", field, ": ", what));
}

std::string Shown(absl::string_view token) {
  if (token.size() <= kMaxShownToken) return std::string(token);
  return absl::StrCat(token.substr(0, kMaxShownToken), "...");
}

}  // namespace

std::string EncodeStateDouble(double value) {
  return absl::StrCat(absl::Hex(absl::bit_cast<uint64_t>(value), absl::kZeroPad16));
}

void StateWriter::Field(absl::string_view label) {
  if (!text_.empty()) text_.push_back('\n');
  text_.append(label.data(), label.size());
}

void StateWriter::Text(absl::string_view text) { absl::StrAppend(&text_, " ", text); }

void StateWriter::Int(int64_t value) { absl::StrAppend(&text_, " ", value); }

void StateWriter::Double(double value) { absl::StrAppend(&text_, " ", EncodeStateDouble(value)); }

void StateWriter::Ints(absl::Span<const int64_t> values) {
  for (int64_t value : values) Int(value);
}

void StateWriter::Doubles(absl::Span<const double> values) {
  for (double value : values) Double(value);
}

std::string StateWriter::Finish() && {
  text_.push_back('\n');
  return std::move(text_);
}

absl::StatusOr<absl::string_view> StateReader::NextToken(absl::string_view field) {
  size_t begin = 0;
  while (begin < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[begin]))) {
    ++begin;
  }
  size_t end = begin;
  while (end < text_.size() && !absl::ascii_isspace(static_cast<unsigned char>(text_[end]))) {
    ++end;
  }
  if (begin == end) return Invalid(field, "the state ends early; it is truncated");
  absl::string_view token = text_.substr(begin, end - begin);
  text_.remove_prefix(end);
  return token;
}

absl::Status StateReader::Field(absl::string_view label) {
  absl::StatusOr<absl::string_view> token = NextToken(label);
  if (!token.ok()) return token.status();
  if (*token != label) {
    return Invalid(label, absl::StrCat("expected this field, found '", Shown(*token), "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::string_view> StateReader::RestOfLine(absl::string_view field) {
  const size_t end = text_.find('\n');
  absl::string_view line = text_.substr(0, end);
  text_.remove_prefix(end == absl::string_view::npos ? text_.size() : end);
  line = absl::StripAsciiWhitespace(line);
  if (line.empty()) return Invalid(field, "is empty");
  return line;
}

absl::StatusOr<int64_t> StateReader::Int(absl::string_view field, int64_t min, int64_t max) {
  absl::StatusOr<absl::string_view> token = NextToken(field);
  if (!token.ok()) return token.status();
  int64_t value = 0;
  if (!absl::SimpleAtoi(*token, &value)) {
    return Invalid(field, absl::StrCat("expected an integer, found '", Shown(*token), "'"));
  }
  if (value < min || value > max) {
    return Invalid(field, absl::StrCat("must be in [", min, ", ", max, "], got ", value));
  }
  return value;
}

absl::StatusOr<double> StateReader::Double(absl::string_view field, double min, double max) {
  absl::StatusOr<absl::string_view> token = NextToken(field);
  if (!token.ok()) return token.status();
  uint64_t bits = 0;
  if (token->size() != 16 || !absl::SimpleHexAtoi(*token, &bits)) {
    return Invalid(field,
                   absl::StrCat("expected 16 hex digits of a double, found '", Shown(*token), "'"));
  }
  const double value = absl::bit_cast<double>(bits);
  if (!(value >= min && value <= max)) {
    return Invalid(field, absl::StrCat("must be in [", min, ", ", max, "], got ", value));
  }
  return value;
}

absl::Status StateReader::Ints(absl::string_view field, size_t count, int64_t min, int64_t max,
                               std::vector<int64_t>* out) {
  if (absl::Status status = Field(field); !status.ok()) return status;
  out->resize(count);
  for (size_t i = 0; i < count; ++i) {
    absl::StatusOr<int64_t> value = Int(field, min, max);
    if (!value.ok()) return value.status();
    (*out)[i] = *value;
  }
  return absl::OkStatus();
}

absl::Status StateReader::Doubles(absl::string_view field, size_t count, double min, double max,
                                  std::vector<double>* out) {
  if (absl::Status status = Field(field); !status.ok()) return status;
  out->resize(count);
  for (size_t i = 0; i < count; ++i) {
    absl::StatusOr<double> value = Double(field, min, max);
    if (!value.ok()) return value.status();
    (*out)[i] = *value;
  }
  return absl::OkStatus();
}

absl::Status StateReader::Finish() {
  if (!absl::StripLeadingAsciiWhitespace(text_).empty()) {
    return Invalid("end", "unexpected data after the last field");
  }
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
