// A small streaming JSON writer for the dashboard's documents: appends to one reserved string,
// inserts commas itself, escapes strings per RFC 8259 and writes numbers with 7 significant
// digits (std::to_chars, no streams), non-finite numbers as null (JSON has no NaN or Infinity).
//
//   JsonWriter json;
//   json.BeginObject();
//   json.Key("values");
//   json.BeginArray();
//   json.Number(0.5);
//   json.EndArray();
//   json.EndObject();
//   std::string body = std::move(json).Take();  // {"values":[0.5]}
//
// Not thread-safe. The caller balances Begin/End and puts a Key before each object member; the
// writer does not validate the structure (a mismatch is a programming error caught by tests).
#ifndef HYPERD_SERVER_DASHBOARD_JSON_WRITER_H_
#define HYPERD_SERVER_DASHBOARD_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperd::server::dashboard {

class JsonWriter {
 public:
  explicit JsonWriter(size_t reserve = 4096) { out_.reserve(reserve); }

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // An object member's name; the value written next belongs to it.
  void Key(absl::string_view name);

  void String(absl::string_view value);
  // Up to 7 significant digits; NaN and +-Inf are written as null.
  void Number(double value);
  void Int(int64_t value);
  void Bool(bool value);
  void Null();
  // The value or null.
  void OptionalNumber(const std::optional<double>& value);
  void OptionalInt(const std::optional<int64_t>& value);

  const std::string& text() const { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  void Open(char bracket);
  void Close(char bracket);
  // Appends `value` as a JSON string (escaped, quoted).
  void AppendQuoted(absl::string_view value);
  // Writes the comma that separates this value from the previous one, if any.
  void BeforeValue();

  std::string out_;
  // Per open container: whether it has a value already (a comma comes before the next one).
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_JSON_WRITER_H_
