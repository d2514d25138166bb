// Envelopes the relay signs itself: exercise pings (proto/poc/v1/exercises.proto). They are
// ordinary envelopes (same domain, same bytes-first verification) whose key is the relay's own
// Ed25519 key, which every node pins (pocd's relay_public_key), not a State's directory key.
#ifndef POC_COMMON_ENVELOPE_RELAY_ENVELOPE_H_
#define POC_COMMON_ENVELOPE_RELAY_ENVELOPE_H_

#include "absl/status/statusor.h"
#include "common/crypto/ed25519.h"
#include "common/envelope/envelope_verifier.h"
#include "poc/v1/envelope.pb.h"

namespace poc {

// True when `envelope` claims to be signed by `relay_key` (its key id is the relay key's).
bool IsRelaySigned(const v1::Envelope& envelope, const Ed25519PublicKey& relay_key);

// Verifies a relay-signed envelope, in this order: the key id is the relay's and the signature
// over the exact bytes holds (UNAUTHENTICATED), the bytes parse as a Message (INVALID_ARGUMENT),
// and the message is something the relay may sign, from "secretariat": an EXERCISE_PING with its
// exercise set, a NOTIFICATION with `escalation` set (escalation.proto), or a drill message
// (drill and drill_info set; a notification or request) (PERMISSION_DENIED otherwise, so that the
// relay key can never speak for a State).
absl::StatusOr<VerifiedMessage> VerifyRelayEnvelope(const v1::Envelope& envelope,
                                                    const Ed25519PublicKey& relay_key);

}  // namespace poc

#endif  // POC_COMMON_ENVELOPE_RELAY_ENVELOPE_H_
