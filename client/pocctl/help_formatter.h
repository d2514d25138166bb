// CLI11 help for people: the description paragraph wrapped to the terminal's usual 80
// columns, and only its first sentence in the parent's list of subcommands.
#ifndef POC_CLIENT_POCCTL_HELP_FORMATTER_H_
#define POC_CLIENT_POCCTL_HELP_FORMATTER_H_

#include <CLI/CLI.hpp>
#include <string>

namespace poc::pocctl {

class HelpFormatter final : public CLI::Formatter {
 public:
  std::string make_description(const CLI::App* app) const override;
  std::string make_subcommand(const CLI::App* sub) const override;
};

// `text` with lines broken at spaces so that none is longer than `width` (a longer word
// stays whole).
std::string WrapText(const std::string& text, size_t width);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_HELP_FORMATTER_H_
