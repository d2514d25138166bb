// Validation of a poc.v1.Message and its Template: the rules every sender and the relay apply.
//
// pocctl validates before asking pocd to sign anything; pocd validates what it signs; the relay
// validates on Submit. All of them call these functions so that the rules cannot drift apart.
//
// Errors are INVALID_ARGUMENT and their message starts with the field path, then says what is
// wrong and, where it helps, what to do:
//   "template.subject: must not be empty; give a one-line title"
//   "recipients[2]: 'FRX' is not a State code, group:<name> or all"
// The first broken rule is reported; fields are checked in declaration order.
#ifndef POC_COMMON_TEMPLATE_VALIDATION_H_
#define POC_COMMON_TEMPLATE_VALIDATION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "poc/v1/message.pb.h"
#include "poc/v1/template.pb.h"

namespace poc {

// The one address that is not a State: exercise pings are sent by "secretariat" (signed by the
// relay's key), and a State's acknowledgement of a ping goes back to it (proto/poc/v1/
// exercises.proto).
inline constexpr std::string_view kSecretariatAddress = "secretariat";

// The limits a deployment may tune. Fixed limits (subject 200 bytes, summary and requested
// action 2,000 bytes, indicators 64 KiB, 32 sectors of 64 bytes, a STIX bundle of 192 KiB
// nested at most 64 deep) are part of the template's contract and live in validation.cc.
struct ValidationLimits {
  size_t max_recipients = 1000;
  size_t max_description_bytes = size_t{64} * 1024;
};

// All rules for a whole message:
//  - id a UUIDv7; sender an ISO 3166-1 alpha-3 code; recipients as ValidateRecipients;
//  - except: the sender may be kSecretariatAddress for what the relay signs (an EXERCISE_PING, a
//    message with `escalation` or `drill_info` set), and an ACKNOWLEDGEMENT may
//    be addressed to kSecretariatAddress alone (the acknowledgement of a ping);
//  - created_at set; kind a known value other than UNSPECIFIED; RESPONSE and ACKNOWLEDGEMENT
//    need in_reply_to, and in_reply_to, when present, is a UUIDv7;
//  - the template as ValidateTemplate.
absl::Status ValidateMessage(const v1::Message& message, const ValidationLimits& limits);

// Recipients: 1..limits.max_recipients entries, each an ISO 3166-1 alpha-3 code ("KEN"),
// "all", or "group:<NAME>" with NAME 1..32 of [A-Za-z0-9_-]; no entry twice; none equal to
// `sender`. An empty `sender` skips that last check (pocctl does not know its own State).
absl::Status ValidateRecipients(const google::protobuf::RepeatedPtrField<std::string>& recipients,
                                std::string_view sender, const ValidationLimits& limits);

// The template of a message of `kind` created at `created_at`:
//  - urgency, level, tlp: known values other than UNSPECIFIED;
//  - subject: 1..200 bytes without control characters (an ACKNOWLEDGEMENT may leave it empty);
//  - summary <= 2,000 bytes; description <= limits.max_description_bytes;
//  - language: an ISO 639-1 code; required whenever subject, summary, description or
//    requested_action has text;
//  - incident_category <= 64 bytes without control characters;
//  - affected_sectors: at most 32, each 1..64 bytes without control characters;
//  - indicators <= 64 KiB; stix_bundle, when present, <= 192 KiB with arrays and objects
//    nested at most 64 deep, a JSON object whose "type" is "bundle" and whose "id" starts with
//    "bundle--" (STIX 2.1);
//  - requested_action <= 2,000 bytes; respond_by, when set, after created_at.
// Field paths in errors start with "template.".
absl::Status ValidateTemplate(const v1::Template& tmpl, v1::MessageType kind, absl::Time created_at,
                              const ValidationLimits& limits);

// True for "all", "group:<NAME>" or an assigned ISO 3166-1 alpha-3 code.
bool IsRecipientAddress(std::string_view address);

}  // namespace poc

#endif  // POC_COMMON_TEMPLATE_VALIDATION_H_
