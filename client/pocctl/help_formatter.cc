#include "client/pocctl/help_formatter.h"

#include <sstream>

#include "client/pocctl/terminal_text.h"

namespace poc::pocctl {

std::string WrapText(const std::string& text, size_t width) {
  std::istringstream words(text);
  std::string word;
  std::string out;
  size_t line = 0;
  while (words >> word) {
    const size_t w = DisplayWidth(word);
    if (line > 0 && line + 1 + w > width) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += w;
  }
  return out;
}

std::string HelpFormatter::make_description(const CLI::App* app) const {
  const std::string& desc = app->get_description();
  if (desc.empty()) return "";
  return WrapText(desc, 78) + "\n";
}

std::string HelpFormatter::make_subcommand(const CLI::App* sub) const {
  std::string first = sub->get_description();
  const size_t end = first.find(". ");
  if (end != std::string::npos) first.resize(end);
  if (!first.empty() && first.back() == '.') first.pop_back();
  std::stringstream out;
  CLI::detail::format_help(out, sub->get_display_name(true), first, get_column_width());
  return out.str();
}

}  // namespace poc::pocctl
