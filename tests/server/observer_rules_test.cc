// The silence procedure's rules (server/observer_rules.h) in simulated time.
#include "server/observer_rules.h"

#include "common/crypto/ed25519.h"
#include "common/envelope/observer_objection.h"
#include "common/envelope/signed.h"
#include "common/util/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

const absl::Time kProposed = absl::FromUnixSeconds(1'800'000'000);
const absl::Time kEnds = kProposed + absl::Hours(24 * 14);

v1::ObserverRecord Pending(const std::string& slug = "cyber-ngo") {
  v1::ObserverRecord r;
  r.mutable_proposal()->set_id("p-" + slug);
  r.mutable_proposal()->set_slug(slug);
  *r.mutable_proposal()->mutable_proposed_at() = ToProto(kProposed);
  *r.mutable_proposal()->mutable_silence_ends_at() = ToProto(kEnds);
  r.set_status(v1::OBSERVER_STATUS_PENDING);
  return r;
}

void AddObjection(v1::ObserverRecord* r, const std::string& state) {
  v1::ObserverObjection o;
  o.set_proposal_id(r->proposal().id());
  o.set_state(state);
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  *r->add_objections() = SignStatement(kObserverObjectionDomain, o.SerializeAsString(), *key);
}

TEST(ObserverRulesTest, TheFirstObjectionBeforeTheDeadlineRejects) {
  auto effect = JudgeObjection(Pending(), "FRA", kEnds - absl::Seconds(1));
  ASSERT_TRUE(effect.ok()) << effect.status();
  EXPECT_EQ(*effect, ObjectionEffect::kRecordAndReject);
}

TEST(ObserverRulesTest, ALaterObjectionOfAnotherStateIsRecordedAndTheSameStateAgainIsADuplicate) {
  v1::ObserverRecord r = Pending();
  AddObjection(&r, "FRA");
  r.set_status(v1::OBSERVER_STATUS_REJECTED);
  EXPECT_EQ(*JudgeObjection(r, "KEN", kProposed), ObjectionEffect::kRecord);
  EXPECT_EQ(*JudgeObjection(r, "FRA", kProposed), ObjectionEffect::kDuplicate);
  // A duplicate stays a harmless duplicate after the deadline too.
  EXPECT_EQ(*JudgeObjection(r, "FRA", kEnds + absl::Hours(1)), ObjectionEffect::kDuplicate);
}

TEST(ObserverRulesTest, AnObjectionAtOrAfterTheDeadlineIsRefusedNamingTheTime) {
  auto at = JudgeObjection(Pending(), "FRA", kEnds);
  EXPECT_EQ(at.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(at.status().message()), HasSubstr(FormatUtc(kEnds)));
  v1::ObserverRecord accredited = Pending();
  accredited.set_status(v1::OBSERVER_STATUS_ACCREDITED);
  EXPECT_EQ(JudgeObjection(accredited, "FRA", kProposed).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ObserverRulesTest, SilenceUntilTheDeadlineMakesItDueAndAnObjectionNever) {
  EXPECT_FALSE(DueForAccreditation(Pending(), kEnds - absl::Milliseconds(1)));
  EXPECT_TRUE(DueForAccreditation(Pending(), kEnds));
  v1::ObserverRecord objected = Pending();
  AddObjection(&objected, "FRA");
  objected.set_status(v1::OBSERVER_STATUS_REJECTED);
  EXPECT_FALSE(DueForAccreditation(objected, kEnds + absl::Hours(1)));
}

TEST(ObserverRulesTest, OnlyALoggedAccreditationAdmitsTheObserver) {
  EXPECT_EQ(AdmitObserver("cyber-ngo", nullptr, kProposed).code(),
            absl::StatusCode::kPermissionDenied);
  v1::ObserverRecord r = Pending();
  const absl::Status pending = AdmitObserver("cyber-ngo", &r, kProposed);
  EXPECT_EQ(pending.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(pending.message()), HasSubstr("silence period until"));
  // The deadline passed but the decision is not logged yet: retry, not a refusal.
  EXPECT_EQ(AdmitObserver("cyber-ngo", &r, kEnds).code(), absl::StatusCode::kUnavailable);
  r.set_status(v1::OBSERVER_STATUS_ACCREDITED);
  EXPECT_TRUE(AdmitObserver("cyber-ngo", &r, kEnds).ok());
  r.set_status(v1::OBSERVER_STATUS_REJECTED);
  AddObjection(&r, "FRA");
  const absl::Status rejected = AdmitObserver("cyber-ngo", &r, kEnds);
  EXPECT_EQ(rejected.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(rejected.message()), HasSubstr("rejected"));
  EXPECT_THAT(std::string(rejected.message()), ::testing::Not(HasSubstr("FRA")));
}

TEST(ObserverRulesTest, TheLatestProposalForASlugDecides) {
  v1::ObserverRecord old = Pending();
  old.set_status(v1::OBSERVER_STATUS_REJECTED);
  v1::ObserverRecord fresh = Pending();
  fresh.mutable_proposal()->set_id("p-fresh");
  *fresh.mutable_proposal()->mutable_proposed_at() = ToProto(kProposed + absl::Hours(1));
  const std::vector<v1::ObserverRecord> records = {old, fresh, Pending("other")};
  ASSERT_NE(LatestForSlug(records, "cyber-ngo"), nullptr);
  EXPECT_EQ(LatestForSlug(records, "cyber-ngo")->proposal().id(), "p-fresh");
  EXPECT_EQ(LatestForSlug(records, "nobody"), nullptr);
}

TEST(ObserverRulesTest, ASlugWithAnOpenProposalCannotBeProposedAgainButARejectedOneCan) {
  v1::ObserverRecord r = Pending();
  EXPECT_EQ(CheckNoOpenProposal({r}, "cyber-ngo").code(), absl::StatusCode::kAlreadyExists);
  r.set_status(v1::OBSERVER_STATUS_ACCREDITED);
  EXPECT_EQ(CheckNoOpenProposal({r}, "cyber-ngo").code(), absl::StatusCode::kAlreadyExists);
  r.set_status(v1::OBSERVER_STATUS_REJECTED);
  EXPECT_TRUE(CheckNoOpenProposal({r}, "cyber-ngo").ok());
  EXPECT_TRUE(CheckNoOpenProposal({Pending("other")}, "cyber-ngo").ok());
}

TEST(ObserverRulesTest, AProposalNeedsASlugOrganizationKindAndPurpose) {
  v1::ProposeObserverRequest request;
  request.set_slug("cyber-ngo");
  request.set_organization("Cyber NGO");
  request.set_kind(v1::OBSERVER_KIND_ACADEMIA);
  request.set_purpose("research");
  EXPECT_TRUE(ValidateProposalRequest(request).ok());
  auto broken = [&](auto edit, const std::string& field) {
    v1::ProposeObserverRequest r = request;
    edit(&r);
    const absl::Status s = ValidateProposalRequest(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(std::string(s.message()), ::testing::StartsWith(field + ":"));
  };
  broken([](v1::ProposeObserverRequest* r) { r->set_slug("Cyber_NGO"); }, "slug");
  broken([](v1::ProposeObserverRequest* r) { r->set_slug(std::string(65, 'a')); }, "slug");
  broken([](v1::ProposeObserverRequest* r) { r->clear_organization(); }, "organization");
  broken([](v1::ProposeObserverRequest* r) { r->set_kind(v1::OBSERVER_KIND_UNSPECIFIED); }, "kind");
  broken([](v1::ProposeObserverRequest* r) { r->set_purpose(std::string(2001, 'x')); }, "purpose");
}

}  // namespace
}  // namespace poc
