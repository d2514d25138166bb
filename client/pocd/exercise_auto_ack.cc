#include "client/pocd/exercise_auto_ack.h"

#include "client/pocd/acknowledgement.h"
#include "common/envelope/signed.h"
#include "common/status_macros.h"
#include "common/template/validation.h"
#include "common/util/time_format.h"

namespace poc {

absl::StatusOr<bool> AutoAcknowledgeExercisePing(const v1::Message& ping, const std::string& state,
                                                 NodeStore* store, const Ed25519PrivateKey& key,
                                                 absl::Time now) {
  if (ping.kind() != v1::MESSAGE_TYPE_EXERCISE_PING ||
      ping.exercise().mode() != v1::EXERCISE_MODE_ACKNOWLEDGE) {
    return false;
  }
  ASSIGN_OR_RETURN(v1::ShowResponse stored, store->Show(ping.id()));
  if (IsSet(stored.summary().acknowledged_at())) {
    return false;  // a redelivery, or an operator was quicker
  }
  const v1::Message ack = MakeAutomaticAcknowledgement(ping, state, now);
  RETURN_IF_ERROR(ValidateMessage(ack, ValidationLimits{}));
  RETURN_IF_ERROR(store->AddOutgoing(ack, SignEnvelope(ack.SerializeAsString(), key)));
  RETURN_IF_ERROR(store->MarkAcknowledged(ping.id(), ack.id(), now));
  return true;
}

}  // namespace poc
