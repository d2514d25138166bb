#include "common/config/config_binder.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::poc::testutil::TempDir;
using ::poc::testutil::WriteFixture;
using ::testing::HasSubstr;

// Binds four options of each kind, as a binary's main() does, to a CLI::App.
class ConfigBinderTest : public ::testing::Test {
 protected:
  ConfigBinderTest() : binder_(&app_) {
    binder_.AddString("--state", "state", &state_, "ISO3 code of this node's State");
    binder_.AddPath("--tls-cert", "tls.cert", &cert_, "certificate file");
    binder_.AddInt("--port", "listen.port", &port_, "port to listen on");
    binder_.AddBool("--json", "log.json", &json_, "log JSON lines");
  }

  // Parses `flags` as the command line, then applies the config file at `path`.
  absl::Status ParseThenApply(const std::vector<std::string>& flags, const std::string& path) {
    std::vector<const char*> argv = {"test"};
    argv.reserve(flags.size() + 1);
    for (const std::string& f : flags) argv.push_back(f.c_str());
    app_.parse(static_cast<int>(argv.size()), argv.data());
    return binder_.ApplyFile(path);
  }

  std::string WriteConfig(const std::string& name, const std::string& toml) {
    std::string path = dir_.File(name);
    WriteFixture(path, toml);
    return path;
  }

  TempDir dir_;
  CLI::App app_;
  ConfigBinder binder_;
  std::string state_ = "default-state";
  std::string cert_ = "default.pem";
  int64_t port_ = 443;
  bool json_ = false;
};

TEST_F(ConfigBinderTest, UsesFileValuesWhenNoFlagIsGiven) {
  const std::string path = WriteConfig("node.toml",
                                       "state = \"FRA\"\n"
                                       "[listen]\nport = 7443\n"
                                       "[log]\njson = true\n");
  const absl::Status status = ParseThenApply({}, path);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(state_, "FRA");
  EXPECT_EQ(port_, 7443);
  EXPECT_TRUE(json_);
  EXPECT_EQ(cert_, "default.pem");  // absent from the file: the default stays
}

TEST_F(ConfigBinderTest, FlagWinsOverFile) {
  const std::string path = WriteConfig("node.toml",
                                       "state = \"FRA\"\n"
                                       "[tls]\ncert = \"file.pem\"\n"
                                       "[listen]\nport = 7443\n");
  const absl::Status status =
      ParseThenApply({"--state", "KEN", "--port", "9000", "--tls-cert", "flag.pem"}, path);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(state_, "KEN");
  EXPECT_EQ(port_, 9000);
  EXPECT_EQ(cert_, "flag.pem");  // a relative flag stays relative to the working folder
}

TEST_F(ConfigBinderTest, ResolvesRelativePathsInTheFileAgainstTheFilesFolder) {
  std::filesystem::create_directory(dir_.File("etc"));
  const std::string path = WriteConfig("etc/node.toml", "[tls]\ncert = \"certs/node.pem\"\n");
  const absl::Status status = ParseThenApply({}, path);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(cert_, dir_.path() + "/etc/certs/node.pem");
}

TEST_F(ConfigBinderTest, NormalizesParentFolderInARelativePath) {
  std::filesystem::create_directory(dir_.File("etc"));
  const std::string path = WriteConfig("etc/node.toml", "[tls]\ncert = \"../keys/node.pem\"\n");
  const absl::Status status = ParseThenApply({}, path);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(cert_, dir_.path() + "/keys/node.pem");
}

TEST_F(ConfigBinderTest, KeepsAbsolutePathsInTheFile) {
  const std::string path = WriteConfig("node.toml", "[tls]\ncert = \"/etc/poc/node.pem\"\n");
  const absl::Status status = ParseThenApply({}, path);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(cert_, "/etc/poc/node.pem");
}

TEST_F(ConfigBinderTest, RejectsAnUnknownKeyNamingTheFileAndTheKey) {
  const std::string path = WriteConfig("node.toml", "[tls]\ncertificate = \"node.pem\"\n");
  const absl::Status status = ParseThenApply({}, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status), HasSubstr(path));
  EXPECT_THAT(MessageOf(status), HasSubstr("[tls] certificate"));
}

TEST_F(ConfigBinderTest, RejectsAnUnknownTopLevelKey) {
  const std::string path = WriteConfig("node.toml", "stat = \"FRA\"\n");
  const absl::Status status = ParseThenApply({}, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status), HasSubstr(path + ": stat"));
}

TEST_F(ConfigBinderTest, RejectsAWrongTypeNamingTheFileAndTheKey) {
  const std::string path = WriteConfig("node.toml", "[listen]\nport = \"7443\"\n");
  const absl::Status status = ParseThenApply({}, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status), HasSubstr(path));
  EXPECT_THAT(MessageOf(status), HasSubstr("[listen] port"));
  EXPECT_THAT(MessageOf(status), HasSubstr("integer"));
}

TEST_F(ConfigBinderTest, RejectsAWrongTypeForStringsAndBooleans) {
  const std::string strings = WriteConfig("a.toml", "state = 250\n");
  const absl::Status s1 = ParseThenApply({}, strings);
  EXPECT_EQ(s1.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(s1), HasSubstr("state"));

  const std::string bools = WriteConfig("b.toml", "[log]\njson = \"yes\"\n");
  const absl::Status s2 = binder_.ApplyFile(bools);
  EXPECT_EQ(s2.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(s2), HasSubstr("[log] json"));
}

TEST_F(ConfigBinderTest, RejectsMalformedTomlWithFileAndLine) {
  const std::string path = WriteConfig("node.toml", "state = \"FRA\"\nport = = 3\n");
  const absl::Status status = ParseThenApply({}, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status), HasSubstr(path + ":2:"));
}

TEST_F(ConfigBinderTest, MissingFileIsNotFound) {
  const std::string path = dir_.File("absent.toml");
  const absl::Status status = ParseThenApply({}, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(MessageOf(status), HasSubstr(path));
}

TEST_F(ConfigBinderTest, AFolderGivenAsTheFileIsRefusedNamingIt) {
  const absl::Status status = ParseThenApply({}, dir_.path());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status), HasSubstr(dir_.path() + ": is a folder"));
}

TEST_F(ConfigBinderTest, AppliesTextAsIfReadFromTheNamedFile) {
  const absl::Status status = binder_.ApplyText(
      "state = \"KEN\"\n[tls]\ncert = \"certs/node.pem\"\n", "/etc/poc/node.toml");
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(state_, "KEN");
  EXPECT_EQ(cert_, "/etc/poc/certs/node.pem");

  const absl::Status bad = binder_.ApplyText("port = = 3\n", "/etc/poc/node.toml");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(bad), HasSubstr("/etc/poc/node.toml:1:"));
}

}  // namespace
}  // namespace poc
