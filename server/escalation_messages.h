// The messages the relay signs for escalation and drills (proto/poc/v1/escalation.proto):
// notices of a reminder or escalation, and the messages of drill steps. Both are ordinary
// Messages from "secretariat", checked against the template's rules, signed with the relay key
// (common/envelope/relay_envelope.h verifies them on the node).
#ifndef POC_SERVER_ESCALATION_MESSAGES_H_
#define POC_SERVER_ESCALATION_MESSAGES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "common/drills/drill_words.h"
#include "poc/v1/escalation.pb.h"
#include "poc/v1/message.pb.h"

namespace poc {

// A relay-signed message, ready to store and queue.
struct RelayMessage {
  v1::Message message;
  std::string hash;      // SHA-256 of the message bytes
  std::string envelope;  // the serialized poc.v1.Envelope
};

// Signs `message` with `relay_key` after checking the template's rules (INTERNAL if broken: the
// relay made it, so it always should pass).
absl::StatusOr<RelayMessage> SignRelayMessage(v1::Message message,
                                              const Ed25519PrivateKey& relay_key);

// The State's first diplomatic contact in escalation order, or null.
const v1::Contact* DiplomaticContact(const DirectoryView& directory, const std::string& state);

// The notice of `notice` (its step, message and State) to notice.state, made at `now`; `drill`
// is copied from the message it is about.
v1::Message EscalationNoticeMessage(const v1::EscalationNotice& notice, bool drill, absl::Time now);

// The message of step `step` (1-based) of `drill` to `recipients`, sent at `now`, to be
// acknowledged within `within`.
v1::Message DrillStepMessage(const v1::Drill& drill, uint32_t step,
                             const std::vector<std::string>& recipients, absl::Time now,
                             absl::Duration within);

}  // namespace poc

#endif  // POC_SERVER_ESCALATION_MESSAGES_H_
