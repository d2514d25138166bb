// Domain-separated Ed25519 signatures over the wire's signed units (DESIGN.md, "Wire contract").
#ifndef POC_COMMON_ENVELOPE_SIGNED_H_
#define POC_COMMON_ENVELOPE_SIGNED_H_

#include <string_view>

#include "absl/status/status.h"
#include "common/crypto/ed25519.h"
#include "poc/v1/envelope.pb.h"

namespace poc {

// Each kind of signed statement has its own prefix, so that no signature can be replayed as
// a statement of another kind.
inline constexpr std::string_view kEnvelopeDomain = "poc/v1 envelope\n";
inline constexpr std::string_view kDeliveryReceiptDomain = "poc/v1 delivery-receipt\n";
inline constexpr std::string_view kSubmitReceiptDomain = "poc/v1 submit-receipt\n";
inline constexpr std::string_view kDirectoryDomain = "poc/v1 directory\n";
inline constexpr std::string_view kKeyAnnouncementDomain = "poc/v1 key-announcement\n";

// Signs `message_bytes` (a serialized poc.v1.Message) as an envelope.
v1::Envelope SignEnvelope(std::string message_bytes, const Ed25519PrivateKey& key);

// Signs `body` under `domain`.
v1::Signed SignStatement(std::string_view domain, std::string body, const Ed25519PrivateKey& key);

// Checks the envelope's signature over its exact bytes. Does not look at key ids: the caller
// chooses `key` (see common/directory/directory_view.h).
bool EnvelopeSignatureValid(const v1::Envelope& envelope, const Ed25519PublicKey& key);

// Checks a statement's signature and that it was made by `key`.
absl::Status VerifyStatement(std::string_view domain, const v1::Signed& statement,
                             const Ed25519PublicKey& key);

}  // namespace poc

#endif  // POC_COMMON_ENVELOPE_SIGNED_H_
