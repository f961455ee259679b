#include "client/cli/table.h"

#include "gtest/gtest.h"

namespace hyperd::cli {
namespace {

TEST(Table, AlignsColumnsToTheWidestCellWithTwoSpaces) {
  Table table({"NUMBER", "STATE", "OBJECTIVE"});
  table.AddRow({"0", "SUCCEEDED", "0.25"});
  table.AddRow({"12", "ACTIVE", "-"});
  EXPECT_EQ(table.Render(),
            "NUMBER  STATE      OBJECTIVE\n"
            "0       SUCCEEDED  0.25\n"
            "12      ACTIVE     -\n");
}

TEST(Table, LeavesNoTrailingSpacesWhenTheLastCellIsShortOrEmpty) {
  Table table({"A", "LONG HEADER"});
  table.AddRow({"x", ""});
  EXPECT_EQ(table.Render(), "A  LONG HEADER\nx\n");
}

TEST(Table, PadsShortRowsAndDropsExtraCells) {
  Table table({"A", "B"});
  table.AddRow({"1"});
  table.AddRow({"1", "2", "3"});
  EXPECT_EQ(table.Render(), "A  B\n1\n1  2\n");
}

TEST(Table, CountsUtf8CodePointsNotBytes) {
  Table table({"OPT", "N"});
  table.AddRow({"\xC3\xA9t\xC3\xA9", "1"});  // "été": 3 code points, 5 bytes
  table.AddRow({"abcd", "2"});
  EXPECT_EQ(table.Render(),
            "OPT   N\n"
            "\xC3\xA9t\xC3\xA9   1\n"
            "abcd  2\n");
}

TEST(Table, ShowsLineBreaksAndTabsInCellsAsSpaces) {
  Table table({"REASON"});
  table.AddRow({"out of\nmemory\tagain"});
  EXPECT_EQ(table.Render(), "REASON\nout of memory again\n");
}

TEST(Table, WithoutRowsRendersTheHeader) { EXPECT_EQ(Table({"A", "B"}).Render(), "A  B\n"); }

TEST(RenderFields, PadsLabelsToACommonWidth) {
  EXPECT_EQ(RenderFields({{"name", "studies/x"}, {"objective", "minimize loss"}, {"empty", ""}}),
            "name:       studies/x\n"
            "objective:  minimize loss\n"
            "empty:\n");
}

TEST(DisplayWidth, CountsCodePoints) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("\xE2\x82\xAC"), 1u);  // euro sign
}

}  // namespace
}  // namespace hyperd::cli
