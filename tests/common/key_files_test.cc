#include "common/crypto/key_files.h"

#include <sys/stat.h>

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::poc::testutil::ReadFixture;
using ::poc::testutil::TempDir;
using ::poc::testutil::WriteFixture;
using ::testing::HasSubstr;
using ::testing::StartsWith;

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class KeyFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok()) << key.status();
    key_.emplace(*std::move(key));
  }

  TempDir dir_;
  std::optional<Ed25519PrivateKey> key_;
};

TEST_F(KeyFilesTest, PrivateKeyRoundTripsThroughAFileOfMode0600) {
  const std::string path = dir_.File("signing.key");
  ASSERT_TRUE(WritePrivateKeyFile(path, *key_).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_THAT(ReadFixture(path), StartsWith("-----BEGIN PRIVATE KEY-----"));

  auto loaded = LoadPrivateKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->public_key().raw(), key_->public_key().raw());
  EXPECT_EQ(loaded->public_key().key_id(), key_->public_key().key_id());
  EXPECT_TRUE(key_->public_key().Verify("data", loaded->Sign("data")));
}

TEST_F(KeyFilesTest, PublicKeyRoundTripsThroughAFileOfMode0644) {
  const std::string path = dir_.File("signing.pub");
  ASSERT_TRUE(WritePublicKeyFile(path, key_->public_key()).ok());
  EXPECT_EQ(ModeOf(path), 0644u);
  EXPECT_THAT(ReadFixture(path), StartsWith("-----BEGIN PUBLIC KEY-----"));

  auto loaded = LoadPublicKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->raw(), key_->public_key().raw());
  EXPECT_EQ(loaded->key_id(), key_->public_key().key_id());
}

TEST_F(KeyFilesTest, RefusesToLoadAPrivateKeyOthersCanRead) {
  const std::string path = dir_.File("signing.key");
  ASSERT_TRUE(WritePrivateKeyFile(path, *key_).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);

  auto loaded = LoadPrivateKeyFile(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(MessageOf(loaded.status()), HasSubstr("chmod 600"));
  EXPECT_THAT(MessageOf(loaded.status()), HasSubstr(path));
}

TEST_F(KeyFilesTest, RefusesToLoadAPrivateKeyItsGroupCanWrite) {
  const std::string path = dir_.File("signing.key");
  ASSERT_TRUE(WritePrivateKeyFile(path, *key_).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0620), 0);
  EXPECT_EQ(LoadPrivateKeyFile(path).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(KeyFilesTest, RefusesToOverwriteAnExistingPrivateKeyFile) {
  const std::string path = dir_.File("signing.key");
  WriteFixture(path, "keep me");

  const absl::Status status = WritePrivateKeyFile(path, *key_);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(MessageOf(status), HasSubstr(path));
  EXPECT_EQ(ReadFixture(path), "keep me");
}

TEST_F(KeyFilesTest, RefusesToOverwriteAnExistingPublicKeyFile) {
  const std::string path = dir_.File("signing.pub");
  WriteFixture(path, "keep me");

  EXPECT_EQ(WritePublicKeyFile(path, key_->public_key()).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFixture(path), "keep me");
}

TEST_F(KeyFilesTest, NonPemPrivateKeyFileGivesAnErrorNamingThePath) {
  const std::string path = dir_.File("not-a-key");
  WriteFixture(path, "this is not PEM\n");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);

  auto loaded = LoadPrivateKeyFile(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(loaded.status()), HasSubstr(path));
  EXPECT_THAT(MessageOf(loaded.status()), HasSubstr("not a PEM private key"));
}

TEST_F(KeyFilesTest, NonPemPublicKeyFileGivesAnErrorNamingThePath) {
  const std::string path = dir_.File("not-a-key.pub");
  WriteFixture(path, "this is not PEM\n");

  auto loaded = LoadPublicKeyFile(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(loaded.status()), HasSubstr(path));
}

TEST_F(KeyFilesTest, PublicKeyFileIsNotAcceptedAsAPrivateKey) {
  const std::string path = dir_.File("signing.pub");
  ASSERT_TRUE(WritePublicKeyFile(path, key_->public_key()).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto loaded = LoadPrivateKeyFile(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(loaded.status()), HasSubstr(path));
}

TEST_F(KeyFilesTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadPrivateKeyFile(dir_.File("absent.key")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadPublicKeyFile(dir_.File("absent.pub")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace poc
