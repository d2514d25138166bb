// The acknowledgement of a received message, as `pocctl ack` asks for it and as pocd's
// exercise_auto_ack makes it by itself (client/pocd/exercise_auto_ack.h).
#ifndef POC_CLIENT_POCD_ACKNOWLEDGEMENT_H_
#define POC_CLIENT_POCD_ACKNOWLEDGEMENT_H_

#include <string>

#include "absl/time/time.h"
#include "poc/v1/message.pb.h"

namespace poc {

// An ACKNOWLEDGEMENT of `original`, to be signed by this node: addressed to its sender (for an
// exercise ping, "secretariat"), in reply to it, with its drill mark, urgency, level and TLP;
// `note`, when not empty, is the summary, in the original's language (English if it has none).
// Id, sender and created_at are left to the signer.
v1::Message MakeAcknowledgement(const v1::Message& original, const std::string& note);

// The acknowledgement `state`'s node makes by itself of an exercise ping (pocd's
// exercise_auto_ack, and poc-bench's simulated nodes): MakeAcknowledgement with a note that says
// so, Message.automatic set, a fresh id, sender `state`, created at `now`; to be signed.
v1::Message MakeAutomaticAcknowledgement(const v1::Message& ping, const std::string& state,
                                         absl::Time now);

}  // namespace poc

#endif  // POC_CLIENT_POCD_ACKNOWLEDGEMENT_H_
