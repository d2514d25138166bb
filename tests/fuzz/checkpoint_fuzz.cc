// Checkpoints (C2SP tlog-checkpoint) are what witnesses and auditors trust the relay's log by.
// The input is parsed as a checkpoint body, and opened as a signed checkpoint of the log.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/checkpoint/checkpoint.h"
#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "tests/fuzz/fuzz_support.h"

namespace poc {
namespace {

struct Fixture {
  Ed25519NoteSigner log_signer =
      Must(Ed25519NoteSigner::Create(fuzz::kLogOrigin, fuzz::FixedKey(fuzz::kLogSeed)));
  Ed25519NoteVerifier log = Must(
      Ed25519NoteVerifier::Create(fuzz::kLogOrigin, fuzz::FixedKey(fuzz::kLogSeed).public_key()));
  CosignatureV1Verifier witness = Must(CosignatureV1Verifier::Create(
      fuzz::kWitnessName, fuzz::FixedKey(fuzz::kWitnessSeed).public_key()));

  template <typename T>
  static T Must(absl::StatusOr<T> v) {
    if (!v.ok()) std::abort();
    return *std::move(v);
  }
};

}  // namespace
}  // namespace poc

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const poc::Fixture* fixture = new poc::Fixture();
  const std::string_view text = poc::fuzz::AsText(data, size);

  // The parse is strict, so a text it accepts is exactly what Format writes.
  auto checkpoint = poc::Checkpoint::Parse(text);
  if (checkpoint.ok()) {
    auto formatted = checkpoint->Format();
    POC_FUZZ_CHECK(formatted.ok());
    POC_FUZZ_CHECK(*formatted == text);
  } else {
    POC_FUZZ_CHECK(checkpoint.status().code() == absl::StatusCode::kInvalidArgument);
  }

  const poc::NoteVerifier* witnesses[] = {&fixture->witness};
  auto opened = poc::OpenCheckpoint(text, fixture->log, witnesses);
  if (opened.ok()) {
    POC_FUZZ_CHECK(opened->checkpoint.origin == poc::fuzz::kLogOrigin);
    auto body = poc::Checkpoint::Parse(opened->note.text);
    POC_FUZZ_CHECK(body.ok() && *body == opened->checkpoint);
    // Signing it again gives a note that opens to the same checkpoint.
    auto resigned = poc::SignCheckpoint(opened->checkpoint, fixture->log_signer);
    POC_FUZZ_CHECK(resigned.ok());
    auto reopened = poc::OpenCheckpoint(*resigned, fixture->log, witnesses);
    POC_FUZZ_CHECK(reopened.ok() && reopened->checkpoint == opened->checkpoint);
  }
  return 0;
}
