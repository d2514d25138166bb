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
  if (out.message.kind() != v1::MESSAGE_TYPE_EXERCISE_PING ||
      out.message.sender() != kSecretariatAddress || !out.message.has_exercise()) {
    return absl::PermissionDeniedError("the relay's key signs only exercise pings from " +
                                       std::string(kSecretariatAddress) + ", not a " +
                                       v1::MessageType_Name(out.message.kind()) + " from '" +
                                       out.message.sender() + "'");
  }
  out.message_hash = Sha256(envelope.message());
  return out;
}

}  // namespace poc
