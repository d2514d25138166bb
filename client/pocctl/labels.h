// Field labels in the operator's language (--lang): one of the six official UN languages.
// Only labels are translated: codes (urgency, TLP, ...) print as the command-line words of
// common/template/template_codes.h, and what States wrote prints as they wrote it.
#ifndef POC_CLIENT_POCCTL_LABELS_H_
#define POC_CLIENT_POCCTL_LABELS_H_

#include <string_view>

namespace poc::pocctl {

// The languages --lang accepts: ar zh en fr ru es.
inline constexpr std::string_view kUnLanguages[] = {"ar", "zh", "en", "fr", "ru", "es"};

struct Labels {
  // show
  std::string_view message;
  std::string_view type;
  std::string_view from;
  std::string_view to;
  std::string_view created;
  std::string_view in_reply_to;
  std::string_view drill;
  std::string_view urgency;
  std::string_view level;
  std::string_view tlp;
  std::string_view language;
  std::string_view category;
  std::string_view sectors;
  std::string_view observed_at;
  std::string_view respond_by;
  std::string_view subject;
  std::string_view summary;
  std::string_view description;
  std::string_view indicators;
  std::string_view stix_bundle;
  std::string_view requested_action;
  std::string_view signed_by_key;
  std::string_view audit_index;
  std::string_view outbox_state;
  std::string_view error;
  std::string_view received;
  std::string_view acknowledged;
  std::string_view delivered;
  std::string_view recipients;
  std::string_view replies;
  // status
  std::string_view node_state;
  std::string_view relay;
  std::string_view connected;
  std::string_view last_error;
  std::string_view directory_version;
  std::string_view outbox;
  std::string_view inbox;
  std::string_view signing_key;
  std::string_view software;
  std::string_view audit_witness;
  std::string_view alarm;
  // directory
  std::string_view state_name;
  std::string_view bodies;
  std::string_view contact;
  std::string_view key;
  std::string_view certificate;
  std::string_view groups;
};

// Labels for `lang` (ar zh en fr ru es); English for anything else.
const Labels& LabelsFor(std::string_view lang);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_LABELS_H_
