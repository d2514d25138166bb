#include "server/directory_file.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_paths.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

std::string MessageOf(const absl::Status& s) { return std::string(s.message()); }

constexpr char kOneState[] =
    "version = 3\n"
    "[[state]]\n"
    "code = \"KEN\"\n"
    "[[state.key]]\n"
    "public_key = \"UUmmo5BAP1wNegez7hHd34wjE4oC4/e5tpjQ6KGMmjQ=\"\n";

TEST(DirectoryFileTest, LoadsTheSampleDirectory) {
  auto dir = LoadDirectoryFile(testing::SourceDir() + "/deploy/directory.toml.sample");
  ASSERT_TRUE(dir.ok()) << dir.status();
  ASSERT_EQ(dir->states_size(), 1);
  EXPECT_EQ(dir->states(0).code(), "KEN");
  EXPECT_EQ(dir->states(0).keys(0).status(), v1::KEY_STATUS_ACTIVE);
}

TEST(DirectoryFileTest, ParsesTextWithTheIsoNameAsDefault) {
  auto dir = ParseDirectoryFile(kOneState, "directory.toml");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(dir->version(), 3u);
  EXPECT_EQ(dir->states(0).name(), "Kenya");
}

TEST(DirectoryFileTest, AMissingFileIsNamed) {
  auto dir = LoadDirectoryFile("/nonexistent/directory.toml");
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(dir.status()), HasSubstr("/nonexistent/directory.toml: file not found"));
}

TEST(DirectoryFileTest, MalformedTomlNamesTheFileAndLine) {
  auto dir = ParseDirectoryFile(std::string(kOneState) + "[[state\n", "directory.toml");
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(dir.status()), HasSubstr("directory.toml:6:"));
}

}  // namespace
}  // namespace poc
