#include "client/cli/table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hyperd::cli {
namespace {

std::string SingleLine(std::string cell) {
  for (char& c : cell) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return cell;
}

void AppendPadded(std::string* out, absl::string_view cell, size_t width) {
  absl::StrAppend(out, cell);
  out->append(width - std::min(width, DisplayWidth(cell)), ' ');
}

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  // Continuation bytes (10xxxxxx) do not start a code point.
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {
  for (std::string& cell : header_) cell = SingleLine(std::move(cell));
}

void Table::AddRow(std::vector<std::string> row) {
  row.resize(header_.size());
  for (std::string& cell : row) cell = SingleLine(std::move(cell));
  rows_.push_back(std::move(row));
}

std::string Table::Render() const {
  std::vector<size_t> widths(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) widths[c] = DisplayWidth(header_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  auto render_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line.append(2, ' ');
      AppendPadded(&line, row[c], widths[c]);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    absl::StrAppend(&out, line, "\n");
  };
  render_row(header_);
  for (const auto& row : rows_) render_row(row);
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, DisplayWidth(key) + 1);
  std::string out;
  for (const auto& [key, value] : fields) {
    std::string line = absl::StrCat(key, ":");
    line.append(width - DisplayWidth(key) - 1 + 2, ' ');
    absl::StrAppend(&line, SingleLine(value));
    line.erase(line.find_last_not_of(' ') + 1);
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

}  // namespace hyperd::cli
