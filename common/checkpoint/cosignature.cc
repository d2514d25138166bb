#include "common/checkpoint/cosignature.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/checkpoint/checkpoint.h"
#include "common/status_macros.h"

namespace poc {
namespace {

constexpr uint64_t kMaxTimestamp = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

std::string BigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (size_t i = 0; i < 8; ++i) out[i] = static_cast<char>(value >> (56 - 8 * i));
  return out;
}

}  // namespace

std::string CosignatureV1Message(std::string_view checkpoint_text, uint64_t timestamp) {
  return absl::StrCat("cosignature/v1\ntime ", timestamp, "\n", std::string(checkpoint_text));
}

absl::StatusOr<uint64_t> CosignatureV1Timestamp(std::string_view signature) {
  if (signature.size() != kCosignatureV1Size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a cosignature/v1 signature is ", kCosignatureV1Size, " bytes, got ", signature.size()));
  }
  uint64_t timestamp = 0;
  for (size_t i = 0; i < 8; ++i)
    timestamp = (timestamp << 8) | static_cast<unsigned char>(signature[i]);
  if (timestamp > kMaxTimestamp) {
    return absl::InvalidArgumentError(
        absl::StrCat("cosignature timestamp ", timestamp, " exceeds 2^63 - 1"));
  }
  return timestamp;
}

CosignatureV1Signer::CosignatureV1Signer(std::string name, Ed25519PrivateKey key,
                                         const Clock* clock)
    : name_(std::move(name)),
      key_(std::move(key)),
      clock_(clock),
      key_id_(NoteKeyId(name_, kNoteSignatureTypeCosignatureV1, key_.public_key().raw())) {}

absl::StatusOr<CosignatureV1Signer> CosignatureV1Signer::Create(std::string_view name,
                                                                Ed25519PrivateKey key,
                                                                const Clock* clock) {
  RETURN_IF_ERROR(ValidateNoteKeyName(name));
  if (clock == nullptr) return absl::InvalidArgumentError("a cosigner needs a clock");
  return CosignatureV1Signer(std::string(name), std::move(key), clock);
}

absl::StatusOr<std::string> CosignatureV1Signer::Sign(std::string_view text) const {
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  if (now < 0) {
    return absl::FailedPreconditionError(
        "the clock is before 1970; cannot timestamp a cosignature");
  }
  ASSIGN_OR_RETURN(NoteSignature signature, Cosign(text, static_cast<uint64_t>(now)));
  return std::move(signature.signature);
}

absl::StatusOr<NoteSignature> CosignatureV1Signer::Cosign(std::string_view checkpoint_text,
                                                          uint64_t timestamp) const {
  if (timestamp > kMaxTimestamp) {
    return absl::InvalidArgumentError(
        absl::StrCat("cosignature timestamp ", timestamp, " exceeds 2^63 - 1"));
  }
  if (auto parsed = Checkpoint::Parse(checkpoint_text); !parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to cosign a text that is not a "
                     "checkpoint: ",
                     std::string(parsed.status().message())));
  }
  return NoteSignature{
      name_, key_id_,
      BigEndian64(timestamp) + key_.Sign(CosignatureV1Message(checkpoint_text, timestamp))};
}

std::string CosignatureV1Signer::VerifierKey() const {
  // The name was validated in Create, so formatting cannot fail.
  return *FormatNoteVerifierKey(name_, kNoteSignatureTypeCosignatureV1, key_.public_key().raw());
}

CosignatureV1Verifier::CosignatureV1Verifier(std::string name, Ed25519PublicKey key)
    : name_(std::move(name)),
      key_(std::move(key)),
      key_id_(NoteKeyId(name_, kNoteSignatureTypeCosignatureV1, key_.raw())) {}

absl::StatusOr<CosignatureV1Verifier> CosignatureV1Verifier::FromVerifierKey(
    std::string_view vkey) {
  ASSIGN_OR_RETURN(NoteVerifierKey parsed, ParseNoteVerifierKey(vkey));
  if (parsed.signature_type != kNoteSignatureTypeCosignatureV1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "verifier key of ", parsed.name, " has signature type ",
        static_cast<int>(parsed.signature_type), ", expected 4 (cosignature/v1 with Ed25519)"));
  }
  auto key = Ed25519PublicKey::FromRaw(parsed.public_key);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key of ", parsed.name, ": ", std::string(key.status().message())));
  }
  return CosignatureV1Verifier(std::move(parsed.name), *std::move(key));
}

absl::StatusOr<CosignatureV1Verifier> CosignatureV1Verifier::Create(std::string_view name,
                                                                    const Ed25519PublicKey& key) {
  RETURN_IF_ERROR(ValidateNoteKeyName(name));
  return CosignatureV1Verifier(std::string(name), key);
}

bool CosignatureV1Verifier::Verify(std::string_view text, std::string_view signature) const {
  auto timestamp = CosignatureV1Timestamp(signature);
  if (!timestamp.ok()) return false;
  return key_.Verify(CosignatureV1Message(text, *timestamp), signature.substr(8));
}

absl::StatusOr<uint64_t> VerifyCosignatureV1(const CosignatureV1Verifier& cosigner,
                                             std::string_view checkpoint_text,
                                             const NoteSignature& cosignature) {
  if (cosignature.name != cosigner.name() || cosignature.key_id != cosigner.key_id()) {
    return absl::InvalidArgumentError(absl::StrCat("cosignature is by key ", cosignature.name, "+",
                                                   absl::Hex(cosignature.key_id, absl::kZeroPad8),
                                                   ", not by cosigner ", cosigner.name(), "+",
                                                   absl::Hex(cosigner.key_id(), absl::kZeroPad8)));
  }
  ASSIGN_OR_RETURN(const uint64_t timestamp, CosignatureV1Timestamp(cosignature.signature));
  if (!cosigner.Verify(checkpoint_text, cosignature.signature)) {
    return absl::UnauthenticatedError(absl::StrCat("cosignature by ", cosigner.name(), " at time ",
                                                   timestamp,
                                                   " does not verify for this checkpoint"));
  }
  return timestamp;
}

}  // namespace poc
