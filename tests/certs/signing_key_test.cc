// The Ed25519 message-signing key that `poc-pki signing-key` makes on a node.
#include "certs/signing_key.h"

#include <fstream>
#include <string>

#include "common/crypto/ed25519.h"
#include "common/crypto/key_files.h"
#include "common/encoding/base64.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/certs/pki_test_support.h"

namespace poc::pki {
namespace {

using pkitest::ListDir;
using pkitest::ModeOf;
using pkitest::Slurp;
using pkitest::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PkiSigningKeyTest, WritesAKeyPairWhoseIdAndPublicKeyMatchWhatItReports) {
  TempDir tmp;
  auto files = MakeSigningKey(tmp.Join("keys"), "signing");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->private_key_path, tmp.Join("keys/signing.key"));
  EXPECT_EQ(files->public_key_path, tmp.Join("keys/signing.pub"));

  auto key = LoadPrivateKeyFile(files->private_key_path);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(KeyIdOf(key->public_key().raw()), files->key_id);
  EXPECT_EQ(Base64Encode(key->public_key().raw()), files->public_key_base64);
  auto pub = LoadPublicKeyFile(files->public_key_path);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(pub->raw(), key->public_key().raw());
  EXPECT_TRUE(pub->Verify("hello", key->Sign("hello")));
}

TEST(PkiSigningKeyTest, PrivateKeyIsMode0600) {
  TempDir tmp;
  ASSERT_TRUE(MakeSigningKey(tmp.Join("keys"), "relay").ok());
  EXPECT_EQ(ModeOf(tmp.Join("keys")), 0700);
  EXPECT_EQ(ModeOf(tmp.Join("keys/relay.key")), 0600);
  EXPECT_EQ(ModeOf(tmp.Join("keys/relay.pub")), 0644);
}

TEST(PkiSigningKeyTest, EachCallMakesADifferentKey) {
  TempDir tmp;
  auto a = MakeSigningKey(tmp.path(), "a");
  auto b = MakeSigningKey(tmp.path(), "b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->key_id, b->key_id);
}

TEST(PkiSigningKeyTest, RefusesToOverwriteAnExistingKeyOrPublicKey) {
  TempDir tmp;
  ASSERT_TRUE(MakeSigningKey(tmp.path(), "signing").ok());
  const std::string key_before = Slurp(tmp.Join("signing.key"));
  const std::string pub_before = Slurp(tmp.Join("signing.pub"));

  auto again = MakeSigningKey(tmp.path(), "signing");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Slurp(tmp.Join("signing.key")), key_before);
  EXPECT_EQ(Slurp(tmp.Join("signing.pub")), pub_before);

  // A stray public key alone also blocks, and no private key appears beside it.
  { std::ofstream(tmp.Join("other.pub")) << "stray"; }
  auto other = MakeSigningKey(tmp.path(), "other");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("other.pub"));
  EXPECT_THAT(ListDir(tmp.path()), ElementsAre("other.pub", "signing.key", "signing.pub"));
}

TEST(PkiSigningKeyTest, RejectsANameThatIsNotAPlainFileName) {
  TempDir tmp;
  for (const std::string name : {"", "../escape", ".hidden", "a/b"}) {
    auto files = MakeSigningKey(tmp.Join("keys"), name);
    EXPECT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(ModeOf(tmp.Join("keys")), -1);
}

}  // namespace
}  // namespace poc::pki
