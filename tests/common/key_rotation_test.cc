// Key announcements: what a node makes, what the relay accepts and refuses, and how accepted
// announcements change the directory the relay serves.
#include "common/directory/key_rotation.h"

#include <string>

#include "common/directory/key_possession.h"
#include "common/envelope/envelope_verifier.h"
#include "common/envelope/signed.h"
#include "common/util/time_format.h"
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

v1::SigningKey KeyOf(const Ed25519PrivateKey& key, const std::string& state,
                     v1::KeyStatus status = v1::KEY_STATUS_ACTIVE) {
  v1::SigningKey out;
  out.set_key_id(key.public_key().key_id());
  out.set_public_key(key.public_key().raw());
  out.set_status(status);
  out.set_proof(ProveKeyPossession(key, state));
  return out;
}

const absl::Time kNow = absl::FromUnixSeconds(1800000000);
const absl::Duration kSkew = absl::Minutes(5);
const absl::Duration kOverlap = absl::Hours(72);

class KeyRotationTest : public ::testing::Test {
 protected:
  KeyRotationTest()
      : fra_(KeyFromSeedByte(1)),
        fra_next_(KeyFromSeedByte(2)),
        ken_(KeyFromSeedByte(3)),
        fra_old_(KeyFromSeedByte(4)) {
    file_.set_version(7);
    v1::StateEntry* fra = file_.add_states();
    fra->set_code("FRA");
    fra->set_name("France");
    *fra->add_keys() = KeyOf(fra_, "FRA");
    *fra->add_keys() = KeyOf(fra_old_, "FRA", v1::KEY_STATUS_RETIRED);
    v1::StateEntry* ken = file_.add_states();
    ken->set_code("KEN");
    ken->set_name("Kenya");
    *ken->add_keys() = KeyOf(ken_, "KEN");
  }

  DirectoryView View(const v1::Directory& d) {
    auto view = DirectoryView::Build(d);
    EXPECT_TRUE(view.ok()) << view.status();
    return *std::move(view);
  }

  absl::StatusOr<v1::KeyAnnouncement> Verify(const v1::Signed& s,
                                             const std::string& caller = "FRA") {
    return VerifyKeyAnnouncement(s, caller, View(file_), kNow, kSkew);
  }

  // Re-signs an edited announcement body with `key`.
  static v1::Signed Resign(const v1::KeyAnnouncement& a, const Ed25519PrivateKey& key) {
    return SignStatement(kKeyAnnouncementDomain, a.SerializeAsString(), key);
  }

  Ed25519PrivateKey fra_, fra_next_, ken_, fra_old_;
  v1::Directory file_;
};

TEST_F(KeyRotationTest, AnAnnouncementSignedByTheCurrentActiveKeyIsAccepted) {
  auto a = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->key_id(), fra_next_.public_key().key_id());
  EXPECT_EQ(a->previous_key_id(), fra_.public_key().key_id());
  EXPECT_EQ(FromProto(a->announced_at()), kNow);
}

TEST_F(KeyRotationTest, AnAnnouncementForAnotherStateThanTheCertificateIsDenied) {
  auto a = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow), "KEN");
  EXPECT_EQ(a.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(MessageOf(a.status()), HasSubstr("only for its own State"));
}

TEST_F(KeyRotationTest, AnAnnouncementSignedWithAnotherStatesKeyIsRefused) {
  auto a = Verify(MakeKeyAnnouncement("FRA", ken_, fra_next_, kNow));
  EXPECT_EQ(a.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(a.status()), HasSubstr("not a key of FRA"));
}

