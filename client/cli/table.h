// Aligned plain-text output for people: tables with a header row, and "key: value" blocks.
//
//   Table table({"NUMBER", "STATE", "OBJECTIVE"});
//   table.AddRow({"0", "SUCCEEDED", "0.31"});
//   std::cout << table.Render();
//   // NUMBER  STATE      OBJECTIVE
//   // 0       SUCCEEDED  0.31
//
// Widths count UTF-8 code points, so non-ASCII categorical values stay aligned. Cells are
// single-line: line breaks and tabs in a cell are shown as spaces.
#ifndef HYPERD_CLIENT_CLI_TABLE_H_
#define HYPERD_CLIENT_CLI_TABLE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace hyperd::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // A row shorter than the header is padded with empty cells; extra cells are dropped.
  void AddRow(std::vector<std::string> row);
  size_t num_rows() const { return rows_.size(); }

  // Columns separated by two spaces, left-aligned, no trailing spaces; ends with '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// "key:" labels padded to a common width, one field per line, ending with '\n'.
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

// Display width of a UTF-8 string, in code points.
size_t DisplayWidth(absl::string_view text);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_TABLE_H_
