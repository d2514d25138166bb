#include "common/envelope/envelope_verifier.h"

#include <openssl/sha.h>

#include <optional>
#include <string>

#include "common/directory/key_possession.h"
#include "common/envelope/signed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

v1::SigningKey Registered(const Ed25519PrivateKey& key, const std::string& state,
                          v1::KeyStatus status) {
  v1::SigningKey out;
  out.set_proof(ProveKeyPossession(key, state));
  out.set_key_id(key.public_key().key_id());
  out.set_public_key(key.public_key().raw());
  out.set_status(status);
  return out;
}

std::string Sha256Independent(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

// A directory with two States: FRA (one active key, one revoked key) and KEN (one active key).
class EnvelopeVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Directory directory;
    directory.set_version(1);
    v1::StateEntry* fra = directory.add_states();
    fra->set_code("FRA");
    fra->set_name("France");
    *fra->add_keys() = Registered(fra_key_, "FRA", v1::KEY_STATUS_ACTIVE);
    *fra->add_keys() = Registered(fra_revoked_key_, "FRA", v1::KEY_STATUS_REVOKED);
    v1::StateEntry* ken = directory.add_states();
    ken->set_code("KEN");
    ken->set_name("Kenya");
    *ken->add_keys() = Registered(ken_key_, "KEN", v1::KEY_STATUS_ACTIVE);
    auto view = DirectoryView::Build(std::move(directory));
    ASSERT_TRUE(view.ok()) << view.status();
    view_.emplace(*std::move(view));
  }

  static std::string MessageFrom(const std::string& sender) {
    v1::Message m;
    m.set_id("01890a5d-ac96-774b-bcce-b302099a8057");
    m.set_sender(sender);
    m.add_recipients("all");
    m.mutable_created_at()->set_seconds(1795840041);
    return m.SerializeAsString();
  }

  const Ed25519PrivateKey fra_key_ = KeyFromSeedByte('\x01');
  const Ed25519PrivateKey fra_revoked_key_ = KeyFromSeedByte('\x02');
  const Ed25519PrivateKey ken_key_ = KeyFromSeedByte('\x03');
  const Ed25519PrivateKey stranger_key_ = KeyFromSeedByte('\x04');
  std::optional<DirectoryView> view_;
};

TEST_F(EnvelopeVerifierTest, ReturnsTheParsedMessageAndTheHashOfItsBytes) {
  const std::string bytes = MessageFrom("FRA");
  auto verified = VerifyEnvelope(SignEnvelope(bytes, fra_key_), *view_);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->message.sender(), "FRA");
  EXPECT_EQ(verified->message.id(), "01890a5d-ac96-774b-bcce-b302099a8057");
  EXPECT_EQ(verified->message.created_at().seconds(), 1795840041);
  EXPECT_EQ(verified->message.SerializeAsString(), bytes);
  EXPECT_EQ(verified->message_hash, Sha256Independent(bytes));
}

TEST_F(EnvelopeVerifierTest, AcceptsTheOtherStatesKeyForItsOwnMessages) {
  auto verified = VerifyEnvelope(SignEnvelope(MessageFrom("KEN"), ken_key_), *view_);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->message.sender(), "KEN");
}

TEST_F(EnvelopeVerifierTest, RejectsAnUnknownKeyId) {
  auto verified = VerifyEnvelope(SignEnvelope(MessageFrom("FRA"), stranger_key_), *view_);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(verified.status()), HasSubstr(stranger_key_.public_key().key_id()));
}

TEST_F(EnvelopeVerifierTest, RejectsARevokedKey) {
  auto verified = VerifyEnvelope(SignEnvelope(MessageFrom("FRA"), fra_revoked_key_), *view_);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(verified.status()), HasSubstr("revoked"));
  EXPECT_THAT(MessageOf(verified.status()), HasSubstr(fra_revoked_key_.public_key().key_id()));
}

TEST_F(EnvelopeVerifierTest, AcceptsARevokedKeyOnlyForMessagesCreatedBeforeItsRevocation) {
  // The fixture's messages are created at 1795840041; revoke FRA's second key 1 s later.
  v1::Directory directory = view_->proto();
  v1::SigningKey* revoked = directory.mutable_states(0)->mutable_keys(1);
  revoked->mutable_revoked_at()->set_seconds(1795840042);
  auto view = DirectoryView::Build(directory);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_TRUE(VerifyEnvelope(SignEnvelope(MessageFrom("FRA"), fra_revoked_key_), *view).ok());
  revoked->mutable_revoked_at()->set_seconds(1795840041);
  view = DirectoryView::Build(directory);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(
      VerifyEnvelope(SignEnvelope(MessageFrom("FRA"), fra_revoked_key_), *view).status().code(),
      absl::StatusCode::kUnauthenticated);
}

TEST_F(EnvelopeVerifierTest, RejectsTamperedBytes) {
  v1::Envelope env = SignEnvelope(MessageFrom("FRA"), fra_key_);
  std::string* bytes = env.mutable_message();
  const size_t at = bytes->find("FRA");
  ASSERT_NE(at, std::string::npos);
  bytes->replace(at, 3, "KEN");
  auto verified = VerifyEnvelope(env, *view_);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(EnvelopeVerifierTest, RejectsASignatureByAnotherKeyUnderARegisteredKeyId) {
  v1::Envelope env = SignEnvelope(MessageFrom("KEN"), fra_key_);
  env.set_key_id(ken_key_.public_key().key_id());
  EXPECT_EQ(VerifyEnvelope(env, *view_).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(EnvelopeVerifierTest, RejectsAMessageNamingAnotherSenderThanTheKeysState) {
  auto verified = VerifyEnvelope(SignEnvelope(MessageFrom("KEN"), fra_key_), *view_);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(verified.status()), HasSubstr("KEN"));
  EXPECT_THAT(MessageOf(verified.status()), HasSubstr("FRA"));
}

TEST_F(EnvelopeVerifierTest, RejectsSignedBytesThatAreNotAMessage) {
  // A length-delimited field that claims more bytes than follow, and an over-long varint.
  for (const std::string& garbage : {std::string("\x0a\x05"
                                                 "ab",
                                                 4),
                                     std::string(11, '\xff'), std::string("\x0f", 1)}) {
    auto verified = VerifyEnvelope(SignEnvelope(garbage, fra_key_), *view_);
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kInvalidArgument)
        << testutil::ToHex(garbage);
  }
}

}  // namespace
}  // namespace poc
