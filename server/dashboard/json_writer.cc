#include "server/dashboard/json_writer.h"

#include <charconv>
#include <cmath>

namespace hyperd::server::dashboard {

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_value_.empty()) {
    if (has_value_.back()) out_.push_back(',');
    has_value_.back() = true;
  }
}

void JsonWriter::Open(char bracket) {
  BeforeValue();
  out_.push_back(bracket);
  has_value_.push_back(false);
}

void JsonWriter::Close(char bracket) {
  out_.push_back(bracket);
  has_value_.pop_back();
}

void JsonWriter::Key(absl::string_view name) {
  BeforeValue();
  AppendQuoted(name);
  out_.push_back(':');
  after_key_ = true;  // the member's value follows without a comma
}

void JsonWriter::String(absl::string_view value) {
  BeforeValue();
  AppendQuoted(value);
}

void JsonWriter::AppendQuoted(absl::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out_.append("\\\"");
        break;
      case '\\':
        out_.append("\\\\");
        break;
      case '\n':
        out_.append("\\n");
        break;
      case '\r':
        out_.append("\\r");
        break;
      case '\t':
        out_.append("\\t");
        break;
      default:
        if (u < 0x20) {
          out_.append("\\u00");
          out_.push_back(kHex[u >> 4]);
          out_.push_back(kHex[u & 0xf]);
        } else {
          out_.push_back(c);
        }
    }
  }
  out_.push_back('"');
}

void JsonWriter::Number(double value) {
  BeforeValue();
  if (!std::isfinite(value)) {
    out_.append("null");
    return;
  }
  char buffer[32];
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::general, 7);
  out_.append(buffer, result.ptr);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buffer[24];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_.append(buffer, result.ptr);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
}

void JsonWriter::OptionalNumber(const std::optional<double>& value) {
  if (value.has_value()) {
    Number(*value);
  } else {
    Null();
  }
}

void JsonWriter::OptionalInt(const std::optional<int64_t>& value) {
  if (value.has_value()) {
    Int(*value);
  } else {
    Null();
  }
}

}  // namespace hyperd::server::dashboard
