#include "common/directory/directory_view.h"

#include <string>

#include "common/directory/key_possession.h"
#include "common/util/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Ed25519PrivateKey KeyFromSeedByte(char b) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, b));
  if (!key.ok()) std::abort();
  return *std::move(key);
}

// A key registered for `state` with a valid proof of possession.
v1::SigningKey KeyOf(const Ed25519PrivateKey& key, const std::string& state,
                     v1::KeyStatus status = v1::KEY_STATUS_ACTIVE) {
  v1::SigningKey out;
  out.set_key_id(key.public_key().key_id());
  out.set_public_key(key.public_key().raw());
  out.set_status(status);
  out.set_proof(ProveKeyPossession(key, state));
  return out;
}

v1::StateEntry* AddState(v1::Directory* directory, const std::string& code,
                         const std::string& name) {
  v1::StateEntry* state = directory->add_states();
  state->set_code(code);
  state->set_name(name);
  return state;
}

v1::Contact* AddContact(v1::StateEntry* state, v1::ContactLevel level, uint32_t order) {
  v1::Contact* contact = state->add_contacts();
  contact->set_level(level);
  contact->set_order(order);
  contact->set_name("Duty officer " + std::to_string(order));
  return contact;
}

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) std::abort();
  return t;
}

class DirectoryViewTest : public ::testing::Test {
 protected:
  // FRA with one key; KEN with an active key and an old revoked one.
  v1::Directory TwoStates() const {
    v1::Directory directory;
    directory.set_version(7);
    *AddState(&directory, "FRA", "France")->add_keys() = KeyOf(fra_key_, "FRA");
    v1::StateEntry* ken = AddState(&directory, "KEN", "Kenya");
    *ken->add_keys() = KeyOf(ken_key_, "KEN");
    *ken->add_keys() = KeyOf(ken_old_key_, "KEN", v1::KEY_STATUS_REVOKED);
    return directory;
  }

  static void ExpectInvalid(const v1::Directory& directory, const std::string& field,
                            const std::string& detail) {
    auto view = DirectoryView::Build(directory);
    EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(MessageOf(view.status()), HasSubstr(field));
    EXPECT_THAT(MessageOf(view.status()), HasSubstr(detail));
  }

  const Ed25519PrivateKey fra_key_ = KeyFromSeedByte('\x01');
  const Ed25519PrivateKey ken_key_ = KeyFromSeedByte('\x02');
  const Ed25519PrivateKey ken_old_key_ = KeyFromSeedByte('\x03');
};

TEST_F(DirectoryViewTest, IndexesStatesAndKeys) {
  auto view = DirectoryView::Build(TwoStates());
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->version(), 7u);
  EXPECT_TRUE(view->HasState("FRA"));
  EXPECT_FALSE(view->HasState("BRA"));
  ASSERT_NE(view->FindState("KEN"), nullptr);
  EXPECT_EQ(view->FindState("KEN")->name(), "Kenya");
  EXPECT_EQ(view->FindState("BRA"), nullptr);

  const KeyEntry* old_key = view->FindKey(ken_old_key_.public_key().key_id());
  ASSERT_NE(old_key, nullptr);
  EXPECT_EQ(old_key->state, "KEN");
  EXPECT_EQ(old_key->status, v1::KEY_STATUS_REVOKED);
  EXPECT_EQ(old_key->key.raw(), ken_old_key_.public_key().raw());
  const KeyEntry* fra = view->FindKey(fra_key_.public_key().key_id());
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
    ExpectInvalid(directory, "state[1].code", "ISO 3166-1");
  }
}

TEST_F(DirectoryViewTest, RejectsADuplicateState) {
  v1::Directory directory;
  AddState(&directory, "FRA", "France");
  AddState(&directory, "KEN", "Kenya");
  AddState(&directory, "FRA", "France again");
  ExpectInvalid(directory, "state[2].code", "FRA appears twice");
}

TEST_F(DirectoryViewTest, RejectsAKeyRegisteredToTwoStates) {
  v1::Directory directory;
  *AddState(&directory, "FRA", "France")->add_keys() = KeyOf(fra_key_, "FRA");
  v1::SigningKey copied = KeyOf(fra_key_, "FRA");
  copied.set_proof(ProveKeyPossession(fra_key_, "KEN"));  // even with a proof for KEN
  *AddState(&directory, "KEN", "Kenya")->add_keys() = copied;
  ExpectInvalid(directory, "state[1].key[0]", "already registered to FRA");
}

