#include "common/checkpoint/cosignature.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/checkpoint/note.h"
#include "common/crypto/ed25519.h"
#include "common/util/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

// The checkpoint of the tlog-cosignature spec's example, and its timestamp.
constexpr char kCheckpoint[] =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr uint64_t kTime = 1679315147;

// A witness with the fixed seed 00 01 02 .. 1f. Its vkey and its cosignature of kCheckpoint at
// kTime were computed independently of this code, from the spec text, with Python's
// `cryptography` package (Ed25519 is deterministic, so the line is exact).
constexpr char kWitnessName[] = "witness.example/w1";
constexpr char kWitnessVkey[] =
    "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
constexpr char kWitnessLine[] =
    "\xE2\x80\x94 witness.example/w1 "
    "519lMgAAAABkGFDLBuRDazBLVac2NE+Y+IjbjQOcXLfF9CSDZVUIoS83rE1nFZsVE8YiWV6Ngr7lV8H6bdoBQGP/"
    "l73euDMQ9k+bBQ==\n";

Ed25519PrivateKey WitnessKey() {
  std::string seed;
  for (int i = 0; i < 32; ++i) seed.push_back(static_cast<char>(i));
  return *Ed25519PrivateKey::FromSeed(seed);
}

class CosignatureTest : public ::testing::Test {
 protected:
  CosignatureTest()
      : clock_(absl::FromUnixSeconds(static_cast<int64_t>(kTime))),
        signer_(*CosignatureV1Signer::Create(kWitnessName, WitnessKey(), &clock_)),
        verifier_(*CosignatureV1Verifier::FromVerifierKey(kWitnessVkey)) {}

  FakeClock clock_;
  CosignatureV1Signer signer_;
  CosignatureV1Verifier verifier_;
};

TEST_F(CosignatureTest, MatchesTheIndependentlyComputedVector) {
  EXPECT_EQ(signer_.VerifierKey(), kWitnessVkey);
  auto cosignature = signer_.Cosign(kCheckpoint, kTime);
  ASSERT_TRUE(cosignature.ok()) << cosignature.status();
  EXPECT_EQ(cosignature->Line(), kWitnessLine);
  EXPECT_EQ(CosignatureV1Message(kCheckpoint, kTime),
            std::string("cosignature/v1\ntime 1679315147\n") + kCheckpoint);
}

TEST_F(CosignatureTest, CosignatureVerifiesAndCarriesItsTimestamp) {
  auto cosignature = signer_.Cosign(kCheckpoint, kTime);
  ASSERT_TRUE(cosignature.ok());
  auto timestamp = VerifyCosignatureV1(verifier_, kCheckpoint, *cosignature);
  ASSERT_TRUE(timestamp.ok()) << timestamp.status();
  EXPECT_EQ(*timestamp, kTime);
  EXPECT_EQ(*CosignatureV1Timestamp(cosignature->signature), kTime);
  EXPECT_EQ(cosignature->signature.size(), kCosignatureV1Size);
}

TEST_F(CosignatureTest, TamperedCheckpointOrTimestampFailsToVerify) {
  const NoteSignature cosignature = *signer_.Cosign(kCheckpoint, kTime);
  std::string other_checkpoint = kCheckpoint;
  other_checkpoint[30] = '9';  // another tree size
  auto status = VerifyCosignatureV1(verifier_, other_checkpoint, cosignature).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(status.message()), HasSubstr("does not verify"));

  NoteSignature later = cosignature;
  later.signature[7] ^= 0x01;  // the timestamp's last byte
  EXPECT_EQ(VerifyCosignatureV1(verifier_, kCheckpoint, later).status().code(),
            absl::StatusCode::kUnauthenticated);

  NoteSignature truncated = cosignature;
  truncated.signature.resize(71);
  EXPECT_THAT(
      std::string(VerifyCosignatureV1(verifier_, kCheckpoint, truncated).status().message()),
      HasSubstr("72 bytes, got 71"));
}

TEST_F(CosignatureTest, SignatureByAnotherKeyIsRefused) {
  auto other =
      CosignatureV1Signer::Create("witness.example/w2", *Ed25519PrivateKey::Generate(), &clock_);
  ASSERT_TRUE(other.ok());
  const NoteSignature cosignature = *other->Cosign(kCheckpoint, kTime);
  EXPECT_THAT(
      std::string(VerifyCosignatureV1(verifier_, kCheckpoint, cosignature).status().message()),
      HasSubstr("not by cosigner witness.example/w1+e75f6532"));
}

TEST_F(CosignatureTest, AsANoteSignerItStampsTheClockTime) {
  clock_.Advance(absl::Seconds(42));
  const NoteSigner* signers[] = {&signer_};
  auto note = SignNote(kCheckpoint, signers);
  ASSERT_TRUE(note.ok()) << note.status();
  const NoteVerifier* verifiers[] = {&verifier_};
  auto opened = OpenNote(*note, verifiers);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(*CosignatureV1Timestamp(opened->verified[0].signature), kTime + 42);
}

TEST_F(CosignatureTest, KeyIdAndVkeyDifferFromAPlainNoteKeyOfTheSameKey) {
  auto plain = Ed25519NoteSigner::Create(kWitnessName, WitnessKey());
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->key_id(), signer_.key_id());
  // A type 0x04 vkey is not accepted as a plain Ed25519 key, nor the reverse.
  EXPECT_THAT(std::string(Ed25519NoteVerifier::FromVerifierKey(kWitnessVkey).status().message()),
              HasSubstr("signature type 4"));
  EXPECT_THAT(
      std::string(CosignatureV1Verifier::FromVerifierKey(plain->VerifierKey()).status().message()),
      HasSubstr("signature type 1"));
  // And a cosignature line is not taken for a log signature by the same key.
  const std::string note = std::string(kCheckpoint) + "\n" + kWitnessLine;
  auto plain_verifier = Ed25519NoteVerifier::FromVerifierKey(plain->VerifierKey());
  ASSERT_TRUE(plain_verifier.ok());
  const NoteVerifier* verifiers[] = {&*plain_verifier};
  EXPECT_EQ(OpenNote(note, verifiers).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(CosignatureTest, RefusesToCosignWhatIsNotACheckpointOrAnImpossibleTime) {
  EXPECT_THAT(std::string(signer_.Cosign("just text\n", kTime).status().message()),
              HasSubstr("not a checkpoint"));
  EXPECT_FALSE(signer_.Cosign(kCheckpoint, uint64_t{1} << 63).ok());
  std::string huge(kCosignatureV1Size, '\0');
  huge[0] = '\x80';
  EXPECT_FALSE(CosignatureV1Timestamp(huge).ok());
  EXPECT_FALSE(CosignatureV1Signer::Create(kWitnessName, WitnessKey(), nullptr).ok());
}

}  // namespace
}  // namespace poc
