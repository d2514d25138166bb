// A column-aligned table for people: headers, then rows, columns padded to the widest cell.
//
//   ID         FROM  SUBJECT
//   0190c3a2…  KEN   Ransomware campaign against hosp…
//
// Widths are terminal columns (see terminal_text.h), so non-ASCII text lines up. Cells are
// made safe for a terminal (control characters replaced) and cut to the column's maximum
// width with "…". Columns are separated by two spaces; lines have no trailing spaces.
#ifndef POC_CLIENT_POCCTL_TABLE_H_
#define POC_CLIENT_POCCTL_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

namespace poc::pocctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Cells of this column longer than `width` columns are truncated. 0 means no limit.
  void SetMaxWidth(size_t column, size_t width);

  // A row with fewer cells than headers is padded with empty cells; extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  size_t row_count() const { return rows_.size(); }

  // The header line and one line per row, each ending in "\n".
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<size_t> max_widths_;
  std::vector<std::vector<std::string>> rows_;  // already sanitized and truncated
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_TABLE_H_
