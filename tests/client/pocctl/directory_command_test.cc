// pocctl directory: what operators see and what scripts get, from a directory the fake pocd
// returns.
#include "client/pocctl/directory_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/client/pocctl/pocctl_runner.h"

namespace poc::pocctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::Directory SampleDirectory() {
  v1::Directory d;
  d.set_version(9);
  v1::StateEntry* ken = d.add_states();
  ken->set_code("KEN");
  ken->set_name("Kenya");
  ken->add_bodies("KE-CIRT/CC");
  v1::Contact* diplomatic = ken->add_contacts();
  diplomatic->set_level(v1::CONTACT_LEVEL_DIPLOMATIC);
  diplomatic->set_order(2);
  diplomatic->set_name("Cyber desk");
  diplomatic->set_email("cyber@mfa.example");
  v1::Contact* technical = ken->add_contacts();
  technical->set_level(v1::CONTACT_LEVEL_TECHNICAL);
  technical->set_order(1);
  technical->set_name("Duty officer, \"night\"");
  technical->set_role("Incident handler");
  technical->set_email("duty@ke-cirt.example");
  technical->set_phone("+254 20 000");
  technical->set_time_zone("Africa/Nairobi");
  technical->add_languages("en");
  technical->add_languages("sw");
  v1::SigningKey* key = ken->add_keys();
  key->set_key_id("04e9d0cbab69756a");
  key->set_status(v1::KEY_STATUS_ACTIVE);
  v1::SigningKey* old = ken->add_keys();
  old->set_key_id("1111222233334444");
  old->set_status(v1::KEY_STATUS_REVOKED);
  old->mutable_revoked_at()->set_seconds(1790000000);
  v1::StateEntry* fra = d.add_states();
  fra->set_code("FRA");
  fra->set_name("France");
  fra->add_keys()->set_status(v1::KEY_STATUS_ACTIVE);
  v1::Group* african = d.add_groups();
  african->set_name("AFRICAN");
  african->set_kind(v1::GROUP_KIND_REGIONAL);
  african->set_title("African Group");
  african->add_members("KEN");
  v1::Group* grulac = d.add_groups();
  grulac->set_name("GRULAC");
  grulac->set_kind(v1::GROUP_KIND_REGIONAL);
  return d;
}

class DirectoryCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { *pocd_.directory_response.mutable_directory() = SampleDirectory(); }
  FakePocd pocd_;
};

TEST_F(DirectoryCommandTest, ShowListsEveryStateWithItsFirstContactAndGroups) {
  const RunResult r = RunWith(pocd_, {"directory", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Directory version 9, 2 States"));
  EXPECT_THAT(r.out, HasSubstr("KEN    Kenya   1 of 2  2"));
  EXPECT_THAT(r.out, HasSubstr("Duty officer, \"night\" (technical)"));
  EXPECT_THAT(r.out, HasSubstr("AFRICAN"));
}

TEST_F(DirectoryCommandTest, ShowOneStateListsContactsInEscalationOrderAndItsKeys) {
  const RunResult r = RunWith(pocd_, {"directory", "show", "KEN"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Authorized bodies:"));
  EXPECT_THAT(r.out, HasSubstr("KE-CIRT/CC"));
  const size_t first = r.out.find("Duty officer");
  const size_t second = r.out.find("Cyber desk");
  ASSERT_NE(first, std::string::npos) << r.out;
  EXPECT_LT(first, second) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Africa/Nairobi"));
  EXPECT_THAT(r.out, HasSubstr("en sw"));
  EXPECT_THAT(r.out, HasSubstr("04e9d0cbab69756a  active"));
  EXPECT_THAT(r.out, HasSubstr("1111222233334444  revoked"));
}

TEST_F(DirectoryCommandTest, ShowAnUnknownStateSaysHowToListThem) {
  const RunResult r = RunWith(pocd_, {"directory", "show", "BRA"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("BRA is not in the directory (version 9)"));
  EXPECT_THAT(r.err, HasSubstr("pocctl directory show"));
}

TEST_F(DirectoryCommandTest, ShowWithJsonPrintsTheStateEntry) {
  const RunResult r = RunWith(pocd_, {"directory", "show", "KEN", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["code"], "KEN");
  EXPECT_EQ(json["contacts"].size(), 2u);
}

TEST_F(DirectoryCommandTest, GroupsListsKindsAndMembersAndSaysWhenNoneIsOnTheNetwork) {
  const RunResult r = RunWith(pocd_, {"directory", "groups"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("group:AFRICAN  regional  KEN"));
  EXPECT_THAT(r.out, HasSubstr("group:GRULAC   regional  (none on the network)"));
  const RunResult unknown = RunWith(pocd_, {"directory", "groups", "african"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("case-sensitive"));
}

TEST_F(DirectoryCommandTest, SearchMatchesContactsCaseInsensitively) {
  const RunResult r = RunWith(pocd_, {"directory", "search", "KE-CIRT"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("KEN    bodies[0]"));
  EXPECT_THAT(r.out, HasSubstr("contact[1].email  duty@ke-cirt.example"));
  EXPECT_THAT(r.out, Not(HasSubstr("FRA")));
  const RunResult none = RunWith(pocd_, {"directory", "search", "zzz"});
  EXPECT_THAT(none.out, HasSubstr("Nothing in directory version 9 matches 'zzz'"));
  const RunResult json = RunWith(pocd_, {"directory", "search", "france", "--json"});
  EXPECT_EQ(nlohmann::json::parse(json.out)[0]["state"], "FRA");
}

TEST_F(DirectoryCommandTest, ExportCsvHasOneQuotedRowPerContact) {
  const RunResult r = RunWith(pocd_, {"directory", "export", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("state,state_name,bodies,contact_order,level,name"));
  EXPECT_THAT(r.out, HasSubstr("KEN,Kenya,KE-CIRT/CC,1,technical,\"Duty officer, \"\"night\"\"\","
                               "Incident handler,duty@ke-cirt.example,+254 20 000,,"
                               "Africa/Nairobi,en sw\r\n"));
  EXPECT_THAT(r.out, HasSubstr("FRA,France,,,,,,,,,,\r\n"));
}

TEST_F(DirectoryCommandTest, ExportJsonIsTheWholeDirectory) {
  const RunResult r = RunWith(pocd_, {"directory", "export"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["version"], "9");  // uint64 in proto JSON is a string
  EXPECT_EQ(json["states"].size(), 2u);
  EXPECT_EQ(json["groups"][0]["name"], "AFRICAN");
}

TEST_F(DirectoryCommandTest, ABadExportFormatIsAUsageError) {
  const RunResult r = RunWith(pocd_, {"directory", "export", "--format", "xml"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace poc::pocctl
