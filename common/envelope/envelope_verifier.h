// Verifying a State's envelope against the directory, as relay and nodes both must.
#ifndef POC_COMMON_ENVELOPE_ENVELOPE_VERIFIER_H_
#define POC_COMMON_ENVELOPE_ENVELOPE_VERIFIER_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/directory/directory_view.h"
#include "poc/v1/envelope.pb.h"
#include "poc/v1/message.pb.h"

namespace poc {

struct VerifiedMessage {
  v1::Message message;       // parsed from the verified bytes
  std::string message_hash;  // SHA-256 of Envelope.message (raw 32 bytes)
};

// Verifies, in this order: the key id is in the directory (UNAUTHENTICATED), the key is not
// revoked (UNAUTHENTICATED), the signature over the exact bytes holds (UNAUTHENTICATED), the
// bytes parse as a Message (INVALID_ARGUMENT), and the message's sender is the State that owns
// the key (UNAUTHENTICATED). Only then is the message returned.
absl::StatusOr<VerifiedMessage> VerifyEnvelope(const v1::Envelope& envelope,
                                               const DirectoryView& directory);

}  // namespace poc

#endif  // POC_COMMON_ENVELOPE_ENVELOPE_VERIFIER_H_
