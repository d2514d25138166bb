#include "common/directory/directory_view.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string PublicKeyFromSeedByte(char b) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, b));
  if (!key.ok()) std::abort();
  return key->public_key().raw();
}

v1::SigningKey KeyOf(const std::string& raw, v1::KeyStatus status = v1::KEY_STATUS_ACTIVE) {
  v1::SigningKey key;
  key.set_key_id(KeyIdOf(raw));
  key.set_public_key(raw);
  key.set_status(status);
  return key;
}

v1::StateEntry* AddState(v1::Directory* directory, const std::string& code,
                         const std::string& name) {
  v1::StateEntry* state = directory->add_states();
  state->set_code(code);
  state->set_name(name);
  return state;
}

class DirectoryViewTest : public ::testing::Test {
 protected:
  const std::string fra_key_ = PublicKeyFromSeedByte('\x01');
  const std::string ken_key_ = PublicKeyFromSeedByte('\x02');
  const std::string ken_old_key_ = PublicKeyFromSeedByte('\x03');
};

TEST_F(DirectoryViewTest, IndexesStatesAndKeys) {
  v1::Directory directory;
  directory.set_version(7);
  *AddState(&directory, "FRA", "France")->add_keys() = KeyOf(fra_key_);
  v1::StateEntry* ken = AddState(&directory, "KEN", "Kenya");
  *ken->add_keys() = KeyOf(ken_key_);
  *ken->add_keys() = KeyOf(ken_old_key_, v1::KEY_STATUS_REVOKED);

  auto view = DirectoryView::Build(directory);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->version(), 7u);
  EXPECT_TRUE(view->HasState("FRA"));
  EXPECT_FALSE(view->HasState("BRA"));
  ASSERT_NE(view->FindState("KEN"), nullptr);
  EXPECT_EQ(view->FindState("KEN")->name(), "Kenya");
  EXPECT_EQ(view->FindState("BRA"), nullptr);

  const KeyEntry* old_key = view->FindKey(KeyIdOf(ken_old_key_));
  ASSERT_NE(old_key, nullptr);
  EXPECT_EQ(old_key->state, "KEN");
  EXPECT_EQ(old_key->status, v1::KEY_STATUS_REVOKED);
  EXPECT_EQ(old_key->key.raw(), ken_old_key_);
  const KeyEntry* fra = view->FindKey(KeyIdOf(fra_key_));
  ASSERT_NE(fra, nullptr);
  EXPECT_EQ(fra->state, "FRA");
  EXPECT_EQ(fra->status, v1::KEY_STATUS_ACTIVE);
  EXPECT_EQ(view->FindKey("0000000000000000"), nullptr);
}

TEST_F(DirectoryViewTest, RejectsAnUnknownIsoCodeNamingTheField) {
  for (const char* code : {"FRX", "fra", "", "FRAN"}) {
    v1::Directory directory;
    AddState(&directory, "KEN", "Kenya");
    AddState(&directory, code, "Nowhere");
    auto view = DirectoryView::Build(directory);
    EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument) << code;
    EXPECT_THAT(MessageOf(view.status()), HasSubstr("states[1].code")) << code;
  }
}

TEST_F(DirectoryViewTest, RejectsADuplicateState) {
  v1::Directory directory;
  AddState(&directory, "FRA", "France");
  AddState(&directory, "KEN", "Kenya");
  AddState(&directory, "FRA", "France again");
  auto view = DirectoryView::Build(directory);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(view.status()), HasSubstr("states[2].code"));
  EXPECT_THAT(MessageOf(view.status()), HasSubstr("FRA"));
}

TEST_F(DirectoryViewTest, RejectsAKeyRegisteredToTwoStates) {
  v1::Directory directory;
  *AddState(&directory, "FRA", "France")->add_keys() = KeyOf(fra_key_);
  *AddState(&directory, "KEN", "Kenya")->add_keys() = KeyOf(fra_key_);
  auto view = DirectoryView::Build(directory);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(view.status()), HasSubstr(KeyIdOf(fra_key_)));
  EXPECT_THAT(MessageOf(view.status()), HasSubstr("KEN"));
  EXPECT_THAT(MessageOf(view.status()), HasSubstr("FRA"));
}

TEST_F(DirectoryViewTest, RejectsAKeyTwiceInOneState) {
  v1::Directory directory;
  v1::StateEntry* fra = AddState(&directory, "FRA", "France");
  *fra->add_keys() = KeyOf(fra_key_);
  *fra->add_keys() = KeyOf(fra_key_, v1::KEY_STATUS_REVOKED);
  EXPECT_EQ(DirectoryView::Build(directory).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DirectoryViewTest, RejectsAKeyIdThatDoesNotMatchTheKeyBytes) {
  v1::Directory directory;
  v1::SigningKey key = KeyOf(fra_key_);
  key.set_key_id(KeyIdOf(ken_key_));
  *AddState(&directory, "FRA", "France")->add_keys() = key;
  auto view = DirectoryView::Build(directory);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(view.status()), HasSubstr("does not match"));
  EXPECT_THAT(MessageOf(view.status()), HasSubstr(KeyIdOf(fra_key_)));
}

TEST_F(DirectoryViewTest, RejectsAPublicKeyOfTheWrongLength) {
  v1::Directory directory;
  v1::SigningKey key = KeyOf(fra_key_);
  key.set_public_key(fra_key_.substr(0, 31));
  *AddState(&directory, "FRA", "France")->add_keys() = key;
  auto view = DirectoryView::Build(directory);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(view.status()), HasSubstr("FRA"));
}

TEST_F(DirectoryViewTest, ListsStateCodesSorted) {
  v1::Directory directory;
  AddState(&directory, "KEN", "Kenya");
  AddState(&directory, "BRA", "Brazil");
  AddState(&directory, "FRA", "France");
  auto view = DirectoryView::Build(directory);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_THAT(view->StateCodes(), ElementsAre("BRA", "FRA", "KEN"));
}

TEST_F(DirectoryViewTest, EmptyDirectoryIsValid) {
  auto view = DirectoryView::Build(v1::Directory());
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_TRUE(view->StateCodes().empty());
}

}  // namespace
}  // namespace poc
