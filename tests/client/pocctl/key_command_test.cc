// pocctl key: what it asks pocd for, and what it shows.
#include "client/pocctl/key_command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/util/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/pocctl/fake_control_client.h"
#include "tests/client/pocctl/pocctl_runner.h"

namespace poc::pocctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::Directory TwoKeys() {
  v1::Directory d;
  d.set_version(4);
  v1::StateEntry* fra = d.add_states();
  fra->set_code("FRA");
  v1::SigningKey* old_key = fra->add_keys();
  old_key->set_key_id("1111111111111111");
  old_key->set_status(v1::KEY_STATUS_RETIRED);
  *old_key->mutable_valid_until() = ToProto(kTestNow + absl::Hours(72));
  v1::SigningKey* new_key = fra->add_keys();
  new_key->set_key_id("2222222222222222");
  new_key->set_status(v1::KEY_STATUS_ACTIVE);
  *new_key->mutable_valid_from() = ToProto(kTestNow);
  return d;
}

TEST(KeyCommandTest, ListShowsTheStatesKeysAndWhichOneThisNodeSignsWith) {
  const std::string out = FormatKeyList(TwoKeys(), "FRA", "2222222222222222");
  EXPECT_THAT(out, HasSubstr("Signing keys of FRA in directory version 4"));
  EXPECT_THAT(out, HasSubstr("retired"));
  EXPECT_THAT(out, HasSubstr("active"));
  const size_t signs = out.find("signs");
  ASSERT_NE(signs, std::string::npos);
  EXPECT_GT(signs, out.find("2222222222222222"));
}

TEST(KeyCommandTest, AnnounceSendsTheKeyFilesAbsolutePathToPocd) {
  char dir[] = "/tmp/pocctl-key-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string key = std::string(dir) + "/next.key";
  std::ofstream(key) << "not checked by pocctl";
  FakePocd pocd;
  pocd.announce_response.set_state("FRA");
  pocd.announce_response.set_key_id("2222222222222222");
  pocd.announce_response.set_previous_key_id("1111111111111111");
  pocd.announce_response.set_retired_key_file("/srv/fra/signing.key.retired-1111111111111111");
  const std::string cwd = std::filesystem::current_path().string();
  std::filesystem::current_path(dir);
  const RunResult r = RunWith(pocd, {"key", "announce", "--key", "next.key"});
  std::filesystem::current_path(cwd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pocd.announces.size(), 1u);
  EXPECT_EQ(pocd.announces[0].key_file(), key);
  EXPECT_THAT(r.out, HasSubstr("2222222222222222 (active, this node signs with it now)"));
  EXPECT_THAT(r.out, HasSubstr("signing.key.retired-1111111111111111"));
  std::filesystem::remove_all(dir);
}

TEST(KeyCommandTest, AnnounceOfAMissingFileSaysHowToMakeAKeyWithoutAskingPocd) {
  FakePocd pocd;
  const RunResult r = RunWith(pocd, {"key", "announce", "--key", "/nonexistent/next.key"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("poc-pki signing-key"));
  EXPECT_EQ(pocd.connects, 0);
}

TEST(KeyCommandTest, ARefusalFromTheRelayReachesTheOperator) {
  char dir[] = "/tmp/pocctl-key-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string key = std::string(dir) + "/next.key";
  std::ofstream(key) << "x";
  FakePocd pocd;
  pocd.fail_with = absl::AlreadyExistsError(
      "the relay refused the key announcement: key 2222 is already in the directory");
  const RunResult r = RunWith(pocd, {"key", "announce", "--key", key});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("already in the directory"));
  EXPECT_THAT(r.out, Not(HasSubstr("New key")));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace poc::pocctl
