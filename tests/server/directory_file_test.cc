#include "server/directory_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "common/directory/key_possession.h"
#include "common/encoding/base64.h"
#include "common/util/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_paths.h"

namespace poc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Ed25519PrivateKey KeyFromSeedByte(char b) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, b));
  if (!key.ok()) std::abort();
  return *std::move(key);
}

// The [[state.key]] lines `poc-pki signing-key --state` prints for `key`.
std::string KeyLines(const Ed25519PrivateKey& key, const std::string& state) {
  return "[[state.key]]\npublic_key = \"" + Base64Encode(key.public_key().raw()) +
         "\"\nproof = \"" + Base64Encode(ProveKeyPossession(key, state)) + "\"\n";
}

class DirectoryFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("poc-directory-" + std::to_string(::getpid()) + ".toml");
  }
  void TearDown() override { std::filesystem::remove(path_); }

  absl::StatusOr<v1::Directory> Load(const std::string& text) {
    std::ofstream(path_) << text;
    return LoadDirectoryFile(path_.string());
  }

  // KEN and FRA, each with one key; `extra` is appended.
  std::string Base(const std::string& ken_extra = "", const std::string& extra = "") {
    return "version = 3\n[[state]]\ncode = \"KEN\"\n" + ken_extra + KeyLines(ken_, "KEN") +
           "[[state]]\ncode = \"FRA\"\n" + KeyLines(fra_, "FRA") + extra;
  }

  void ExpectRefused(const std::string& text, const std::string& field, const std::string& detail) {
    auto dir = Load(text);
    ASSERT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument) << field;
    const std::string message(dir.status().message());
    EXPECT_THAT(message, HasSubstr(path_.string() + ": " + field)) << message;
    EXPECT_THAT(message, HasSubstr(detail));
  }

  std::filesystem::path path_;
  const Ed25519PrivateKey ken_ = KeyFromSeedByte('\x11');
  const Ed25519PrivateKey fra_ = KeyFromSeedByte('\x12');
};

TEST_F(DirectoryFileTest, ReadsStatesContactsKeysAndCertificates) {
  const std::string ken_extra =
      "name = \"Kenya\"\nbodies = [\"KE-CIRT/CC\", \"MFA\"]\n"
      "certificates = [\"" +
      std::string(64, 'a') +
      "\"]\n"
      "[[state.contact]]\nlevel = \"diplomatic\"\norder = 2\nname = \"Cyber desk\"\n"
      "[[state.contact]]\nlevel = \"technical\"\norder = 1\nname = \"Duty officer\"\n"
      "role = \"Incident handler\"\nemail = \"duty@cert.example\"\nphone = \"+254 1\"\n"
      "hours = \"24/7\"\ntime_zone = \"Africa/Nairobi\"\nlanguages = [\"en\", \"sw\"]\n";
  auto dir = Load(Base(ken_extra));
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(dir->version(), 3u);
  const v1::StateEntry& ken = dir->states(0);
  EXPECT_EQ(ken.name(), "Kenya");
  EXPECT_THAT(ken.bodies(), ElementsAre("KE-CIRT/CC", "MFA"));
  EXPECT_THAT(ken.certificate_fingerprints(), ElementsAre(std::string(64, 'a')));
  ASSERT_EQ(ken.contacts_size(), 2);
  const v1::Contact& duty = ken.contacts(1);
  EXPECT_EQ(duty.level(), v1::CONTACT_LEVEL_TECHNICAL);
  EXPECT_EQ(duty.order(), 1u);
  EXPECT_EQ(duty.email(), "duty@cert.example");
  EXPECT_EQ(duty.time_zone(), "Africa/Nairobi");
  EXPECT_THAT(duty.languages(), ElementsAre("en", "sw"));
  ASSERT_EQ(ken.keys_size(), 1);
  EXPECT_EQ(ken.keys(0).key_id(), ken_.public_key().key_id());
  EXPECT_EQ(ken.keys(0).status(), v1::KEY_STATUS_ACTIVE);
  EXPECT_EQ(dir->states(1).name(), "France");  // the ISO name when none is given
}

