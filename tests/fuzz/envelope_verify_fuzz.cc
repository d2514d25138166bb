// Envelopes arrive from any node; the relay and nodes verify them with VerifyEnvelope and then
// validate the message. The input is tried two ways: as a serialized Envelope (the wire form),
// and as Message bytes that FRA's key signs here, so that the fuzzer also reaches everything
// after the signature check without having to forge Ed25519.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/crypto/sha256.h"
#include "common/directory/directory_view.h"
#include "common/directory/key_possession.h"
#include "common/envelope/envelope_verifier.h"
#include "common/envelope/signed.h"
#include "common/template/validation.h"
#include "common/util/time_format.h"
#include "google/protobuf/stubs/logging.h"
#include "tests/fuzz/fuzz_support.h"

namespace poc {
namespace {

struct Fixture {
  Ed25519PrivateKey fra = fuzz::FixedKey(fuzz::kFraSeed);
  Ed25519PrivateKey ken = fuzz::FixedKey(fuzz::kKenSeed);
  Ed25519PrivateKey fra_revoked = fuzz::FixedKey(fuzz::kFraRevokedSeed);
  DirectoryView directory = Build();

  DirectoryView Build() const {
    v1::Directory d;
    d.set_version(1);
    const auto add_key = [](v1::StateEntry* state, const Ed25519PrivateKey& key,
                            v1::KeyStatus status) {
      v1::SigningKey* k = state->add_keys();
      k->set_key_id(key.public_key().key_id());
      k->set_public_key(key.public_key().raw());
      k->set_status(status);
      k->set_proof(ProveKeyPossession(key, state->code()));
    };
    v1::StateEntry* fra_state = d.add_states();
    fra_state->set_code("FRA");
    add_key(fra_state, fra, v1::KEY_STATUS_ACTIVE);
    add_key(fra_state, fra_revoked, v1::KEY_STATUS_REVOKED);
    v1::StateEntry* ken_state = d.add_states();
    ken_state->set_code("KEN");
    add_key(ken_state, ken, v1::KEY_STATUS_ACTIVE);
    auto view = DirectoryView::Build(std::move(d));
    if (!view.ok()) std::abort();
    return *std::move(view);
  }
};

// What must hold for any envelope VerifyEnvelope accepts.
void CheckVerified(const v1::Envelope& envelope, const DirectoryView& directory,
                   const VerifiedMessage& verified) {
  const KeyEntry* key = directory.FindKey(envelope.key_id());
  POC_FUZZ_CHECK(key != nullptr);
  POC_FUZZ_CHECK(key->CheckUsableAt(FromProto(verified.message.created_at())).ok());
  POC_FUZZ_CHECK(EnvelopeSignatureValid(envelope, key->key));
  POC_FUZZ_CHECK(verified.message.sender() == key->state);
  POC_FUZZ_CHECK(verified.message_hash == Sha256(envelope.message()));
  // What the relay does next; any status is fine, a crash is not. Its errors are always
  // INVALID_ARGUMENT and name the field first.
  const absl::Status valid = ValidateMessage(verified.message, ValidationLimits{});
  POC_FUZZ_CHECK(valid.ok() || valid.code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace poc

// Protobuf logs every string field that is not UTF-8; for fuzz inputs that is noise.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const poc::Fixture* fixture = new poc::Fixture();
  const std::string bytes(poc::fuzz::AsText(data, size));

  poc::v1::Envelope wire;
  if (wire.ParseFromString(bytes)) {
    auto verified = poc::VerifyEnvelope(wire, fixture->directory);
    if (verified.ok()) {
      poc::CheckVerified(wire, fixture->directory, *verified);
    } else {
      POC_FUZZ_CHECK(verified.status().code() == absl::StatusCode::kUnauthenticated ||
                     verified.status().code() == absl::StatusCode::kInvalidArgument);
    }
  }

  // The same bytes as a message FRA signed: the signature holds, so only the parse and the
  // sender decide.
  const poc::v1::Envelope signed_by_fra = poc::SignEnvelope(bytes, fixture->fra);
  auto verified = poc::VerifyEnvelope(signed_by_fra, fixture->directory);
  poc::v1::Message message;
  const bool parses = message.ParseFromString(bytes);
  POC_FUZZ_CHECK(verified.ok() == (parses && message.sender() == "FRA"));
  if (verified.ok()) poc::CheckVerified(signed_by_fra, fixture->directory, *verified);
  return 0;
}
