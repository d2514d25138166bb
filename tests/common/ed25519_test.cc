#include "common/crypto/ed25519.h"

#include <openssl/sha.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::poc::testutil::ToHex;
using ::poc::testutil::Unhex;
using ::testing::HasSubstr;

struct Rfc8032Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte, 0x72).
constexpr Rfc8032Vector kTest1 = {
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
    "6b"
    "d25bf5f0595bbe24655141438e7a100b",
};
constexpr Rfc8032Vector kTest2 = {
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d"
    "8c"
    "387b2eaeb4302aeeb00d291612bb0c00",
};

void ExpectMatchesVector(const Rfc8032Vector& v) {
  auto key = Ed25519PrivateKey::FromSeed(Unhex(v.seed));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(ToHex(key->public_key().raw()), v.public_key);

  const std::string message = Unhex(v.message);
  const std::string signature = key->Sign(message);
  EXPECT_EQ(ToHex(signature), v.signature);

  auto pub = Ed25519PublicKey::FromRaw(Unhex(v.public_key));
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_TRUE(pub->Verify(message, Unhex(v.signature)));
}

TEST(Ed25519Test, DerivesKeyAndSignsRfc8032Test1) { ExpectMatchesVector(kTest1); }

TEST(Ed25519Test, DerivesKeyAndSignsRfc8032Test2) { ExpectMatchesVector(kTest2); }

TEST(Ed25519Test, VerifyRejectsEveryFlippedBitInTheMessage) {
  auto pub = Ed25519PublicKey::FromRaw(Unhex(kTest2.public_key));
  ASSERT_TRUE(pub.ok()) << pub.status();
  const std::string message = Unhex(kTest2.message);
  const std::string signature = Unhex(kTest2.signature);
  for (int bit = 0; bit < 8; ++bit) {
    std::string changed = message;
    changed[0] = static_cast<char>(changed[0] ^ (1 << bit));
    EXPECT_FALSE(pub->Verify(changed, signature)) << "bit " << bit;
  }
  EXPECT_FALSE(pub->Verify("", signature));
  EXPECT_FALSE(pub->Verify(message + "x", signature));
}

TEST(Ed25519Test, VerifyRejectsEveryFlippedBitInTheSignature) {
  auto pub = Ed25519PublicKey::FromRaw(Unhex(kTest2.public_key));
  ASSERT_TRUE(pub.ok()) << pub.status();
  const std::string message = Unhex(kTest2.message);
  const std::string signature = Unhex(kTest2.signature);
  for (size_t bit = 0; bit < 8 * signature.size(); ++bit) {
    std::string changed = signature;
    changed[bit / 8] = static_cast<char>(changed[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(pub->Verify(message, changed)) << "bit " << bit;
  }
}

TEST(Ed25519Test, VerifyRejectsATruncatedOrExtendedSignature) {
  auto pub = Ed25519PublicKey::FromRaw(Unhex(kTest2.public_key));
  ASSERT_TRUE(pub.ok()) << pub.status();
  const std::string message = Unhex(kTest2.message);
  const std::string signature = Unhex(kTest2.signature);
  EXPECT_FALSE(pub->Verify(message, signature.substr(0, 63)));
  EXPECT_FALSE(pub->Verify(message, signature.substr(0, 32)));
  EXPECT_FALSE(pub->Verify(message, ""));
  EXPECT_FALSE(pub->Verify(message, signature + std::string(1, '\0')));
}

TEST(Ed25519Test, VerifyRejectsASignatureByAnotherKey) {
  auto other = Ed25519PublicKey::FromRaw(Unhex(kTest1.public_key));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_FALSE(other->Verify(Unhex(kTest2.message), Unhex(kTest2.signature)));
}

TEST(Ed25519Test, KeyIdIsLowercaseHexOfFirstEightBytesOfSha256OfRawKey) {
  const std::string raw = Unhex(kTest1.public_key);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(), digest);
  const std::string expected = ToHex(std::string(reinterpret_cast<const char*>(digest), 8));
  ASSERT_EQ(expected.size(), 16u);

  EXPECT_EQ(KeyIdOf(raw), expected);
  auto pub = Ed25519PublicKey::FromRaw(raw);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(pub->key_id(), expected);
  auto key = Ed25519PrivateKey::FromSeed(Unhex(kTest1.seed));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->public_key().key_id(), expected);
}

TEST(Ed25519Test, FromRawRejectsWrongLength) {
  const std::string raw = Unhex(kTest1.public_key);
  auto short_key = Ed25519PublicKey::FromRaw(raw.substr(0, 31));
  EXPECT_EQ(short_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(short_key.status()), HasSubstr("32 bytes"));
  EXPECT_EQ(Ed25519PublicKey::FromRaw(raw + "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromRaw("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, FromSeedRejectsWrongLength) {
  const std::string seed = Unhex(kTest1.seed);
  EXPECT_EQ(Ed25519PrivateKey::FromSeed(seed.substr(0, 31)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PrivateKey::FromSeed(seed + "x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, GeneratedKeysAreDistinctAndTheirSignaturesVerify) {
  auto a = Ed25519PrivateKey::Generate();
  auto b = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE(a->public_key().raw(), b->public_key().raw());
  EXPECT_NE(a->public_key().key_id(), b->public_key().key_id());
  const std::string signature = a->Sign("hello");
  EXPECT_TRUE(a->public_key().Verify("hello", signature));
  EXPECT_FALSE(b->public_key().Verify("hello", signature));
}

}  // namespace
}  // namespace poc
