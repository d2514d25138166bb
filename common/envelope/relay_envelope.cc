#include "common/envelope/relay_envelope.h"

#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/template/validation.h"
#include "poc/v1/message.pb.h"

namespace poc {

bool IsRelaySigned(const v1::Envelope& envelope, const Ed25519PublicKey& relay_key) {
  return envelope.key_id() == relay_key.key_id();
}

absl::StatusOr<VerifiedMessage> VerifyRelayEnvelope(const v1::Envelope& envelope,
                                                    const Ed25519PublicKey& relay_key) {
  if (!IsRelaySigned(envelope, relay_key)) {
    return absl::UnauthenticatedError("envelope key '" + envelope.key_id() +
                                      "' is not the relay's key " + relay_key.key_id());
  }
  if (!EnvelopeSignatureValid(envelope, relay_key)) {
    return absl::UnauthenticatedError("envelope signature does not verify under the relay's key " +
                                      relay_key.key_id());
  }
  VerifiedMessage out;
  if (!out.message.ParseFromString(envelope.message())) {
    return absl::InvalidArgumentError("envelope.message is not a valid poc.v1.Message");
  }
  const v1::Message& m = out.message;
  const bool ping = m.kind() == v1::MESSAGE_TYPE_EXERCISE_PING && m.has_exercise();
  const bool notice = m.kind() == v1::MESSAGE_TYPE_NOTIFICATION && m.has_escalation();
  const bool drill = m.drill() && m.has_drill_info() &&
                     (m.kind() == v1::MESSAGE_TYPE_NOTIFICATION ||
                      m.kind() == v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION ||
                      m.kind() == v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE);
  if (m.sender() != kSecretariatAddress || !(ping || notice || drill)) {
    return absl::PermissionDeniedError(
        "the relay's key signs only exercise pings, escalation "
        "notices and drill messages from " +
        std::string(kSecretariatAddress) + ", not a " + v1::MessageType_Name(out.message.kind()) +
        " from '" + out.message.sender() + "'");
  }
  out.message_hash = Sha256(envelope.message());
  return out;
}

}  // namespace poc