TEST_F(DirectoryFileTest, ReadsKeyValidityAndRevocationTimes) {
  const std::string text =
      "version = 1\n[[state]]\ncode = \"KEN\"\n" + KeyLines(ken_, "KEN") +
      "valid_from = 2026-01-01T00:00:00Z\nvalid_until = \"2027-01-01T03:00:00+03:00\"\n" +
      KeyLines(fra_, "KEN") + "status = \"revoked\"\nrevoked_at = 2026-05-01T10:00:00Z\n";
  auto dir = Load(text);
  ASSERT_TRUE(dir.ok()) << dir.status();
  const v1::SigningKey& key = dir->states(0).keys(0);
  EXPECT_EQ(FormatUtc(FromProto(key.valid_from())), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(FromProto(key.valid_until())), "2027-01-01T00:00:00Z");
  EXPECT_FALSE(key.has_revoked_at());
  const v1::SigningKey& revoked = dir->states(0).keys(1);
  EXPECT_EQ(revoked.status(), v1::KEY_STATUS_REVOKED);
  EXPECT_EQ(FormatUtc(FromProto(revoked.revoked_at())), "2026-05-01T10:00:00Z");
}

TEST_F(DirectoryFileTest, PreloadsTheUnRegionalGroupsWithTheDirectorysMembers) {
  auto dir = Load(Base());
  ASSERT_TRUE(dir.ok()) << dir.status();
  std::map<std::string, v1::Group> groups;
  for (const v1::Group& g : dir->groups()) groups[g.name()] = g;
  ASSERT_EQ(groups.size(), 5u);
  EXPECT_THAT(groups["AFRICAN"].members(), ElementsAre("KEN"));
  EXPECT_THAT(groups["WEOG"].members(), ElementsAre("FRA"));
  EXPECT_THAT(groups["GRULAC"].members(), IsEmpty());
  EXPECT_EQ(groups["WEOG"].kind(), v1::GROUP_KIND_REGIONAL);
  EXPECT_EQ(groups["WEOG"].title(), "Western European and Others Group");
}

TEST_F(DirectoryFileTest, ReadsOrganizationsAndCustomGroups) {
  auto dir = Load(Base("",
                       "[[group]]\nname = \"OSCE\"\nkind = \"organization\"\n"
                       "title = \"Organization for Security and Co-operation in Europe\"\n"
                       "members = [\"FRA\"]\n"
                       "[[group]]\nname = \"pilot-2026\"\nmembers = [\"KEN\", \"FRA\"]\n"));
  ASSERT_TRUE(dir.ok()) << dir.status();
  ASSERT_EQ(dir->groups_size(), 7);
  EXPECT_EQ(dir->groups(0).name(), "OSCE");
  EXPECT_EQ(dir->groups(0).kind(), v1::GROUP_KIND_ORGANIZATION);
  EXPECT_EQ(dir->groups(1).kind(), v1::GROUP_KIND_CUSTOM);
  EXPECT_THAT(dir->groups(1).members(), ElementsAre("KEN", "FRA"));
}

TEST_F(DirectoryFileTest, TheDeploySampleLoads) {
  auto dir = LoadDirectoryFile(poc::testing::SourceDir() + "/deploy/directory.toml.sample");
  ASSERT_TRUE(dir.ok()) << dir.status();
  ASSERT_EQ(dir->states_size(), 1);
  EXPECT_EQ(dir->states(0).contacts_size(), 2);
  EXPECT_EQ(dir->groups(0).name(), "EAC");
}

TEST_F(DirectoryFileTest, RefusesAnUnknownIsoCode) {
  ExpectRefused(Base("", "[[state]]\ncode = \"FRX\"\n" + KeyLines(fra_, "FRX")), "state[2].code",
                "'FRX' is not an ISO 3166-1 alpha-3 code");
}

