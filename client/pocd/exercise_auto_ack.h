// pocd's exercise_auto_ack option: for States that want the Secretariat's ping exercises checked
// by machine only, the node acknowledges an exercise ping in acknowledge mode by itself, as soon
// as it stored it. The acknowledgement says so (Message.automatic), and so does the exercise
// report, so that nobody mistakes it for a person's.
#ifndef POC_CLIENT_POCD_EXERCISE_AUTO_ACK_H_
#define POC_CLIENT_POCD_EXERCISE_AUTO_ACK_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/pocd/node_store.h"
#include "common/crypto/ed25519.h"
#include "poc/v1/message.pb.h"

namespace poc {

// When `ping` (stored in the inbox) is an exercise ping in acknowledge mode that is not
// acknowledged yet: signs this State's automatic acknowledgement of it with `key`, stores it in
// the outbox (the outbox loop submits it) and marks the ping acknowledged. True when it did.
absl::StatusOr<bool> AutoAcknowledgeExercisePing(const v1::Message& ping, const std::string& state,
                                                 NodeStore* store, const Ed25519PrivateKey& key,
                                                 absl::Time now);

}  // namespace poc

#endif  // POC_CLIENT_POCD_EXERCISE_AUTO_ACK_H_
