#include "common/encoding/hex.h"

#include <string>

#include "gtest/gtest.h"

namespace poc {
namespace {

TEST(HexTest, EncodesLowercaseRfc4648Base16Vectors) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode("f"), "66");
  EXPECT_EQ(HexEncode("foobar"), "666f6f626172");
  EXPECT_EQ(HexEncode(std::string("\x00\xab\xff", 3)), "00abff");
}

TEST(HexTest, RoundTripsEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string text = HexEncode(all);
  ASSERT_EQ(text.size(), 512u);
  auto decoded = HexDecode(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, all);
}

TEST(HexTest, DecodesUppercaseToo) {
  auto decoded = HexDecode("00ABff");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, std::string("\x00\xab\xff", 3));
}

TEST(HexTest, RejectsOddLength) {
  for (const char* text : {"0", "abc", "66f"}) {
    EXPECT_EQ(HexDecode(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(HexTest, RejectsNonHexCharacters) {
  for (const char* text : {"zz", "0g", "g0", "6 ", "0x66", "-1"}) {
    EXPECT_EQ(HexDecode(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  EXPECT_EQ(HexDecode(std::string("6\0", 2)).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace poc