TEST_F(KeyRotationTest, AnAnnouncementSignedWithARetiredKeyIsRefused) {
  auto a = Verify(MakeKeyAnnouncement("FRA", fra_old_, fra_next_, kNow));
  EXPECT_EQ(a.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(MessageOf(a.status()), HasSubstr("which is retired"));
}

TEST_F(KeyRotationTest, AnAnnouncementSignedByTheNewKeyItselfIsRefused) {
  auto a = Verify(MakeKeyAnnouncement("FRA", fra_next_, fra_next_, kNow));
  EXPECT_EQ(a.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(KeyRotationTest, AnAnnouncementWhoseSignatureDoesNotVerifyIsRefused) {
  v1::Signed s = MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow);
  s.mutable_signature()->back() ^= 1;
  EXPECT_EQ(Verify(s).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(KeyRotationTest, AnAnnouncementWithoutAProofOfPossessionIsRefused) {
  v1::KeyAnnouncement a;
  ASSERT_TRUE(a.ParseFromString(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow).body()));
  a.clear_proof();
  auto missing = Verify(Resign(a, fra_));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(missing.status()), HasSubstr("no proof of possession"));
  a.set_proof(ProveKeyPossession(fra_next_, "KEN"));  // made for another State
  auto wrong = Verify(Resign(a, fra_));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(wrong.status()), HasSubstr("does not prove possession"));
}

TEST_F(KeyRotationTest, AnAnnouncementOfAKeyAlreadyInTheDirectoryIsRefused) {
  auto own = Verify(MakeKeyAnnouncement("FRA", fra_, fra_old_, kNow));
  EXPECT_EQ(own.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(MessageOf(own.status()), HasSubstr("already in the directory"));
  // Another State's key (this test holds its private half, so even the proof is valid).
  auto foreign = Verify(MakeKeyAnnouncement("FRA", fra_, ken_, kNow));
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(MessageOf(foreign.status()), HasSubstr("key of KEN"));
}

TEST_F(KeyRotationTest, AnAnnouncementOutsideTheClockWindowIsRefused) {
  auto late = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow - absl::Minutes(6)));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(late.status()), HasSubstr("check the node's clock"));
  auto early = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow + absl::Minutes(6)));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(KeyRotationTest, ApplyingAnAnnouncementAddsTheNewKeyAndRetiresTheOldAfterTheOverlap) {
  auto a = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow));
  ASSERT_TRUE(a.ok());
  v1::Directory served = ApplyKeyAnnouncements(file_, {*a}, kOverlap);
  EXPECT_EQ(served.version(), 7u);
  DirectoryView view = View(served);
  const KeyEntry* next = view.FindKey(fra_next_.public_key().key_id());
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->state, "FRA");
  EXPECT_EQ(next->status, v1::KEY_STATUS_ACTIVE);
  EXPECT_TRUE(next->CheckUsableAt(kNow).ok());
  EXPECT_FALSE(next->CheckUsableAt(kNow - absl::Seconds(1)).ok());
  const KeyEntry* old = view.FindKey(fra_.public_key().key_id());
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->status, v1::KEY_STATUS_RETIRED);
  EXPECT_TRUE(old->CheckUsableAt(kNow + kOverlap - absl::Seconds(1)).ok());
  EXPECT_FALSE(old->CheckUsableAt(kNow + kOverlap).ok());
  // Other States are untouched.
  EXPECT_EQ(view.FindKey(ken_.public_key().key_id())->status, v1::KEY_STATUS_ACTIVE);
}

TEST_F(KeyRotationTest, ApplyingTwoRotationsInARowLeavesOneActiveKey) {
  auto first = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow));
  ASSERT_TRUE(first.ok());
  v1::Directory once = ApplyKeyAnnouncements(file_, {*first}, kOverlap);
  const Ed25519PrivateKey third = KeyFromSeedByte(9);
  auto second =
      VerifyKeyAnnouncement(MakeKeyAnnouncement("FRA", fra_next_, third, kNow + absl::Minutes(1)),
                            "FRA", View(once), kNow + absl::Minutes(1), kSkew);
  ASSERT_TRUE(second.ok()) << second.status();
  DirectoryView view = View(ApplyKeyAnnouncements(file_, {*first, *second}, kOverlap));
  int active = 0;
  for (const v1::SigningKey& k : view.FindState("FRA")->keys()) {
    active += k.status() == v1::KEY_STATUS_ACTIVE ? 1 : 0;
  }
  EXPECT_EQ(active, 1);
  EXPECT_EQ(view.FindKey(third.public_key().key_id())->status, v1::KEY_STATUS_ACTIVE);
  EXPECT_EQ(view.FindKey(fra_next_.public_key().key_id())->status, v1::KEY_STATUS_RETIRED);
}

TEST_F(KeyRotationTest, AKeyTheFileListsItselfIsNotDuplicatedAndAnEarlierEndStands) {
  auto a = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow));
  ASSERT_TRUE(a.ok());
  v1::Directory later = file_;
  v1::SigningKey* listed = later.mutable_states(0)->add_keys();
  *listed = KeyOf(fra_next_, "FRA");
  *later.mutable_states(0)->mutable_keys(0)->mutable_valid_until() = ToProto(kNow + absl::Hours(1));
  v1::Directory served = ApplyKeyAnnouncements(later, {*a}, kOverlap);
  auto view = DirectoryView::Build(served);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->FindState("FRA")->keys_size(), 3);
  EXPECT_EQ(FromProto(view->FindState("FRA")->keys(0).valid_until()), kNow + absl::Hours(1));
}

TEST_F(KeyRotationTest, ARevokedPreviousKeyStaysRevokedAndAGoneStateIsSkipped) {
  auto a = Verify(MakeKeyAnnouncement("FRA", fra_, fra_next_, kNow));
  ASSERT_TRUE(a.ok());
  v1::Directory revoked = file_;
  revoked.mutable_states(0)->mutable_keys(0)->set_status(v1::KEY_STATUS_REVOKED);
  v1::Directory served = ApplyKeyAnnouncements(revoked, {*a}, kOverlap);
  EXPECT_EQ(served.states(0).keys(0).status(), v1::KEY_STATUS_REVOKED);
  EXPECT_FALSE(served.states(0).keys(0).has_valid_until());

  v1::Directory without_fra = file_;
  without_fra.mutable_states()->DeleteSubrange(0, 1);
  v1::Directory skipped = ApplyKeyAnnouncements(without_fra, {*a}, kOverlap);
  EXPECT_EQ(skipped.SerializeAsString(), without_fra.SerializeAsString());
}

}  // namespace
}  // namespace poc
