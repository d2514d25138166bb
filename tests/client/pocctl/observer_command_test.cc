// pocctl observer against a fake pocd: what it asks, what it prints, and the mistakes it
// catches before contacting anyone.
#include "client/pocctl/observer_command.h"

#include "common/util/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/pocctl/pocctl_runner.h"

namespace poc::pocctl {
namespace {

using ::testing::HasSubstr;

constexpr char kId[] = "0190c3a2-7b1e-7c3d-9a4f-0123456789ab";

v1::ObserverRecord Record(v1::ObserverStatus status) {
  v1::ObserverRecord r;
  r.mutable_proposal()->set_id(kId);
  r.mutable_proposal()->set_slug("cyber-peace");
  r.mutable_proposal()->set_organization("Cyber Peace Institute");
  r.mutable_proposal()->set_kind(v1::OBSERVER_KIND_NGO);
  *r.mutable_proposal()->mutable_silence_ends_at() = ToProto(kTestNow + absl::Hours(48));
  r.set_status(status);
  return r;
}

TEST(ObserverCommandTest, ObjectAsksPocdToSignTheObjectionWithTheReason) {
  FakePocd pocd;
  *pocd.objection_response.mutable_record() = Record(v1::OBSERVER_STATUS_REJECTED);
  const RunResult r = RunWith(pocd, {"observer", "object", kId, "--reason", "not independent"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pocd.objections.size(), 1u);
  EXPECT_EQ(pocd.objections[0].proposal_id(), kId);
  EXPECT_EQ(pocd.objections[0].reason(), "not independent");
  EXPECT_THAT(r.out, HasSubstr("the accreditation is rejected"));
}

TEST(ObserverCommandTest, ObjectResolvesAnIdPrefixAgainstTheList) {
  FakePocd pocd;
  *pocd.observers_response.add_records() = Record(v1::OBSERVER_STATUS_PENDING);
  *pocd.objection_response.mutable_record() = Record(v1::OBSERVER_STATUS_REJECTED);
  const RunResult r = RunWith(pocd, {"observer", "object", "0190c3a2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pocd.objections.size(), 1u);
  EXPECT_EQ(pocd.objections[0].proposal_id(), kId);
}

TEST(ObserverCommandTest, ATooShortIdIsRefusedWithoutObjecting) {
  FakePocd pocd;
  const RunResult r = RunWith(pocd, {"observer", "object", "0190"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("at least 8"));
  EXPECT_TRUE(pocd.objections.empty());
}

TEST(ObserverCommandTest, ProposingWithoutTheSecretariatFileSaysWhatToGive) {
  FakePocd pocd;
  const RunResult r = RunWith(pocd, {"observer", "propose", "--slug", "cyber-peace", "--org", "X",
                                     "--kind", "ngo", "--purpose", "Y"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--secretariat FILE"));
  EXPECT_EQ(pocd.connects, 0);
}

TEST(ObserverCommandTest, AnUnknownKindIsAUsageError) {
  FakePocd pocd;
  const RunResult r = RunWith(pocd, {"observer", "propose", "--slug", "s", "--org", "X", "--kind",
                                     "government", "--purpose", "Y"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(ObserverCommandTest, ObjectingAsTheSecretariatIsRefused) {
  FakePocd pocd;
  const RunResult r =
      RunWith(pocd, {"observer", "object", kId, "--secretariat", "/srv/secretariat.toml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("only a State objects"));
}

TEST(ObserverCommandTest, ListShowsStatusDeadlineObjectorsAndHowToObject) {
  FakePocd pocd;
  *pocd.observers_response.add_records() = Record(v1::OBSERVER_STATUS_PENDING);
  *pocd.observers_response.mutable_relay_time() = ToProto(kTestNow);
  const RunResult r = RunWith(pocd, {"observer", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cyber-peace"));
  EXPECT_THAT(r.out, HasSubstr("pending (objections open)"));
  EXPECT_THAT(r.out, HasSubstr("2026-11-21 10:13"));
  EXPECT_THAT(r.out, HasSubstr(std::string("pocctl observer object ") + kId));
}

TEST(ObserverCommandTest, TheTableNamesTheObjectingStates) {
  v1::ListObserversResponse list;
  v1::ObserverRecord* r = list.add_records();
  *r = Record(v1::OBSERVER_STATUS_REJECTED);
  v1::ObserverObjection o;
  o.set_state("FRA");
  r->add_objections()->set_body(o.SerializeAsString());
  const std::string table = FormatObserverTable(list, kTestNow);
  EXPECT_THAT(table, HasSubstr("rejected"));
  EXPECT_THAT(table, HasSubstr("FRA"));
  EXPECT_EQ(FormatObserverTable(v1::ListObserversResponse(), kTestNow), "No observer proposals.\n");
}

}  // namespace
}  // namespace poc::pocctl
