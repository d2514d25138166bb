// The communication-template flags shared by `send` and `reply`, and their translation into a
// poc.v1.Template.
#ifndef POC_CLIENT_POCCTL_TEMPLATE_FLAGS_H_
#define POC_CLIENT_POCCTL_TEMPLATE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "poc/v1/template.pb.h"

namespace poc::pocctl {

struct TemplateFlags {
  std::string subject;
  std::string summary;
  std::string description;
  std::string description_file;
  std::string urgency = "routine";
  std::string level = "technical";
  std::string tlp = "amber";
  std::string lang_text = "en";
  std::string category;
  std::vector<std::string> sectors;
  std::string observed_at;
  std::string indicators;
  std::string stix_file;
  std::string requested_action;
  std::string respond_by;
};

// Registers --subject (required), --summary, --description | --description-file, --urgency,
// --level, --tlp, --lang-text, --category, --sector (repeatable), --observed-at, --indicators,
// --stix-file, --requested-action and --respond-by on `command`. Words and times are checked
// while parsing, so a typo is a usage error that lists the accepted words.
void AddTemplateFlags(CLI::App* command, TemplateFlags* flags);

// Builds the template; reads --description-file and --stix-file. `now` anchors a relative
// --respond-by. Errors name the flag.
absl::StatusOr<v1::Template> BuildTemplate(const TemplateFlags& flags, absl::Time now);

// --respond-by: a duration from now ("4h", "2d", "1h30m") or an RFC 3339 time
// ("2026-12-01T12:00:00Z", "2026-12-01T13:00:00+01:00").
absl::StatusOr<absl::Time> ParseRespondBy(std::string_view text, absl::Time now);

// An RFC 3339 time, as --observed-at takes it.
absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text);

// Rewrites a validation error from common/template so that it names the flag to fix:
// "template.subject: must not be empty; ..." becomes
// "--subject (template.subject): must not be empty; ...". Other errors pass unchanged.
absl::Status NameTheFlag(const absl::Status& status);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_TEMPLATE_FLAGS_H_
