#include "common/envelope/envelope_verifier.h"

#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/status_macros.h"
#include "common/util/time_format.h"

namespace poc {

absl::StatusOr<VerifiedMessage> VerifyEnvelope(const v1::Envelope& envelope,
                                               const DirectoryView& directory) {
  const KeyEntry* key = directory.FindKey(envelope.key_id());
  if (key == nullptr) {
    return absl::UnauthenticatedError("signing key '" + envelope.key_id() +
                                      "' is not in the directory");
  }
  if (!EnvelopeSignatureValid(envelope, key->key)) {
    return absl::UnauthenticatedError("envelope signature does not verify under key " +
                                      envelope.key_id() + " of " + key->state);
  }
  VerifiedMessage out;
  if (!out.message.ParseFromString(envelope.message())) {
    return absl::InvalidArgumentError("envelope.message is not a valid poc.v1.Message");
  }
  if (out.message.sender() != key->state) {
    return absl::UnauthenticatedError("message names sender '" + out.message.sender() +
                                      "' but is signed with a key of " + key->state);
  }
  RETURN_IF_ERROR(key->CheckUsableAt(FromProto(out.message.created_at())));
  out.message_hash = Sha256(envelope.message());
  return out;
}

}  // namespace poc
