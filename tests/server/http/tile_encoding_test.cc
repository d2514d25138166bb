#include "server/http/tile_encoding.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Hash(char fill) { return std::string(32, fill); }

TEST(TileEncodingTest, HashTileIsTheHashesConcatenated) {
  auto body = EncodeHashTile({Hash('a'), Hash('b'), Hash('c')});
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, Hash('a') + Hash('b') + Hash('c'));
}

TEST(TileEncodingTest, FullHashTileIs8192Bytes) {
  std::vector<std::string> hashes(256, Hash('x'));
  auto body = EncodeHashTile(hashes);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->size(), 8192u);
}

TEST(TileEncodingTest, HashTileRefusesWrongSizesAndCounts) {
  EXPECT_EQ(EncodeHashTile({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeHashTile(std::vector<std::string>(257, Hash('x'))).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto short_hash = EncodeHashTile({Hash('a'), std::string(31, 'b')});
  EXPECT_EQ(short_hash.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(short_hash.status().message()), HasSubstr("hash 1"));
}

TEST(TileEncodingTest, BundlePrefixesEachEntryWithItsBigEndianUint16Length) {
  const std::string long_entry(0x0102, 'z');
  auto body = EncodeEntryBundle({"abc", "", long_entry});
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, std::string("\x00\x03"
                               "abc",
                               5) +
                       std::string("\x00\x00", 2) + std::string("\x01\x02", 2) + long_entry);
}

TEST(TileEncodingTest, BundleTakesEntriesUpTo65535Bytes) {
  auto body = EncodeEntryBundle({std::string(65535, 'm')});
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(body->substr(0, 2), "\xff\xff");

  auto too_long = EncodeEntryBundle({"ok", std::string(65536, 'm')});
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_long.status().message()), HasSubstr("entry 1"));
}

TEST(TileEncodingTest, BundleRefusesNoEntriesAndMoreThan256) {
  EXPECT_EQ(EncodeEntryBundle({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeEntryBundle(std::vector<std::string>(257, "e")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TileEncodingTest, DecodingInvertsEncoding) {
  const std::vector<std::string> entries = {"first", "", std::string(300, '\0'), "last"};
  auto decoded = DecodeEntryBundle(*EncodeEntryBundle(entries));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, entries);

  auto hashes = DecodeHashTile(*EncodeHashTile({Hash('1'), Hash('2')}));
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  EXPECT_THAT(*hashes, ElementsAre(Hash('1'), Hash('2')));
}

TEST(TileEncodingTest, DecodingRefusesTruncatedBodies) {
  EXPECT_EQ(DecodeEntryBundle("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeEntryBundle(std::string("\x00", 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeEntryBundle(std::string("\x00\x05"
                                          "abc",
                                          5))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeHashTile(std::string(33, 'h')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeHashTile("").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace poc
