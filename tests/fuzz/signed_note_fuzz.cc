// Signed notes (C2SP signed-note) come from the relay (checkpoints) and, through it, from every
// witness. The input is opened as a note with known keys (the Go reference vectors, the log key
// and a witness), and parsed as a verifier key ("vkey"), the other text form of note.h.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/note.h"
#include "tests/fuzz/fuzz_support.h"

namespace poc {
namespace {

struct Fixture {
  std::vector<std::unique_ptr<NoteVerifier>> owned;
  std::vector<const NoteVerifier*> verifiers;

  Fixture() {
    // golang.org/x/mod/sumdb/note's published keys (tests/checkpoint/note_test.cc).
    for (const char* vkey : {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                             "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"}) {
      auto v = Ed25519NoteVerifier::FromVerifierKey(vkey);
      if (!v.ok()) std::abort();
      Add(std::make_unique<Ed25519NoteVerifier>(*std::move(v)));
    }
    auto log =
        Ed25519NoteVerifier::Create(fuzz::kLogOrigin, fuzz::FixedKey(fuzz::kLogSeed).public_key());
    auto witness = CosignatureV1Verifier::Create(fuzz::kWitnessName,
                                                 fuzz::FixedKey(fuzz::kWitnessSeed).public_key());
    if (!log.ok() || !witness.ok()) std::abort();
    Add(std::make_unique<Ed25519NoteVerifier>(*std::move(log)));
    Add(std::make_unique<CosignatureV1Verifier>(*std::move(witness)));
  }

  void Add(std::unique_ptr<NoteVerifier> v) {
    verifiers.push_back(v.get());
    owned.push_back(std::move(v));
  }
};

void CheckOpened(std::string_view note, const Fixture& fixture, const OpenedNote& opened) {
  POC_FUZZ_CHECK(!opened.text.empty() && opened.text.back() == '\n');
  POC_FUZZ_CHECK(note.substr(0, opened.text.size() + 1) == opened.text + "\n");
  POC_FUZZ_CHECK(!opened.verified.empty());
  std::string rebuilt = opened.text + "\n";
  for (const NoteSignature& sig : opened.verified) {
    const NoteVerifier* match = nullptr;
    for (const NoteVerifier* v : fixture.verifiers) {
      if (v->name() == sig.name && v->key_id() == sig.key_id) match = v;
    }
    POC_FUZZ_CHECK(match != nullptr);
    POC_FUZZ_CHECK(match->Verify(opened.text, sig.signature));
    rebuilt += sig.Line();
  }
  // The verified signatures alone make a note that opens to the same text and signatures.
  auto again = OpenNote(rebuilt, fixture.verifiers);
  POC_FUZZ_CHECK(again.ok());
  POC_FUZZ_CHECK(again->text == opened.text);
  POC_FUZZ_CHECK(again->verified == opened.verified);
  POC_FUZZ_CHECK(again->unverified.empty());
}

}  // namespace
}  // namespace poc

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const poc::Fixture* fixture = new poc::Fixture();
  const std::string_view text = poc::fuzz::AsText(data, size);

  auto opened = poc::OpenNote(text, fixture->verifiers);
  if (opened.ok()) {
    poc::CheckOpened(text, *fixture, *opened);
  } else {
    POC_FUZZ_CHECK(opened.status().code() == absl::StatusCode::kInvalidArgument ||
                   opened.status().code() == absl::StatusCode::kUnauthenticated);
  }

  auto vkey = poc::ParseNoteVerifierKey(text);
  if (vkey.ok()) {
    auto formatted = poc::FormatNoteVerifierKey(vkey->name, vkey->signature_type, vkey->public_key);
    POC_FUZZ_CHECK(formatted.ok());
    auto reparsed = poc::ParseNoteVerifierKey(*formatted);
    POC_FUZZ_CHECK(reparsed.ok());
    POC_FUZZ_CHECK(reparsed->name == vkey->name && reparsed->key_id == vkey->key_id &&
                   reparsed->signature_type == vkey->signature_type &&
                   reparsed->public_key == vkey->public_key);
  }
  return 0;
}
