// Writes the signed seeds of tests/fuzz/corpus/ (envelopes, messages, notes, checkpoints,
// cosignatures, verifier keys), made with the fixed keys of fuzz_support.h so that the fuzz
// targets can verify them. Run by hand when a format changes, then commit the output:
//   ninja -C build-fuzz poc_fuzz_make_seeds && build-fuzz/tests/fuzz/poc_fuzz_make_seeds \
//       tests/fuzz/corpus
// The TOML seeds are written by hand; the proof targets' seeds are plain bytes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/time/time.h"
#include "common/checkpoint/checkpoint.h"
#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"
#include "poc/v1/message.pb.h"
#include "tests/fuzz/fuzz_support.h"

namespace poc {
namespace {

const absl::Time kCreated = absl::FromUnixSeconds(1790000000);  // 2026-09-21T14:13:20Z
constexpr uint64_t kCosigned = 1790000060;

template <typename T>
T Must(absl::StatusOr<T> v) {
  if (!v.ok()) {
    std::cerr << "make_seeds: " << v.status() << "\n";
    std::exit(1);
  }
  return *std::move(v);
}

void Write(const std::filesystem::path& dir, const std::string& target, const std::string& name,
           const std::string& bytes) {
  std::filesystem::create_directories(dir / target);
  std::ofstream(dir / target / name, std::ios::binary | std::ios::trunc) << bytes;
}

v1::Message Notification() {
  v1::Message m;
  m.set_id(NewUuidV7(kCreated));
  m.set_sender("FRA");
  m.add_recipients("KEN");
  m.add_recipients("group:WEOG");
  *m.mutable_created_at() = ToProto(kCreated);
  m.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  v1::Template* t = m.mutable_template_();
  t->set_urgency(v1::URGENCY_URGENT);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_AMBER);
  t->set_subject("Ransomware in hospital networks");
  t->set_summary("Three hospitals hit since Monday.");
  t->set_description("Encrypted file servers; ransom notes in French and English.");
  t->set_language("en");
  t->set_incident_category("malicious-code");
  t->add_affected_sectors("health");
  *t->mutable_observed_at() = ToProto(kCreated - absl::Hours(20));
  t->set_indicators("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  t->set_stix_bundle(
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]})");
  t->set_requested_action("Check your hospitals for the indicators.");
  *t->mutable_respond_by() = ToProto(kCreated + absl::Hours(4));
  return m;
}

v1::Message Acknowledgement(const v1::Message& of) {
  v1::Message m;
  m.set_id(NewUuidV7(kCreated + absl::Minutes(5)));
  m.set_sender("KEN");
  m.add_recipients("FRA");
  *m.mutable_created_at() = ToProto(kCreated + absl::Minutes(5));
  m.set_kind(v1::MESSAGE_TYPE_ACKNOWLEDGEMENT);
  m.set_in_reply_to(of.id());
  v1::Template* t = m.mutable_template_();
  t->set_urgency(v1::URGENCY_URGENT);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_AMBER);
  return m;
}

void WriteEnvelopes(const std::filesystem::path& dir) {
  const v1::Message notification = Notification();
  const std::string bytes = notification.SerializeAsString();
  Write(dir, "envelope_verify_fuzz", "notification_fra.env",
        SignEnvelope(bytes, fuzz::FixedKey(fuzz::kFraSeed)).SerializeAsString());
  Write(dir, "envelope_verify_fuzz", "ack_ken.env",
        SignEnvelope(Acknowledgement(notification).SerializeAsString(),
                     fuzz::FixedKey(fuzz::kKenSeed))
            .SerializeAsString());
  Write(dir, "envelope_verify_fuzz", "revoked_key_fra.env",
        SignEnvelope(bytes, fuzz::FixedKey(fuzz::kFraRevokedSeed)).SerializeAsString());
  Write(dir, "envelope_verify_fuzz", "notification_fra.msg", bytes);

  Write(dir, "template_validation_fuzz", "notification.msg", bytes);
  Write(dir, "template_validation_fuzz", "acknowledgement.msg",
        Acknowledgement(notification).SerializeAsString());
  Write(dir, "template_validation_fuzz", "notification.tmpl",
        notification.template_().SerializeAsString());
}

void WriteNotes(const std::filesystem::path& dir) {
  const Ed25519NoteSigner log =
      Must(Ed25519NoteSigner::Create(fuzz::kLogOrigin, fuzz::FixedKey(fuzz::kLogSeed)));
  const SystemClock clock;
  const CosignatureV1Signer witness = Must(
      CosignatureV1Signer::Create(fuzz::kWitnessName, fuzz::FixedKey(fuzz::kWitnessSeed), &clock));
  // A witness the fuzz targets do not know: its line must be kept, unverified.
  const CosignatureV1Signer other_witness =
      Must(CosignatureV1Signer::Create("poc-witness/FRA", fuzz::FixedKey(0x12), &clock));

  Checkpoint checkpoint;
  checkpoint.origin = fuzz::kLogOrigin;
  checkpoint.size = 1337;
  checkpoint.root_hash = Sha256("a root");
  const std::string body = Must(checkpoint.Format());
  checkpoint.extensions = {"note: an extension line"};
  const std::string extended_body = Must(checkpoint.Format());

  const std::string signed_note = Must(SignCheckpoint(checkpoint, log));
  const std::string cosigned = signed_note + Must(witness.Cosign(extended_body, kCosigned)).Line() +
                               Must(other_witness.Cosign(extended_body, kCosigned)).Line();

  Write(dir, "checkpoint_fuzz", "body.txt", body);
  Write(dir, "checkpoint_fuzz", "body_with_extension.txt", extended_body);
  Write(dir, "checkpoint_fuzz", "signed.note", signed_note);
  Write(dir, "checkpoint_fuzz", "cosigned.note", cosigned);

  Write(dir, "cosignature_fuzz", "cosigned.note", cosigned);
  Write(dir, "cosignature_fuzz", "witness.vkey", witness.VerifierKey() + "\n");

  Write(dir, "signed_note_fuzz", "cosigned_checkpoint.note", cosigned);
  Write(dir, "signed_note_fuzz", "log.vkey", log.VerifierKey());
  // golang.org/x/mod/sumdb/note's published note, signed by PeterNeumann and EnochRoot.
  Write(
      dir, "signed_note_fuzz", "go_reference.note",
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n"
      "\n"
      "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
      "qfqdngotpRZb6KE6RyyBwJnAM=\n"
      "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01"
      "oOTGwnWLox33WWd1RvMc+QQ=\n");
}

// The proof targets read their input through FuzzedDataProvider: any bytes are a valid input.
void WriteProofSeeds(const std::filesystem::path& dir) {
  std::string ramp;
  for (int i = 0; i < 256; ++i) ramp.push_back(static_cast<char>(i));
  for (const char* target : {"inclusion_proof_fuzz", "consistency_proof_fuzz"}) {
    Write(dir, target, "zeros", std::string(96, '\0'));
    Write(dir, target, "ones", std::string(160, '\xff'));
    Write(dir, target, "ramp", ramp);
  }
}

}  // namespace
}  // namespace poc

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: poc_fuzz_make_seeds CORPUS_DIR\n";
    return 2;
  }
  poc::WriteEnvelopes(argv[1]);
  poc::WriteNotes(argv[1]);
  poc::WriteProofSeeds(argv[1]);
  return 0;
}
