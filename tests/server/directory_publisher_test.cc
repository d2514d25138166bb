// The directory the relay publishes: the Secretariat's file plus the States' key announcements,
// with a version that rises on every change while the file's own version is still checked.
#include "server/directory_publisher.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/directory/key_possession.h"
#include "common/directory/key_rotation.h"
#include "common/encoding/base64.h"
#include "common/storage/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/sqlite_relay_store.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

Ed25519PrivateKey KeyFromSeedByte(char b) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, b));
  if (!key.ok()) std::abort();
  return *std::move(key);
}

std::string KeyLines(const Ed25519PrivateKey& key, const std::string& state) {
  return "[[state.key]]\npublic_key = \"" + Base64Encode(key.public_key().raw()) +
         "\"\nproof = \"" + Base64Encode(ProveKeyPossession(key, state)) + "\"\n";
}

class DirectoryPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("poc-publisher-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    OpenStore();
  }
  void TearDown() override {
    publisher_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenStore() {
    publisher_.reset();
    store_.reset();
    auto store = SqliteRelayStore::Open((dir_ / "relay.db").string(), 16);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    holder_ = std::make_unique<DirectoryHolder>();
    publisher_ = std::make_unique<DirectoryPublisher>(
        DirectoryPublisher::Options{File(), absl::Hours(72), absl::Minutes(5)}, store_.get(),
        &signer_, holder_.get(), &clock_);
  }

  std::string File() const { return (dir_ / "directory.toml").string(); }
  void WriteFile(uint64_t version, const std::string& extra = "") {
    std::ofstream(File()) << "version = " << version << "\n[[state]]\ncode = \"FRA\"\n"
                          << KeyLines(fra_, "FRA") << "[[state]]\ncode = \"KEN\"\n"
                          << KeyLines(ken_, "KEN") << extra;
  }
  uint64_t Served() const { return holder_->Get()->view.version(); }
  absl::StatusOr<DirectoryPublisher::Announced> AnnounceNext() {
    return publisher_->Announce(MakeKeyAnnouncement("FRA", fra_, fra_next_, clock_.Now()), "FRA");
  }

  std::filesystem::path dir_;
  FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  RelaySigner signer_{KeyFromSeedByte('\x01')};
  const Ed25519PrivateKey fra_ = KeyFromSeedByte('\x12');
  const Ed25519PrivateKey fra_next_ = KeyFromSeedByte('\x13');
  const Ed25519PrivateKey ken_ = KeyFromSeedByte('\x11');
  std::unique_ptr<SqliteRelayStore> store_;
  std::unique_ptr<DirectoryHolder> holder_;
  std::unique_ptr<DirectoryPublisher> publisher_;
};

TEST_F(DirectoryPublisherTest, WithoutAnnouncementsTheFilesVersionIsPublished) {
  WriteFile(4);
  ASSERT_TRUE(publisher_->Load().ok());
  EXPECT_EQ(Served(), 4u);
  WriteFile(9, "[[group]]\nname = \"pilot\"\nmembers = [\"KEN\"]\n");
  auto changed = publisher_->Load();
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(Served(), 9u);
  EXPECT_EQ(store_->AuditSize(), 2u);
}

TEST_F(DirectoryPublisherTest, AnAnnouncementRaisesThePublishedVersionAndANewFileGoesAboveIt) {
  WriteFile(4);
  ASSERT_TRUE(publisher_->Load().ok());
  auto announced = AnnounceNext();
  ASSERT_TRUE(announced.ok()) << announced.status();
  EXPECT_EQ(Served(), 5u);
  EXPECT_NE(holder_->Get()->view.FindKey(fra_next_.public_key().key_id()), nullptr);
  EXPECT_EQ(store_->AuditSize(), 3u);  // DIRECTORY_LOADED, KEY_ANNOUNCED, DIRECTORY_LOADED

  // The same file again: nothing changes. File version 5 (below the published 5 + 1): 6.
  ASSERT_FALSE(*publisher_->Load());
  EXPECT_EQ(Served(), 5u);
  WriteFile(5, "[[group]]\nname = \"pilot\"\nmembers = [\"KEN\"]\n");
  ASSERT_TRUE(*publisher_->Load());
  EXPECT_EQ(Served(), 6u);
  EXPECT_NE(holder_->Get()->view.FindKey(fra_next_.public_key().key_id()), nullptr);
  // File version 20: 20.
  WriteFile(20);
  ASSERT_TRUE(*publisher_->Load());
  EXPECT_EQ(Served(), 20u);

  // The file's own regression check still holds.
  WriteFile(19);
  auto older = publisher_->Load();
  EXPECT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(older.status().message()), HasSubstr("version 19 is older than"));
  WriteFile(20, "[[group]]\nname = \"other\"\nmembers = [\"FRA\"]\n");
  auto same = publisher_->Load();
  EXPECT_EQ(same.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Served(), 20u);
}

TEST_F(DirectoryPublisherTest, AnnouncementsSurviveReopeningTheStore) {
  WriteFile(4);
  ASSERT_TRUE(publisher_->Load().ok());
  ASSERT_TRUE(AnnounceNext().ok());
  const uint64_t size = store_->AuditSize();
  OpenStore();
  ASSERT_TRUE(publisher_->Load().ok());
  EXPECT_EQ(Served(), 5u);
  const KeyEntry* old_key = holder_->Get()->view.FindKey(fra_.public_key().key_id());
  ASSERT_NE(old_key, nullptr);
  EXPECT_EQ(old_key->status, v1::KEY_STATUS_RETIRED);
  EXPECT_EQ(old_key->valid_until, clock_.Now() + absl::Hours(72));
  EXPECT_EQ(store_->AuditSize(), size);
  // The replay of a stored announcement is recognised after the restart too; another
  // announcement of the same key is refused.
  auto replay = AnnounceNext();
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->duplicate);
  EXPECT_EQ(replay->audit_index, 1u);
  clock_.Advance(absl::Seconds(1));
  auto other = AnnounceNext();
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->AuditSize(), size);
}

TEST_F(DirectoryPublisherTest, AStoreFromBeforeAnnouncementsKeepsItsFileVersionCheck) {
  WriteFile(4);
  ASSERT_TRUE(publisher_->Load().ok());
  publisher_.reset();
  store_.reset();
  {
    auto db = SqliteDatabase::Open((dir_ / "relay.db").string());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("DELETE FROM directory_file").ok());  // the older layout
  }
  OpenStore();
  WriteFile(3);
  EXPECT_EQ(publisher_->Load().status().code(), absl::StatusCode::kFailedPrecondition);
  WriteFile(4);
  ASSERT_TRUE(publisher_->Load().ok());
  EXPECT_EQ(Served(), 4u);
  EXPECT_EQ(store_->AuditSize(), 1u);
}

}  // namespace
}  // namespace poc
