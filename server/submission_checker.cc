#include "server/submission_checker.h"

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/template/validation.h"
#include "common/util/time_format.h"
#include "poc/v1/message.pb.h"

namespace poc {
namespace {

// A value the caller wrote, before it was validated, for an error message (which is also
// logged): escaped and cut short, so that a hostile value can neither forge log lines nor make
// every rejection as long as the message.
std::string Shown(const std::string& text) {
  constexpr size_t kShown = 32;
  if (text.size() <= kShown) {
    return "'" + absl::CHexEscape(text) + "'";
  }
  return "'" + absl::CHexEscape(absl::string_view(text.data(), kShown)) + "...' (" +
         std::to_string(text.size()) + " bytes)";
}

absl::StatusOr<std::vector<std::string>> ExpandRecipients(const v1::Message& m,
                                                          const DirectoryView& directory) {
  std::set<std::string> out;
  for (int i = 0; i < m.recipients_size(); ++i) {
    const std::string& r = m.recipients(i);
    const std::string field = "recipients[" + std::to_string(i) + "]";
    if (r == "all") {
      for (const std::string& code : directory.StateCodes()) {
        if (code != m.sender()) {
          out.insert(code);
        }
      }
    } else if (r.rfind("group:", 0) == 0) {
      const v1::Group* group = directory.FindGroup(r.substr(6));
      if (group == nullptr) {
        return absl::InvalidArgumentError(field + ": group '" + r.substr(6) +
                                          "' is not defined in the directory; `pocctl directory "
                                          "groups` lists the groups (names are case-sensitive)");
      }
      for (const std::string& code : group->members()) {
        if (code != m.sender()) {
          out.insert(code);
        }
      }
    } else if (r == kSecretariatAddress) {
      // ValidateMessage lets only an acknowledgement address it, and only alone; the relay
      // keeps it (server/exercise_service.h) and delivers it to no State.
      continue;
    } else if (!directory.HasState(r)) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": ", r, " is not in the directory"));
    } else {
      out.insert(r);
    }
  }
  if (out.empty() && !(m.recipients_size() == 1 && m.recipients(0) == kSecretariatAddress)) {
    return absl::InvalidArgumentError("recipients: no State to deliver to");
  }
  return std::vector<std::string>(out.begin(), out.end());
}

}  // namespace

absl::StatusOr<NewMessage> CheckSubmission(const v1::Envelope& envelope,
                                           const std::string& caller_state,
                                           const DirectoryView& directory,
                                           const SubmissionLimits& limits, absl::Time now) {
  if (static_cast<int64_t>(envelope.message().size()) > limits.max_message_bytes) {
    return absl::InvalidArgumentError(
        "envelope.message: " + std::to_string(envelope.message().size()) +
        " bytes is over the relay's limit of " + std::to_string(limits.max_message_bytes) +
        " bytes; shorten the description or move attachments out");
  }
  const KeyEntry* key = directory.FindKey(envelope.key_id());
  if (key == nullptr) {
    return absl::UnauthenticatedError("envelope.key_id: key " + Shown(envelope.key_id()) +
                                      " is not in the directory; ask the Secretariat to "
                                      "register the State's public signing key");
  }
  if (key->state != caller_state) {
    return absl::PermissionDeniedError("envelope.key_id: key " + envelope.key_id() +
                                       " belongs to " + key->state +
                                       ", but the caller's "
                                       "certificate is " +
                                       caller_state + "'s");
  }
  if (!EnvelopeSignatureValid(envelope, key->key)) {
    return absl::UnauthenticatedError("envelope.signature: does not verify under key " +
                                      envelope.key_id() + " of " + key->state);
  }
  v1::Message message;
  if (!message.ParseFromString(envelope.message())) {
    return absl::InvalidArgumentError(
        "envelope.message: not a valid poc.v1.Message (malformed, or a string field that is not "
        "valid UTF-8)");
  }
  if (message.sender() != caller_state) {
    return absl::PermissionDeniedError("sender: the message names " + Shown(message.sender()) +
                                       ", but the caller's certificate is " + caller_state +
                                       "'s; a node may only send for its own State");
  }
  if (absl::Status s = key->CheckUsableAt(FromProto(message.created_at())); !s.ok()) {
    return absl::UnauthenticatedError("envelope.key_id: " + std::string(s.message()));
  }
  ValidationLimits validation;
  validation.max_recipients = limits.max_recipients;
  if (absl::Status s = ValidateMessage(message, validation); !s.ok()) {
    return s;
  }
  if (message.kind() == v1::MESSAGE_TYPE_EXERCISE_PING) {
    return absl::PermissionDeniedError(
        "kind: exercise pings are sent by the relay for the Secretariat's exercises, not by "
        "States");
  }
  const absl::Time created = FromProto(message.created_at());
  if (created > now + limits.clock_skew) {
    return absl::InvalidArgumentError(
        "created_at: " + FormatUtc(created) + " is " +
        absl::FormatDuration(absl::Trunc(created - now, absl::Seconds(1))) +
        " ahead of the relay's clock (allowed: " + absl::FormatDuration(limits.clock_skew) +
        "); check the node's clock (NTP)");
  }
  if (created < now - limits.max_message_age) {
    return absl::InvalidArgumentError(
        "created_at: " + FormatUtc(created) + " is older than the relay accepts (" +
        absl::FormatDuration(limits.max_message_age) + "); send it again as a new message");
  }
  auto recipients = ExpandRecipients(message, directory);
  if (!recipients.ok()) {
    return recipients.status();
  }

  NewMessage out;
  out.id = message.id();
  out.sender = message.sender();
  out.hash = Sha256(envelope.message());
  out.envelope = envelope.SerializeAsString();
  out.recipients = *std::move(recipients);
  out.addressed_to.assign(message.recipients().begin(), message.recipients().end());
  out.kind = message.kind();
  out.in_reply_to = message.in_reply_to();
  out.relay_time = now;
  return out;
}

}  // namespace poc
