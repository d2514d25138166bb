// C2SP signed-note (https://c2sp.org/signed-note): a text followed by a blank line and
// signature lines "— <key name> <base64(4-byte key id || signature)>". Also the verifier key
// ("vkey") text form "<name>+<hex key id>+<base64(signature type || public key)>" used to
// publish and configure public keys.
//
// Signers and verifiers are immutable after construction and safe to share between threads.
#ifndef POC_COMMON_CHECKPOINT_NOTE_H_
#define POC_COMMON_CHECKPOINT_NOTE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/crypto/ed25519.h"

namespace poc {

// Signature type byte of plain Ed25519 note signatures.
inline constexpr uint8_t kNoteSignatureTypeEd25519 = 0x01;

// OpenNote rejects notes with more signature lines than this (the spec asks for at least 16;
// golang.org/x/mod/sumdb/note also stops at 100).
inline constexpr size_t kMaxNoteSignatures = 100;

// OK when `name` may name a note key: non-empty UTF-8 without Unicode spaces, '+' or control
// characters.
absl::Status ValidateNoteKeyName(std::string_view name);

// The spec's key id: the first 4 bytes, big-endian, of
// SHA-256(name || 0x0A || signature type || public key).
uint32_t NoteKeyId(std::string_view name, uint8_t signature_type, std::string_view public_key);

// A parsed vkey.
struct NoteVerifierKey {
  std::string name;
  uint32_t key_id = 0;
  uint8_t signature_type = 0;
  std::string public_key;  // the key material after the type byte
};

// Parses "<name>+<8 hex digits>+<base64(type || key)>" and checks that the key id is the one
// computed from the name, type and key. Does not check the type or the key length: the verifier
// for that type does.
absl::StatusOr<NoteVerifierKey> ParseNoteVerifierKey(std::string_view vkey);

// Formats a vkey, computing the key id (lowercase hex).
absl::StatusOr<std::string> FormatNoteVerifierKey(std::string_view name, uint8_t signature_type,
                                                  std::string_view public_key);

// The vkey of an Ed25519 note key (type 0x01): what a log publishes for its verifiers.
absl::StatusOr<std::string> FormatEd25519NoteVerifierKey(std::string_view name,
                                                         const Ed25519PublicKey& key);

// Produces the signature bytes (after the key id) of one key over a note text.
class NoteSigner {
 public:
  virtual ~NoteSigner() = default;
  virtual const std::string& name() const = 0;
  virtual uint32_t key_id() const = 0;
  virtual absl::StatusOr<std::string> Sign(std::string_view text) const = 0;
};

// Checks the signature bytes (after the key id) of one key over a note text.
class NoteVerifier {
 public:
  virtual ~NoteVerifier() = default;
  virtual const std::string& name() const = 0;
  virtual uint32_t key_id() const = 0;
  virtual bool Verify(std::string_view text, std::string_view signature) const = 0;
};

// Plain Ed25519 note signatures over the note text (type 0x01).
class Ed25519NoteSigner final : public NoteSigner {
 public:
  static absl::StatusOr<Ed25519NoteSigner> Create(std::string_view name, Ed25519PrivateKey key);

  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  absl::StatusOr<std::string> Sign(std::string_view text) const override;

  // The vkey verifiers need.
  std::string VerifierKey() const;

 private:
  Ed25519NoteSigner(std::string name, Ed25519PrivateKey key);

  std::string name_;
  Ed25519PrivateKey key_;
  uint32_t key_id_;
};

class Ed25519NoteVerifier final : public NoteVerifier {
 public:
  // From a vkey: InvalidArgument unless it is well formed, of type 0x01, with a 32-byte key and
  // the matching key id.
  static absl::StatusOr<Ed25519NoteVerifier> FromVerifierKey(std::string_view vkey);
  static absl::StatusOr<Ed25519NoteVerifier> Create(std::string_view name,
                                                    const Ed25519PublicKey& key);

  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  bool Verify(std::string_view text, std::string_view signature) const override;

 private:
  Ed25519NoteVerifier(std::string name, Ed25519PublicKey key);

  std::string name_;
  Ed25519PublicKey key_;
  uint32_t key_id_;
};

// One signature line of a note.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // raw bytes after the key id

  // "— <name> <base64(key id || signature)>\n", ready to append to a note.
  std::string Line() const;

  friend bool operator==(const NoteSignature& a, const NoteSignature& b) {
    return a.name == b.name && a.key_id == b.key_id && a.signature == b.signature;
  }
};

struct OpenedNote {
  std::string text;                       // including its final newline
  std::vector<NoteSignature> verified;    // by known keys, verified, one per key, note order
  std::vector<NoteSignature> unverified;  // by unknown keys, unchecked, duplicates dropped
};

// Signs `text` (which must end with a newline, be UTF-8 and hold no control characters but
// newlines) with each signer, in order, and returns the note.
absl::StatusOr<std::string> SignNote(std::string_view text,
                                     absl::Span<const NoteSigner* const> signers);

// Parses `note` and verifies every signature whose (name, key id) matches one of `verifiers`.
// Signatures by other keys are kept in `unverified` without being checked (the spec requires
// ignoring them: they may be witnesses or a rotated key). Fails when the note is malformed
// (InvalidArgument), when a known key's signature does not verify (Unauthenticated; the whole
// note is rejected), or when no known key signed it (Unauthenticated).
absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    absl::Span<const NoteVerifier* const> verifiers);

}  // namespace poc

#endif  // POC_COMMON_CHECKPOINT_NOTE_H_