TEST_F(DirectoryViewTest, RejectsAKeyTwiceInOneState) {
  v1::Directory directory;
  v1::StateEntry* fra = AddState(&directory, "FRA", "France");
  *fra->add_keys() = KeyOf(fra_key_, "FRA");
  *fra->add_keys() = KeyOf(fra_key_, "FRA", v1::KEY_STATUS_REVOKED);
  ExpectInvalid(directory, "state[0].key[1]", "already registered");
}

TEST_F(DirectoryViewTest, RejectsAKeyIdThatDoesNotMatchTheKeyBytes) {
  v1::Directory directory;
  v1::SigningKey key = KeyOf(fra_key_, "FRA");
  key.set_key_id(ken_key_.public_key().key_id());
  *AddState(&directory, "FRA", "France")->add_keys() = key;
  ExpectInvalid(directory, "state[0].key[0].id", fra_key_.public_key().key_id());
}

TEST_F(DirectoryViewTest, RejectsAPublicKeyOfTheWrongLength) {
  v1::Directory directory;
  v1::SigningKey key = KeyOf(fra_key_, "FRA");
  key.set_public_key(key.public_key().substr(0, 31));
  *AddState(&directory, "FRA", "France")->add_keys() = key;
  ExpectInvalid(directory, "state[0].key[0].public_key", "");
}

TEST_F(DirectoryViewTest, RejectsAKeyWithoutProofOfPossession) {
  v1::Directory directory = TwoStates();
  directory.mutable_states(1)->mutable_keys(0)->clear_proof();
  ExpectInvalid(directory, "state[1].key[0].proof", "missing");
}

TEST_F(DirectoryViewTest, RejectsAProofMadeForAnotherStateOrKey) {
  v1::Directory for_other_state = TwoStates();
  for_other_state.mutable_states(1)->mutable_keys(0)->set_proof(
      ProveKeyPossession(ken_key_, "FRA"));
  ExpectInvalid(for_other_state, "state[1].key[0].proof", "does not prove possession");

  v1::Directory by_other_key = TwoStates();
  by_other_key.mutable_states(1)->mutable_keys(0)->set_proof(
      ProveKeyPossession(ken_old_key_, "KEN"));
  ExpectInvalid(by_other_key, "state[1].key[0].proof", "does not prove possession");
}

TEST_F(DirectoryViewTest, KeysAreUsableOnlyInsideTheirValidity) {
  v1::Directory directory = TwoStates();
  v1::SigningKey* key = directory.mutable_states(0)->mutable_keys(0);
  *key->mutable_valid_from() = ToProto(At("2026-01-01T00:00:00Z"));
  *key->mutable_valid_until() = ToProto(At("2027-01-01T00:00:00Z"));
  auto view = DirectoryView::Build(directory);
  ASSERT_TRUE(view.ok()) << view.status();
  const KeyEntry* fra = view->FindKey(fra_key_.public_key().key_id());
  EXPECT_TRUE(fra->CheckUsableAt(At("2026-06-01T00:00:00Z")).ok());
  EXPECT_THAT(MessageOf(fra->CheckUsableAt(At("2025-12-31T23:59:59Z"))),
              HasSubstr("not valid before 2026-01-01"));
  const absl::Status late = fra->CheckUsableAt(At("2027-01-01T00:00:00Z"));
  EXPECT_EQ(late.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(late), HasSubstr("expired at 2027-01-01"));
}

TEST_F(DirectoryViewTest, ARevokedKeyRefusesMessagesFromItsRevocationTimeOn) {
  v1::Directory directory = TwoStates();
  *directory.mutable_states(1)->mutable_keys(1)->mutable_revoked_at() =
      ToProto(At("2026-03-01T12:00:00Z"));
  auto view = DirectoryView::Build(directory);
  ASSERT_TRUE(view.ok()) << view.status();
  const KeyEntry* old_key = view->FindKey(ken_old_key_.public_key().key_id());
  EXPECT_TRUE(old_key->CheckUsableAt(At("2026-03-01T11:59:59Z")).ok());
  const absl::Status after = old_key->CheckUsableAt(At("2026-03-01T12:00:00Z"));
  EXPECT_EQ(after.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(after), HasSubstr("revoked since 2026-03-01"));
}

