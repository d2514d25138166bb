#include "common/checkpoint/signed_checkpoint.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/checkpoint/cosignature.h"
#include "common/crypto/ed25519.h"
#include "common/util/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

constexpr char kOrigin[] = "un.example/poc-audit";

class SignedCheckpointTest : public ::testing::Test {
 protected:
  SignedCheckpointTest()
      : clock_(absl::FromUnixSeconds(1800000000)),
        log_(*Ed25519NoteSigner::Create(kOrigin, *Ed25519PrivateKey::Generate())),
        log_verifier_(*Ed25519NoteVerifier::FromVerifierKey(log_.VerifierKey())),
        witness_(*CosignatureV1Signer::Create("fra.example/witness", *Ed25519PrivateKey::Generate(),
                                              &clock_)),
        witness_verifier_(*CosignatureV1Verifier::FromVerifierKey(witness_.VerifierKey())),
        checkpoint_{kOrigin, 1234, std::string(32, '\x42'), {}} {}

  FakeClock clock_;
  Ed25519NoteSigner log_;
  Ed25519NoteVerifier log_verifier_;
  CosignatureV1Signer witness_;
  CosignatureV1Verifier witness_verifier_;
  Checkpoint checkpoint_;
};

TEST_F(SignedCheckpointTest, SignedCheckpointOpensWithTheLogKey) {
  auto note = SignCheckpoint(checkpoint_, log_);
  ASSERT_TRUE(note.ok()) << note.status();
  auto opened = OpenCheckpoint(*note, log_verifier_, {});
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->checkpoint, checkpoint_);
  EXPECT_EQ(opened->note.verified.size(), 1u);
}

TEST_F(SignedCheckpointTest, WitnessCosignaturesAppendedToTheNoteAreVerified) {
  const std::string note = *SignCheckpoint(checkpoint_, log_);
  const std::string text = *checkpoint_.Format();
  const std::string cosigned = note + witness_.Cosign(text, 1800000000)->Line();

  const NoteVerifier* witnesses[] = {&witness_verifier_};
  auto opened = OpenCheckpoint(cosigned, log_verifier_, witnesses);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->note.verified.size(), 2u);
  EXPECT_EQ(opened->note.verified[1].name, "fra.example/witness");

  // Without the witness key the cosignature is kept, unchecked.
  auto log_only = OpenCheckpoint(cosigned, log_verifier_, {});
  ASSERT_TRUE(log_only.ok()) << log_only.status();
  EXPECT_EQ(log_only->note.unverified.size(), 1u);
}

TEST_F(SignedCheckpointTest, ACheckpointCosignedButNotSignedByTheLogIsRejected) {
  const std::string text = *checkpoint_.Format();
  const std::string note = text + "\n" + witness_.Cosign(text, 1800000000)->Line();
  const NoteVerifier* witnesses[] = {&witness_verifier_};
  auto opened = OpenCheckpoint(note, log_verifier_, witnesses);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(opened.status().message()), HasSubstr("not signed by the log key"));
}

TEST_F(SignedCheckpointTest, OriginMustBeTheLogKeyName) {
  checkpoint_.origin = "other.example/log";
  EXPECT_THAT(std::string(SignCheckpoint(checkpoint_, log_).status().message()),
              HasSubstr("differs from the log key name"));
  // A note signed by the log key over another origin is not this log's checkpoint.
  const NoteSigner* signers[] = {&log_};
  const std::string note = *SignNote(*checkpoint_.Format(), signers);
  EXPECT_THAT(std::string(OpenCheckpoint(note, log_verifier_, {}).status().message()),
              HasSubstr("is not the log's name"));
}

TEST_F(SignedCheckpointTest, ASignedNoteThatIsNotACheckpointIsRejected) {
  const NoteSigner* signers[] = {&log_};
  const std::string note = *SignNote("un.example/poc-audit\nnot a size\nroot\n", signers);
  EXPECT_THAT(std::string(OpenCheckpoint(note, log_verifier_, {}).status().message()),
              HasSubstr("line 2 (tree size)"));
}

}  // namespace
}  // namespace poc
