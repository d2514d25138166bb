#include "common/encoding/base64.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::testing::HasSubstr;

struct Vector {
  const char* bytes;
  const char* text;
};

// RFC 4648 §10.
constexpr Vector kRfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesRfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    EXPECT_EQ(Base64Encode(v.bytes), v.text) << "bytes: '" << v.bytes << "'";
  }
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    auto decoded = Base64Decode(v.text);
    ASSERT_TRUE(decoded.ok()) << v.text << ": " << decoded.status();
    EXPECT_EQ(*decoded, v.bytes) << "text: '" << v.text << "'";
  }
}

TEST(Base64Test, RoundTripsEveryByteValueAtEveryPaddingLength) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (size_t len = 0; len <= all.size(); ++len) {
    const std::string bytes = all.substr(all.size() - len);  // includes 0x00 and 0xff bytes
    const std::string text = Base64Encode(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    auto decoded = Base64Decode(text);
    ASSERT_TRUE(decoded.ok()) << "length " << len << ": " << decoded.status();
    EXPECT_EQ(*decoded, bytes) << "length " << len;
  }
}

TEST(Base64Test, RejectsCharactersOutsideTheAlphabet) {
  for (const char* text : {"Zm9*", "Zm9v\nYmFy", "Zm9 ", "Zm-v", "Zm_v", "Zm9v\nYmE"}) {
    auto decoded = Base64Decode(text);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << "'" << text << "'";
  }
  auto decoded = Base64Decode("Zm9*");
  EXPECT_THAT(MessageOf(decoded.status()), HasSubstr("outside the alphabet"));
}

TEST(Base64Test, RejectsEmbeddedNul) {
  const std::string text("Zm\0v", 4);
  EXPECT_EQ(Base64Decode(text).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Base64Test, RejectsBadPadding) {
  for (const char* text : {"Zg=a", "Z===", "====", "Zg==Zg==", "Zm=v", "=Zm9"}) {
    auto decoded = Base64Decode(text);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << "'" << text << "'";
  }
}

TEST(Base64Test, RejectsLengthThatIsNotAMultipleOfFour) {
  for (const char* text : {"Z", "Zg", "Zg=", "Zm9vY", "Zm9vYg="}) {
    auto decoded = Base64Decode(text);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << "'" << text << "'";
    EXPECT_THAT(MessageOf(decoded.status()), HasSubstr("multiple of 4")) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace poc