TEST_F(DirectoryViewTest, ARevokedKeyWithoutATimeRefusesEveryMessage) {
  auto view = DirectoryView::Build(TwoStates());
  ASSERT_TRUE(view.ok()) << view.status();
  const KeyEntry* old_key = view->FindKey(ken_old_key_.public_key().key_id());
  EXPECT_EQ(old_key->CheckUsableAt(At("2000-01-01T00:00:00Z")).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(DirectoryViewTest, RejectsARevocationTimeOnAKeyThatIsNotRevoked) {
  v1::Directory directory = TwoStates();
  *directory.mutable_states(0)->mutable_keys(0)->mutable_revoked_at() = ToProto(absl::Now());
  ExpectInvalid(directory, "state[0].key[0].revoked_at", "only a key with status revoked");
}

TEST_F(DirectoryViewTest, RejectsAValidityThatEndsBeforeItStarts) {
  v1::Directory directory = TwoStates();
  v1::SigningKey* key = directory.mutable_states(0)->mutable_keys(0);
  *key->mutable_valid_from() = ToProto(At("2027-01-01T00:00:00Z"));
  *key->mutable_valid_until() = ToProto(At("2026-01-01T00:00:00Z"));
  ExpectInvalid(directory, "state[0].key[0].valid_until", "later than valid_from");
}

TEST_F(DirectoryViewTest, RejectsTwoContactsWithTheSameEscalationOrder) {
  v1::Directory directory = TwoStates();
  v1::StateEntry* ken = directory.mutable_states(1);
  AddContact(ken, v1::CONTACT_LEVEL_TECHNICAL, 1);
  AddContact(ken, v1::CONTACT_LEVEL_DIPLOMATIC, 1);
  ExpectInvalid(directory, "state[1].contact[1].order", "used by another contact of KEN");
}

TEST_F(DirectoryViewTest, RejectsAContactWithoutLevelOrWithAnUnknownLanguage) {
  v1::Directory no_level = TwoStates();
  AddContact(no_level.mutable_states(0), v1::CONTACT_LEVEL_UNSPECIFIED, 1);
  ExpectInvalid(no_level, "state[0].contact[0].level", "technical or diplomatic");

  v1::Directory bad_language = TwoStates();
  AddContact(bad_language.mutable_states(0), v1::CONTACT_LEVEL_TECHNICAL, 1)->add_languages("xx");
  ExpectInvalid(bad_language, "state[0].contact[0].languages[0]", "ISO 639-1");
}

TEST_F(DirectoryViewTest, RejectsABadOrRepeatedCertificateFingerprint) {
  v1::Directory bad = TwoStates();
  bad.mutable_states(0)->add_certificate_fingerprints("AB12");
  ExpectInvalid(bad, "state[0].certificates[0]", "SHA-256 fingerprint");

  v1::Directory twice = TwoStates();
  const std::string fp(64, 'a');
  twice.mutable_states(0)->add_certificate_fingerprints(fp);
  twice.mutable_states(1)->add_certificate_fingerprints(fp);
  ExpectInvalid(twice, "state[1].certificates[0]", "listed twice");
}

TEST_F(DirectoryViewTest, IndexesGroupsByName) {
  v1::Directory directory = TwoStates();
  v1::Group* group = directory.add_groups();
  group->set_name("EU-CERTS");
  group->set_kind(v1::GROUP_KIND_CUSTOM);
  group->add_members("FRA");
  auto view = DirectoryView::Build(directory);
  ASSERT_TRUE(view.ok()) << view.status();
  ASSERT_NE(view->FindGroup("EU-CERTS"), nullptr);
  EXPECT_THAT(view->FindGroup("EU-CERTS")->members(), ElementsAre("FRA"));
  EXPECT_EQ(view->FindGroup("eu-certs"), nullptr);
}

TEST_F(DirectoryViewTest, RejectsAGroupNamingAStateNotInTheDirectory) {
  v1::Directory directory = TwoStates();
  v1::Group* group = directory.add_groups();
  group->set_name("OSCE");
  group->add_members("FRA");
  group->add_members("DEU");
  ExpectInvalid(directory, "group[0].members[1]", "'DEU' is not a State in the directory");
}

TEST_F(DirectoryViewTest, RejectsAGroupDefinedTwiceOrWithABadName) {
  v1::Directory twice = TwoStates();
  twice.add_groups()->set_name("OSCE");
  twice.add_groups()->set_name("OSCE");
  ExpectInvalid(twice, "group[1].name", "defined twice");

  v1::Directory bad_name = TwoStates();
  bad_name.add_groups()->set_name("two words");
  ExpectInvalid(bad_name, "group[0].name", "not a group name");
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
