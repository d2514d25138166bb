#include "common/checkpoint/checkpoint.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

// The example of https://c2sp.org/tlog-checkpoint.
constexpr char kSpecExample[] =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr char kRoot[] = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

std::string ParseError(const std::string& text) {
  auto parsed = Checkpoint::Parse(text);
  EXPECT_FALSE(parsed.ok()) << "accepted:\n" << text;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(CheckpointTest, ParsesTheSpecExampleAndFormatsItBackExactly) {
  auto checkpoint = Checkpoint::Parse(kSpecExample);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(checkpoint->size, 20852163u);
  EXPECT_EQ(checkpoint->root_hash.size(), 32u);
  EXPECT_TRUE(checkpoint->extensions.empty());
  auto text = checkpoint->Format();
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, kSpecExample);
}

TEST(CheckpointTest, RoundTripsExtensionLinesAndTheExtremeSizes) {
  Checkpoint checkpoint{"un.example/poc-audit", 0, std::string(32, '\x07'), {"ext one", "two"}};
  auto text = checkpoint.Format();
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(
      *text,
      "un.example/poc-audit\n0\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\next one\ntwo\n");
  EXPECT_EQ(*Checkpoint::Parse(*text), checkpoint);

  checkpoint.size = UINT64_MAX;
  checkpoint.extensions.clear();
  EXPECT_EQ(*Checkpoint::Parse(*checkpoint.Format()), checkpoint);
}

TEST(CheckpointTest, RejectsMissingFinalNewlineAndMissingLines) {
  EXPECT_THAT(ParseError(std::string(kSpecExample, sizeof(kSpecExample) - 2)),
              HasSubstr("must end with a newline"));
  EXPECT_THAT(ParseError("example.com/log\n5\n"), HasSubstr("has 2 lines, expected at least 3"));
  EXPECT_THAT(ParseError(""), HasSubstr("must end with a newline"));
}

TEST(CheckpointTest, RejectsAnEmptyOrigin) {
  EXPECT_THAT(ParseError(std::string("\n5\n") + kRoot + "\n"), HasSubstr("line 1 (origin)"));
}

TEST(CheckpointTest, RejectsSizesThatAreNotPlainDecimal) {
  for (const char* size : {"", "05", "00", "+5", "-1", " 5", "5 ", "0x10", "1e3", "12a"}) {
    EXPECT_THAT(ParseError(std::string("o\n") + size + "\n" + kRoot + "\n"),
                HasSubstr("line 2 (tree size)"))
        << "size \"" << size << "\"";
  }
  EXPECT_THAT(ParseError(std::string("o\n18446744073709551616\n") + kRoot + "\n"),
              HasSubstr("does not fit in 64 bits"));
  EXPECT_TRUE(Checkpoint::Parse(std::string("o\n18446744073709551615\n") + kRoot + "\n").ok());
  EXPECT_TRUE(Checkpoint::Parse(std::string("o\n0\n") + kRoot + "\n").ok());
}

TEST(CheckpointTest, RejectsRootsThatAreNot32BytesOfCanonicalBase64) {
  EXPECT_THAT(ParseError("o\n1\nnot base64!\n"), HasSubstr("line 3 (root hash): is not base64"));
  EXPECT_THAT(ParseError("o\n1\nAAAA\n"), HasSubstr("decodes to 3 bytes, expected 32"));
  // Same bytes as kRoot but with non-zero padding bits: a second spelling of one checkpoint.
  EXPECT_THAT(ParseError("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n"),
              HasSubstr("canonical"));
}

TEST(CheckpointTest, RejectsEmptyExtensionLines) {
  EXPECT_THAT(ParseError(std::string(kSpecExample) + "\n"), HasSubstr("line 4 (extension)"));
  EXPECT_THAT(ParseError(std::string(kSpecExample) + "ext\n\nmore\n"),
              HasSubstr("line 5 (extension)"));
}

TEST(CheckpointTest, FormatRefusesFieldsItCannotWrite) {
  const std::string root(32, 'r');
  EXPECT_FALSE((Checkpoint{"", 1, root, {}}).Format().ok());
  EXPECT_FALSE((Checkpoint{"a\nb", 1, root, {}}).Format().ok());
  EXPECT_THAT(std::string((Checkpoint{"o", 1, "short", {}}).Format().status().message()),
              HasSubstr("root hash is 5 bytes"));
  EXPECT_FALSE((Checkpoint{"o", 1, root, {""}}).Format().ok());
  EXPECT_FALSE((Checkpoint{"o", 1, root, {"a\nb"}}).Format().ok());
}

}  // namespace
}  // namespace poc
