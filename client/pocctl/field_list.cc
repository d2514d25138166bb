#include "client/pocctl/field_list.h"

#include <algorithm>

#include "client/pocctl/terminal_text.h"

namespace poc::pocctl {

void FieldList::Add(std::string label, const std::string& value) {
  if (value.empty()) return;
  fields_.emplace_back(std::move(label), SanitizeForTerminal(value, /*keep_newlines=*/true));
}

std::string FieldList::Render() const {
  size_t width = 0;
  for (const auto& [label, value] : fields_) width = std::max(width, DisplayWidth(label) + 1);
  const std::string indent(width + 2, ' ');
  std::string out;
  for (const auto& [label, value] : fields_) {
    out += label;
    out += ':';
    out.append(width - DisplayWidth(label) - 1 + 2, ' ');
    size_t start = 0;
    while (true) {
      const size_t end = value.find('\n', start);
      std::string_view line(value.data() + start,
                            (end == std::string::npos ? value.size() : end) - start);
      if (start > 0) out += line.empty() ? std::string() : indent;
      out.append(line.data(), line.size());
      out += '\n';
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return out;
}

}  // namespace poc::pocctl
