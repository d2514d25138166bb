// C2SP tlog-cosignature/v1 with Ed25519 (https://c2sp.org/tlog-cosignature): a witness states
// that, as of a time, the checkpoint is the largest consistent tree head it has seen for the
// log. It is a note signature of type 0x04 whose bytes are
//   8-byte big-endian POSIX timestamp || Ed25519 signature
// over "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint text, and whose key id is
// SHA-256(name || 0x0A || 0x04 || public key)[:4].
#ifndef POC_COMMON_CHECKPOINT_COSIGNATURE_H_
#define POC_COMMON_CHECKPOINT_COSIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/checkpoint/note.h"
#include "common/crypto/ed25519.h"
#include "common/util/clock.h"

namespace poc {

inline constexpr uint8_t kNoteSignatureTypeCosignatureV1 = 0x04;
// Timestamp (8) and Ed25519 signature (64).
inline constexpr size_t kCosignatureV1Size = 72;

// The exact bytes a cosigner signs.
std::string CosignatureV1Message(std::string_view checkpoint_text, uint64_t timestamp);

// The timestamp of a cosignature's signature bytes (after the key id). InvalidArgument when they
// are not 72 bytes or the timestamp exceeds 2^63 - 1.
absl::StatusOr<uint64_t> CosignatureV1Timestamp(std::string_view signature);

// A witness's signing key. As a NoteSigner it stamps signatures with `clock`'s current time.
// `clock` is not owned and must outlive the signer.
class CosignatureV1Signer final : public NoteSigner {
 public:
  static absl::StatusOr<CosignatureV1Signer> Create(std::string_view name, Ed25519PrivateKey key,
                                                    const Clock* clock);

  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  // Cosigns `text` (a checkpoint) at the clock's current time.
  absl::StatusOr<std::string> Sign(std::string_view text) const override;

  // Cosigns `checkpoint_text` at `timestamp` (POSIX seconds, at most 2^63 - 1). The text must be
  // a well-formed checkpoint (checkpoint.h). Returns the signature line to append to the note.
  absl::StatusOr<NoteSignature> Cosign(std::string_view checkpoint_text, uint64_t timestamp) const;

  // The vkey of this cosigner (type 0x04).
  std::string VerifierKey() const;

 private:
  CosignatureV1Signer(std::string name, Ed25519PrivateKey key, const Clock* clock);

  std::string name_;
  Ed25519PrivateKey key_;
  const Clock* clock_;  // not owned
  uint32_t key_id_;
};

class CosignatureV1Verifier final : public NoteVerifier {
 public:
  // From a vkey: InvalidArgument unless it is well formed, of type 0x04, with a 32-byte key and
  // the matching key id.
  static absl::StatusOr<CosignatureV1Verifier> FromVerifierKey(std::string_view vkey);
  static absl::StatusOr<CosignatureV1Verifier> Create(std::string_view name,
                                                      const Ed25519PublicKey& key);

  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  // True when `signature` (timestamp || Ed25519 signature) is this cosigner's over `text`.
  bool Verify(std::string_view text, std::string_view signature) const override;

 private:
  CosignatureV1Verifier(std::string name, Ed25519PublicKey key);

  std::string name_;
  Ed25519PublicKey key_;
  uint32_t key_id_;
};

// Checks that `cosignature` is `cosigner`'s valid cosignature of `checkpoint_text` and returns
// its timestamp. InvalidArgument when the signature line is from another key or malformed,
// Unauthenticated when it does not verify.
absl::StatusOr<uint64_t> VerifyCosignatureV1(const CosignatureV1Verifier& cosigner,
                                             std::string_view checkpoint_text,
                                             const NoteSignature& cosignature);

}  // namespace poc

#endif  // POC_COMMON_CHECKPOINT_COSIGNATURE_H_
