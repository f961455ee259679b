// The text form of a bandit policy's state: whitespace-separated tokens, one labelled field per
// line ("arm_sums 3ff0000000000000 ..."), integers in decimal and doubles as the 16 hex digits of
// their IEEE-754 bit pattern, so a round trip is bit-exact and independent of locale.
//
// The reader validates every token and returns INVALID_ARGUMENT "bandit state: <field>: ..." for
// anything unexpected, so a corrupt blob is refused rather than trusted.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_STATE_CODEC_H_
#define HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_STATE_CODEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace hyperd::algorithms {

// The token of a double (16 lower-case hex digits of its bits).
std::string EncodeStateDouble(double value);

class StateWriter {
 public:
  // Starts a new line with `label`.
  void Field(absl::string_view label);
  // Appends `text` (no newline) as is, e.g. a configuration signature.
  void Text(absl::string_view text);
  void Int(int64_t value);
  void Double(double value);
  void Ints(absl::Span<const int64_t> values);
  void Doubles(absl::Span<const double> values);
  std::string Finish() &&;

 private:
  std::string text_;
};

class StateReader {
 public:
  explicit StateReader(absl::string_view text) : text_(text) {}

  // The next token must be `label`.
  absl::Status Field(absl::string_view label);
  // The rest of the current line (after the label), for the configuration line.
  absl::StatusOr<absl::string_view> RestOfLine(absl::string_view field);
  absl::StatusOr<int64_t> Int(absl::string_view field, int64_t min, int64_t max);
  // A double within [min, max] (so never NaN).
  absl::StatusOr<double> Double(absl::string_view field, double min, double max);
  // `count` values, each within its range, into *out (resized).
  absl::Status Ints(absl::string_view field, size_t count, int64_t min, int64_t max,
                    std::vector<int64_t>* out);
  absl::Status Doubles(absl::string_view field, size_t count, double min, double max,
                       std::vector<double>* out);
  // OK when only whitespace remains.
  absl::Status Finish();

 private:
  absl::StatusOr<absl::string_view> NextToken(absl::string_view field);

  absl::string_view text_;
};

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_BANDIT_BANDIT_STATE_CODEC_H_