TEST_F(DirectoryFileTest, RefusesADuplicateKey) {
  ExpectRefused(Base("", "[[state]]\ncode = \"DEU\"\n" + KeyLines(ken_, "DEU")),
                "state[2].key[0].public_key", "already registered to KEN");
}

TEST_F(DirectoryFileTest, RefusesAKeyWithoutProofOfPossession) {
  ExpectRefused("version = 1\n[[state]]\ncode = \"KEN\"\n[[state.key]]\npublic_key = \"" +
                    Base64Encode(ken_.public_key().raw()) + "\"\n",
                "state[0].key[0].proof", "missing");
}

TEST_F(DirectoryFileTest, RefusesAProofMadeForAnotherState) {
  ExpectRefused("version = 1\n[[state]]\ncode = \"KEN\"\n" + KeyLines(ken_, "FRA"),
                "state[0].key[0].proof", "does not prove possession");
}

TEST_F(DirectoryFileTest, RefusesAGroupNamingANonMember) {
  ExpectRefused(Base("", "[[group]]\nname = \"OSCE\"\nmembers = [\"FRA\", \"DEU\"]\n"),
                "group[0].members[1]", "'DEU' is not a State in the directory");
}

TEST_F(DirectoryFileTest, RefusesAGroupThatRedefinesARegionalGroup) {
  ExpectRefused(Base("", "[[group]]\nname = \"WEOG\"\nmembers = [\"FRA\"]\n"), "group[0].name",
                "UN regional group");
}

TEST_F(DirectoryFileTest, RefusesAnUnknownSettingNamingIt) {
  ExpectRefused(Base("[[state.contact]]\nlevel = \"technical\"\norder = 1\nname = \"x\"\n"
                     "emial = \"typo@example\"\n"),
                "state[0].contact[0].emial", "unknown setting");
  ExpectRefused(Base() + "[[groups]]\nname = \"x\"\n", "groups", "unknown setting");
}

TEST_F(DirectoryFileTest, RefusesBadContactFields) {
  ExpectRefused(Base("[[state.contact]]\nlevel = \"ministerial\"\norder = 1\nname = \"x\"\n"),
                "state[0].contact[0].level", "technical or diplomatic");
  ExpectRefused(Base("[[state.contact]]\nlevel = \"technical\"\nname = \"x\"\n"),
                "state[0].contact[0].order", "from 1");
  ExpectRefused(Base("[[state.contact]]\nlevel = \"technical\"\norder = 1\nname = \"x\"\n"
                     "time_zone = \"Mars/Olympus\"\n"),
                "state[0].contact[0].time_zone", "IANA time zone");
}

TEST_F(DirectoryFileTest, RefusesABadDateTime) {
  ExpectRefused("version = 1\n[[state]]\ncode = \"KEN\"\n" + KeyLines(ken_, "KEN") +
                    "valid_from = \"next tuesday\"\n",
                "state[0].key[0].valid_from", "2027-01-01T00:00:00Z");
}

TEST_F(DirectoryFileTest, AMissingFileIsNamed) {
  auto dir = LoadDirectoryFile("/nonexistent/directory.toml");
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(dir.status().message()),
              HasSubstr("/nonexistent/directory.toml: file not found"));
}

TEST_F(DirectoryFileTest, TextParsesAsTheFileWould) {
  auto dir = ParseDirectoryFile(Base(), "directory.toml");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(dir->states(1).name(), "France");
  auto bad = ParseDirectoryFile("version = 1\n[[state\n", "directory.toml");
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("directory.toml:2"));
}

TEST_F(DirectoryFileTest, RefusesATomlSyntaxErrorWithItsLine) {
  auto dir = Load("version = 1\n[[state]\n");
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(dir.status().message()), HasSubstr(path_.string() + ":2"));
}

}  // namespace
}  // namespace poc
