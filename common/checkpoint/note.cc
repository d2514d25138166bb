#include "common/checkpoint/note.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/checkpoint/note_text.h"
#include "common/crypto/sha256.h"
#include "common/encoding/base64.h"
#include "common/encoding/hex.h"
#include "common/status_macros.h"

namespace poc {
namespace {

// U+2014 EM DASH and a space open every signature line.
const std::string_view kSignaturePrefix = "\xE2\x80\x94 ";

std::string KeyIdBytes(uint32_t key_id) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i)
    out[static_cast<size_t>(i)] = static_cast<char>(key_id >> (24 - 8 * i));
  return out;
}

uint32_t KeyIdFromBytes(std::string_view bytes) {
  uint32_t id = 0;
  for (size_t i = 0; i < 4; ++i) id = (id << 8) | static_cast<unsigned char>(bytes[i]);
  return id;
}

std::string KeyIdHex(uint32_t key_id) { return HexEncode(KeyIdBytes(key_id)); }

std::string KeyLabel(std::string_view name, uint32_t key_id) {
  return absl::StrCat(std::string(name), "+", KeyIdHex(key_id));
}

absl::Status Malformed(const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat("malformed note: ", problem));
}

}  // namespace

absl::Status ValidateNoteKeyName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("note key name is empty");
  if (!IsValidUtf8(name)) {
    return absl::InvalidArgumentError("note key name is not valid UTF-8");
  }
  if (name.find('+') != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "note key name \"", std::string(name), "\" contains '+', which vkeys use as separator"));
  }
  if (ContainsSpaceOrControl(name)) {
    return absl::InvalidArgumentError(absl::StrCat("note key name \"", std::string(name),
                                                   "\" contains a space or control character"));
  }
  return absl::OkStatus();
}

uint32_t NoteKeyId(std::string_view name, uint8_t signature_type, std::string_view public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(signature_type));
  input.append(public_key.data(), public_key.size());
  return KeyIdFromBytes(Sha256(input));
}

absl::StatusOr<NoteVerifierKey> ParseNoteVerifierKey(std::string_view vkey) {
  const auto bad = [&](const std::string& problem) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key \"", std::string(vkey), "\" ", problem,
                     "; expected <name>+<8 hex digits key id>+<base64(type byte || public key)>"));
  };
  const size_t plus1 = vkey.find('+');
  if (plus1 == std::string_view::npos) return bad("has no '+'");
  const size_t plus2 = vkey.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) return bad("has only one '+'");
  const std::string_view name = vkey.substr(0, plus1);
  const std::string_view id_hex = vkey.substr(plus1 + 1, plus2 - plus1 - 1);
  const std::string_view key_b64 = vkey.substr(plus2 + 1);

  if (absl::Status s = ValidateNoteKeyName(name); !s.ok()) return bad(std::string(s.message()));
  if (id_hex.size() != 8) return bad("has a key id that is not 8 hex digits");
  auto id_bytes = HexDecode(id_hex);
  if (!id_bytes.ok()) return bad("has a key id that is not 8 hex digits");
  auto key = Base64Decode(key_b64);
  if (!key.ok()) return bad("has a key that is not base64");
  if (key->empty()) return bad("has an empty key");

  NoteVerifierKey parsed;
  parsed.name = std::string(name);
  parsed.key_id = KeyIdFromBytes(*id_bytes);
  parsed.signature_type = static_cast<uint8_t>((*key)[0]);
  parsed.public_key = key->substr(1);
  const uint32_t computed = NoteKeyId(name, parsed.signature_type, parsed.public_key);
  if (computed != parsed.key_id) {
    return bad(absl::StrCat("has key id ", std::string(id_hex), " but its name and key give ",
                            KeyIdHex(computed)));
  }
  return parsed;
}

