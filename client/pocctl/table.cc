#include "client/pocctl/table.h"

#include <algorithm>
#include <utility>

#include "client/pocctl/terminal_text.h"

namespace poc::pocctl {
namespace {

void AppendLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
                std::string* out) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) line += "  ";
    line += cells[c];
    if (c + 1 < cells.size()) line.append(widths[c] - DisplayWidth(cells[c]), ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  *out += line;
  *out += '\n';
}

}  // namespace

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), max_widths_(headers_.size(), 0) {}

void Table::SetMaxWidth(size_t column, size_t width) {
  if (column < max_widths_.size()) max_widths_[column] = width;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (size_t c = 0; c < cells.size(); ++c) {
    cells[c] = SanitizeForTerminal(cells[c], /*keep_newlines=*/false);
    if (max_widths_[c] > 0) cells[c] = TruncateToWidth(cells[c], max_widths_[c]);
  }
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  AppendLine(headers_, widths, &out);
  for (const auto& row : rows_) AppendLine(row, widths, &out);
  return out;
}

}  // namespace poc::pocctl
