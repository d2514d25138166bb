#include "client/pocctl/table.h"

#include <gtest/gtest.h>

#include "client/pocctl/terminal_text.h"

namespace poc::pocctl {
namespace {

TEST(TableTest, AlignsColumnsToTheWidestCellWithoutTrailingSpaces) {
  Table table({"ID", "FROM", "SUBJECT"});
  table.AddRow({"a1", "KEN", "Short"});
  table.AddRow({"b22222", "FRA", "A longer subject"});
  EXPECT_EQ(table.Render(),
            "ID      FROM  SUBJECT\n"
            "a1      KEN   Short\n"
            "b22222  FRA   A longer subject\n");
}

TEST(TableTest, HeaderAloneWhenThereAreNoRows) {
  Table table({"A", "B"});
  EXPECT_EQ(table.row_count(), 0u);
  EXPECT_EQ(table.Render(), "A  B\n");
}

TEST(TableTest, PadsShortRowsAndDropsExtraCells) {
  Table table({"A", "B", "C"});
  table.AddRow({"1"});
  table.AddRow({"1", "2", "3", "4"});
  EXPECT_EQ(table.Render(),
            "A  B  C\n"
            "1\n"
            "1  2  3\n");
}

TEST(TableTest, TruncatesToTheColumnMaximumWithAnEllipsis) {
  Table table({"SUBJECT", "X"});
  table.SetMaxWidth(0, 10);
  table.AddRow({"Ransomware campaign", "1"});
  table.AddRow({"Exactly10!", "2"});
  EXPECT_EQ(table.Render(),
            "SUBJECT     X\n"
            "Ransomwar\xe2\x80\xa6  1\n"
            "Exactly10!  2\n");
}

TEST(TableTest, AlignsNonAsciiTextByCodePointsNotBytes) {
  Table table({"FROM", "SUBJECT", "X"});
  table.AddRow({"RUS", "Атака", "1"});    // 5 code points, 10 bytes
  table.AddRow({"FRA", "Déjà vu", "2"});  // 7 code points, 9 bytes
  table.AddRow({"ARE", "abc", "3"});
  EXPECT_EQ(table.Render(),
            "FROM  SUBJECT  X\n"
            "RUS   Атака    1\n"
            "FRA   Déjà vu  2\n"
            "ARE   abc      3\n");
}

TEST(TableTest, TruncatesNonAsciiTextWithoutSplittingACodePoint) {
  Table table({"S"});
  table.SetMaxWidth(0, 4);
  table.AddRow({"Кампания"});
  EXPECT_EQ(table.Render(), "S\nКам\xe2\x80\xa6\n");
}

TEST(TableTest, ReplacesControlCharactersSoACellCannotBreakTheTable) {
  Table table({"SUBJECT", "X"});
  table.AddRow({"two\nlines\tand \x1b[31mred", "1"});
  const std::string out = table.Render();
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out,
            "SUBJECT                 X\n"
            "two lines and \xef\xbf\xbd[31mred  1\n");
}

TEST(TerminalTextTest, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("KEN"), 3u);
  EXPECT_EQ(DisplayWidth("Атака"), 5u);
  EXPECT_EQ(DisplayWidth("حملة"), 4u);
  EXPECT_EQ(DisplayWidth("e\xcc\x81"), 1u);  // e + combining acute accent
  EXPECT_EQ(DisplayWidth("勒索软件"), 8u);   // East Asian wide: two columns each
  EXPECT_EQ(DisplayWidth("\xff"), 1u);       // invalid UTF-8 still takes a column
}

TEST(TerminalTextTest, TruncatesWideCharactersWithinTheWidth) {
  EXPECT_EQ(TruncateToWidth("勒索软件", 8), "勒索软件");
  EXPECT_EQ(TruncateToWidth("勒索软件", 6), "勒索\xe2\x80\xa6");  // 4 + 1 columns, not 6
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
  EXPECT_EQ(TruncateToWidth("abc", 1), "\xe2\x80\xa6");
}

TEST(TerminalTextTest, KeepsNewlinesOnlyWhenAskedTo) {
  EXPECT_EQ(SanitizeForTerminal("a\nb\x07", true), "a\nb\xef\xbf\xbd");
  EXPECT_EQ(SanitizeForTerminal("a\nb", false), "a b");
  EXPECT_EQ(SanitizeForTerminal("c1 \xc2\x9b here", false), "c1 \xef\xbf\xbd here");
}

}  // namespace
}  // namespace poc::pocctl