absl::StatusOr<std::string> FormatNoteVerifierKey(std::string_view name, uint8_t signature_type,
                                                  std::string_view public_key) {
  RETURN_IF_ERROR(ValidateNoteKeyName(name));
  std::string key(1, static_cast<char>(signature_type));
  key.append(public_key.data(), public_key.size());
  return absl::StrCat(std::string(name), "+", KeyIdHex(NoteKeyId(name, signature_type, public_key)),
                      "+", Base64Encode(key));
}

absl::StatusOr<std::string> FormatEd25519NoteVerifierKey(std::string_view name,
                                                         const Ed25519PublicKey& key) {
  return FormatNoteVerifierKey(name, kNoteSignatureTypeEd25519, key.raw());
}

Ed25519NoteSigner::Ed25519NoteSigner(std::string name, Ed25519PrivateKey key)
    : name_(std::move(name)),
      key_(std::move(key)),
      key_id_(NoteKeyId(name_, kNoteSignatureTypeEd25519, key_.public_key().raw())) {}

absl::StatusOr<Ed25519NoteSigner> Ed25519NoteSigner::Create(std::string_view name,
                                                            Ed25519PrivateKey key) {
  RETURN_IF_ERROR(ValidateNoteKeyName(name));
  return Ed25519NoteSigner(std::string(name), std::move(key));
}

absl::StatusOr<std::string> Ed25519NoteSigner::Sign(std::string_view text) const {
  return key_.Sign(text);
}

std::string Ed25519NoteSigner::VerifierKey() const {
  // The name was validated in Create, so formatting cannot fail.
  return *FormatEd25519NoteVerifierKey(name_, key_.public_key());
}

Ed25519NoteVerifier::Ed25519NoteVerifier(std::string name, Ed25519PublicKey key)
    : name_(std::move(name)),
      key_(std::move(key)),
      key_id_(NoteKeyId(name_, kNoteSignatureTypeEd25519, key_.raw())) {}

absl::StatusOr<Ed25519NoteVerifier> Ed25519NoteVerifier::FromVerifierKey(std::string_view vkey) {
  ASSIGN_OR_RETURN(NoteVerifierKey parsed, ParseNoteVerifierKey(vkey));
  if (parsed.signature_type != kNoteSignatureTypeEd25519) {
    return absl::InvalidArgumentError(absl::StrCat(
        "verifier key of ", parsed.name, " has signature type ",
        static_cast<int>(parsed.signature_type), ", expected 1 (Ed25519 note signatures)"));
  }
  auto key = Ed25519PublicKey::FromRaw(parsed.public_key);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key of ", parsed.name, ": ", std::string(key.status().message())));
  }
  return Ed25519NoteVerifier(std::move(parsed.name), *std::move(key));
}

absl::StatusOr<Ed25519NoteVerifier> Ed25519NoteVerifier::Create(std::string_view name,
                                                                const Ed25519PublicKey& key) {
  RETURN_IF_ERROR(ValidateNoteKeyName(name));
  return Ed25519NoteVerifier(std::string(name), key);
}

bool Ed25519NoteVerifier::Verify(std::string_view text, std::string_view signature) const {
  return key_.Verify(text, signature);
}

std::string NoteSignature::Line() const {
  return absl::StrCat(std::string(kSignaturePrefix), name, " ",
                      Base64Encode(KeyIdBytes(key_id) + signature), "\n");
}

absl::StatusOr<std::string> SignNote(std::string_view text,
                                     absl::Span<const NoteSigner* const> signers) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError("note text must end with a newline");
  }
  RETURN_IF_ERROR(ValidateNoteText(text, "note text"));
  if (signers.empty()) return absl::InvalidArgumentError("a note needs at least one signer");
  std::string note(text);
  note.push_back('\n');
  std::set<std::pair<std::string, uint32_t>> seen;
  for (const NoteSigner* signer : signers) {
    RETURN_IF_ERROR(ValidateNoteKeyName(signer->name()));
    if (!seen.emplace(signer->name(), signer->key_id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key ", KeyLabel(signer->name(), signer->key_id()), " is given twice to sign a note"));
    }
    ASSIGN_OR_RETURN(std::string signature, signer->Sign(text));
    note += NoteSignature{signer->name(), signer->key_id(), std::move(signature)}.Line();
  }
  return note;
}

absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    absl::Span<const NoteVerifier* const> verifiers) {
  RETURN_IF_ERROR(ValidateNoteText(note, "note"));
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Malformed("no blank line separates the text from the signatures");
  }
  OpenedNote opened;
  opened.text = std::string(note.substr(0, split + 1));
  std::string_view block = note.substr(split + 2);
  if (block.empty()) return Malformed("no signature lines after the blank line");
  if (block.back() != '\n') return Malformed("the last signature line does not end in a newline");

  std::set<std::pair<std::string, uint32_t>> verified_keys;
  std::set<std::string> unverified_lines;
  size_t count = 0;
  while (!block.empty()) {
    const size_t nl = block.find('\n');
    const std::string_view line = block.substr(0, nl);
    block.remove_prefix(nl + 1);
    ++count;
    if (count > kMaxNoteSignatures) {
      return Malformed(absl::StrCat("more than ", kMaxNoteSignatures, " signature lines"));
    }
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return Malformed(absl::StrCat("signature line ", count,
                                    " does not start with an em dash (U+2014) and a space"));
    }
    const std::string_view rest = line.substr(kSignaturePrefix.size());
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) {
      return Malformed(absl::StrCat("signature line ", count, " has no space after the key name"));
    }
    const std::string_view name = rest.substr(0, space);
    const std::string_view b64 = rest.substr(space + 1);
    if (absl::Status s = ValidateNoteKeyName(name); !s.ok()) {
      return Malformed(absl::StrCat("signature line ", count, ": ", std::string(s.message())));
    }
    auto raw = Base64Decode(b64);
    if (!raw.ok()) {
      return Malformed(absl::StrCat("signature line ", count, " (", std::string(name),
                                    ") is not base64: ", std::string(raw.status().message())));
    }
    if (raw->size() < 5) {
      return Malformed(absl::StrCat("signature line ", count, " (", std::string(name), ") holds ",
                                    raw->size(), " bytes, too short for a key id and a signature"));
    }
    NoteSignature sig{std::string(name), KeyIdFromBytes(*raw), raw->substr(4)};

    const NoteVerifier* match = nullptr;
    for (const NoteVerifier* v : verifiers) {
      if (v->name() != sig.name || v->key_id() != sig.key_id) continue;
      if (match != nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("two verifiers are configured for key ", KeyLabel(sig.name, sig.key_id)));
      }
      match = v;
    }
    if (match == nullptr) {
      if (unverified_lines.insert(std::string(line)).second) {
        opened.unverified.push_back(std::move(sig));
      }
      continue;
    }
    // The spec: a known key's signature MUST be verified, and a failure rejects the note.
    if (!match->Verify(opened.text, sig.signature)) {
      return absl::UnauthenticatedError(absl::StrCat("signature by known key ",
                                                     KeyLabel(sig.name, sig.key_id),
                                                     " does not verify; the note was altered or "
                                                     "not signed by that key"));
    }
    if (verified_keys.emplace(sig.name, sig.key_id).second) {
      opened.verified.push_back(std::move(sig));
    }
  }
  if (opened.verified.empty()) {
    std::string keys;
    for (const NoteSignature& s : opened.unverified) {
      absl::StrAppend(&keys, keys.empty() ? "" : ", ", KeyLabel(s.name, s.key_id));
    }
    std::string known;
    for (const NoteVerifier* v : verifiers) {
      absl::StrAppend(&known, known.empty() ? "" : ", ", KeyLabel(v->name(), v->key_id()));
    }
    return absl::UnauthenticatedError(
        absl::StrCat("note has no signature by a known key (signed by: ", keys,
                     "; known keys: ", known.empty() ? "none" : known, ")"));
  }
  return opened;
}

}  // namespace poc
