#include "common/envelope/signed.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "poc/v1/message.pb.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::testing::HasSubstr;

Ed25519PrivateKey KeyFromSeedByte(char b) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, b));
  if (!key.ok()) std::abort();
  return *std::move(key);
}

std::string MessageBytes() {
  v1::Message m;
  m.set_id("01890a5d-ac96-774b-bcce-b302099a8057");
  m.set_sender("FRA");
  m.add_recipients("KEN");
  m.set_drill(true);
  return m.SerializeAsString();
}

class SignedTest : public ::testing::Test {
 protected:
  const Ed25519PrivateKey key_ = KeyFromSeedByte('\x01');
  const Ed25519PrivateKey other_ = KeyFromSeedByte('\x02');
  const std::string bytes_ = MessageBytes();
};

TEST_F(SignedTest, SignedEnvelopeVerifies) {
  const v1::Envelope env = SignEnvelope(bytes_, key_);
  EXPECT_EQ(env.message(), bytes_);
  EXPECT_EQ(env.key_id(), key_.public_key().key_id());
  EXPECT_EQ(env.signature().size(), kEd25519SignatureSize);
  EXPECT_TRUE(EnvelopeSignatureValid(env, key_.public_key()));
}

TEST_F(SignedTest, EnvelopeSignatureCoversTheDomainPrefixAndTheExactBytes) {
  // The wire contract (DESIGN.md): Ed25519 over "poc/v1 envelope\n" || message bytes.
  const v1::Envelope env = SignEnvelope(bytes_, key_);
  EXPECT_TRUE(key_.public_key().Verify("poc/v1 envelope\n" + bytes_, env.signature()));
  EXPECT_FALSE(key_.public_key().Verify(bytes_, env.signature()));
}

TEST_F(SignedTest, EnvelopeWithAnyChangedByteFails) {
  const v1::Envelope env = SignEnvelope(bytes_, key_);
  for (size_t i = 0; i < bytes_.size(); ++i) {
    v1::Envelope changed = env;
    std::string* message = changed.mutable_message();
    (*message)[i] = static_cast<char>((*message)[i] ^ 0x01);
    EXPECT_FALSE(EnvelopeSignatureValid(changed, key_.public_key())) << "byte " << i;
  }
  v1::Envelope extended = env;
  extended.mutable_message()->push_back('\0');
  EXPECT_FALSE(EnvelopeSignatureValid(extended, key_.public_key()));
}

TEST_F(SignedTest, EnvelopeDoesNotVerifyUnderAnotherKey) {
  const v1::Envelope env = SignEnvelope(bytes_, key_);
  EXPECT_FALSE(EnvelopeSignatureValid(env, other_.public_key()));
}

TEST_F(SignedTest, DeliveryReceiptSignatureOverTheSameBytesIsNotAnEnvelope) {
  const v1::Signed receipt = SignStatement(kDeliveryReceiptDomain, bytes_, key_);
  v1::Envelope forged;
  forged.set_message(receipt.body());
  forged.set_signature(receipt.signature());
  forged.set_key_id(receipt.key_id());
  EXPECT_FALSE(EnvelopeSignatureValid(forged, key_.public_key()));
}

TEST_F(SignedTest, EnvelopeSignatureIsNotADeliveryReceipt) {
  const v1::Envelope env = SignEnvelope(bytes_, key_);
  v1::Signed forged;
  forged.set_body(env.message());
  forged.set_signature(env.signature());
  forged.set_key_id(env.key_id());
  EXPECT_EQ(VerifyStatement(kDeliveryReceiptDomain, forged, key_.public_key()).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(SignedTest, StatementVerifiesOnlyUnderItsOwnDomain) {
  const v1::Signed receipt = SignStatement(kDeliveryReceiptDomain, "body", key_);
  EXPECT_EQ(receipt.key_id(), key_.public_key().key_id());
  EXPECT_TRUE(VerifyStatement(kDeliveryReceiptDomain, receipt, key_.public_key()).ok());
  EXPECT_EQ(VerifyStatement(kSubmitReceiptDomain, receipt, key_.public_key()).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyStatement(kDirectoryDomain, receipt, key_.public_key()).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(SignedTest, VerifyStatementRejectsAnotherKeyId) {
  const v1::Signed receipt = SignStatement(kDeliveryReceiptDomain, "body", key_);
  const absl::Status status = VerifyStatement(kDeliveryReceiptDomain, receipt, other_.public_key());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(status), HasSubstr(key_.public_key().key_id()));
  EXPECT_THAT(MessageOf(status), HasSubstr(other_.public_key().key_id()));
}

TEST_F(SignedTest, VerifyStatementRejectsASignatureByAnotherKeyUnderTheRightKeyId) {
  v1::Signed receipt = SignStatement(kDeliveryReceiptDomain, "body", other_);
  receipt.set_key_id(key_.public_key().key_id());
  EXPECT_EQ(VerifyStatement(kDeliveryReceiptDomain, receipt, key_.public_key()).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(SignedTest, VerifyStatementRejectsABadSignature) {
  v1::Signed receipt = SignStatement(kDeliveryReceiptDomain, "body", key_);
  std::string* sig = receipt.mutable_signature();
  (*sig)[10] = static_cast<char>((*sig)[10] ^ 0x80);
  const absl::Status status = VerifyStatement(kDeliveryReceiptDomain, receipt, key_.public_key());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(status), HasSubstr("does not verify"));

  v1::Signed truncated = SignStatement(kDeliveryReceiptDomain, "body", key_);
  truncated.mutable_signature()->pop_back();
  EXPECT_EQ(VerifyStatement(kDeliveryReceiptDomain, truncated, key_.public_key()).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(SignedTest, VerifyStatementRejectsAChangedBody) {
  v1::Signed receipt = SignStatement(kDeliveryReceiptDomain, "body", key_);
  receipt.set_body("Body");
  EXPECT_EQ(VerifyStatement(kDeliveryReceiptDomain, receipt, key_.public_key()).code(),
            absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace poc
