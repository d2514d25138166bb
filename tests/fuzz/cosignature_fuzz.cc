// Witness cosignatures (C2SP tlog-cosignature/v1) reach the relay from every State's node and
// are published with each checkpoint. The input is opened as a cosigned checkpoint; every
// signature line is then checked as a cosignature of the witness, and the checkpoint text is
// cosigned at a timestamp taken from the input to check that what is signed verifies.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "tests/fuzz/fuzz_support.h"

namespace poc {
namespace {

struct Fixture {
  Ed25519NoteVerifier log = Must(
      Ed25519NoteVerifier::Create(fuzz::kLogOrigin, fuzz::FixedKey(fuzz::kLogSeed).public_key()));
  CosignatureV1Verifier witness = Must(CosignatureV1Verifier::Create(
      fuzz::kWitnessName, fuzz::FixedKey(fuzz::kWitnessSeed).public_key()));
  SystemClock clock;
  CosignatureV1Signer cosigner = Must(
      CosignatureV1Signer::Create(fuzz::kWitnessName, fuzz::FixedKey(fuzz::kWitnessSeed), &clock));

  template <typename T>
  static T Must(absl::StatusOr<T> v) {
    if (!v.ok()) std::abort();
    return *std::move(v);
  }
};

void CheckLine(const Fixture& f, const std::string& text, const NoteSignature& sig,
               bool verified_by_open) {
  auto timestamp = VerifyCosignatureV1(f.witness, text, sig);
  if (verified_by_open) {
    POC_FUZZ_CHECK(timestamp.ok());
    auto direct = CosignatureV1Timestamp(sig.signature);
    POC_FUZZ_CHECK(direct.ok() && *direct == *timestamp);
  }
  if (timestamp.ok()) {
    POC_FUZZ_CHECK(sig.name == f.witness.name() && sig.key_id == f.witness.key_id());
    POC_FUZZ_CHECK(*timestamp <= static_cast<uint64_t>(INT64_MAX));
  }
}

}  // namespace
}  // namespace poc

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const poc::Fixture* fixture = new poc::Fixture();
  const std::string_view text = poc::fuzz::AsText(data, size);

  const poc::NoteVerifier* witnesses[] = {&fixture->witness};
  auto opened = poc::OpenCheckpoint(text, fixture->log, witnesses);
  if (opened.ok()) {
    for (const poc::NoteSignature& sig : opened->note.verified) {
      if (sig.name == fixture->witness.name()) {
        poc::CheckLine(*fixture, opened->note.text, sig, /*verified_by_open=*/true);
      }
    }
    for (const poc::NoteSignature& sig : opened->note.unverified) {
      poc::CheckLine(*fixture, opened->note.text, sig, /*verified_by_open=*/false);
    }
    // Cosigning at times taken from the other signature lines (their first 8 bytes, as a
    // cosignature's timestamp): accepted exactly up to 2^63 - 1, and then it verifies.
    size_t cosigned = 0;
    for (const poc::NoteSignature& sig : opened->note.unverified) {
      if (sig.signature.size() < 8 || ++cosigned > 4) continue;
      uint64_t timestamp = 0;
      for (size_t i = 0; i < 8; ++i) {
        timestamp = (timestamp << 8) | static_cast<unsigned char>(sig.signature[i]);
      }
      auto cosignature = fixture->cosigner.Cosign(opened->note.text, timestamp);
      POC_FUZZ_CHECK(cosignature.ok() == (timestamp <= static_cast<uint64_t>(INT64_MAX)));
      if (cosignature.ok()) {
        auto verified = poc::VerifyCosignatureV1(fixture->witness, opened->note.text, *cosignature);
        POC_FUZZ_CHECK(verified.ok() && *verified == timestamp);
      }
    }
  }

  // Also the witness's verifier key form, as pocd and the relay read it from configuration.
  auto vkey = poc::CosignatureV1Verifier::FromVerifierKey(text);
  if (vkey.ok()) POC_FUZZ_CHECK(!vkey->name().empty());
  return 0;
}
