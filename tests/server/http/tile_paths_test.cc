#include "server/http/tile_paths.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

TilePath Tile(int level, uint64_t index, int width = kTileWidth) {
  TilePath tile;
  tile.level = level;
  tile.index = index;
  tile.width = width;
  return tile;
}

TilePath Bundle(uint64_t index, int width = kTileWidth) {
  TilePath tile;
  tile.entries = true;
  tile.index = index;
  tile.width = width;
  return tile;
}

TEST(TilePathsTest, IndexIsWrittenInThreeDigitGroupsWithXPrefixes) {
  EXPECT_EQ(FormatTileIndex(0), "000");
  EXPECT_EQ(FormatTileIndex(7), "007");
  EXPECT_EQ(FormatTileIndex(999), "999");
  EXPECT_EQ(FormatTileIndex(1000), "x001/000");
  EXPECT_EQ(FormatTileIndex(1234067), "x001/x234/067");
  EXPECT_EQ(FormatTileIndex(std::numeric_limits<uint64_t>::max()),
            "x018/x446/x744/x073/x709/x551/615");
}

TEST(TilePathsTest, PathsFollowTheSpecLayout) {
  EXPECT_EQ(FormatTilePath(Tile(0, 1234067)), "tile/0/x001/x234/067");
  EXPECT_EQ(FormatTilePath(Tile(1, 1, 17)), "tile/1/001.p/17");
  EXPECT_EQ(FormatTilePath(Tile(63, 0)), "tile/63/000");
  EXPECT_EQ(FormatTilePath(Bundle(273, 112)), "tile/entries/273.p/112");
  EXPECT_EQ(FormatTilePath(Bundle(1000)), "tile/entries/x001/000");
}

TEST(TilePathsTest, ParsesWhatTheSpecWrites) {
  EXPECT_EQ(*ParseTilePath("tile/0/x001/x234/067"), Tile(0, 1234067));
  EXPECT_EQ(*ParseTilePath("tile/2/000.p/1"), Tile(2, 0, 1));
  EXPECT_EQ(*ParseTilePath("tile/0/x001/000.p/255"), Tile(0, 1000, 255));
  EXPECT_EQ(*ParseTilePath("tile/entries/000"), Bundle(0));
  EXPECT_EQ(*ParseTilePath("tile/entries/x012/345.p/9"), Bundle(12345, 9));
  EXPECT_EQ(*ParseTilePath("tile/0/x018/x446/x744/x073/x709/x551/615"),
            Tile(0, std::numeric_limits<uint64_t>::max()));
}

TEST(TilePathsTest, ParseInvertsFormat) {
  const uint64_t indexes[] = {0,          1,          999,
                              1000,       1001,       999999,
                              1000000,    1234067,    uint64_t{256} * 273,
                              1ull << 40, 1ull << 56, std::numeric_limits<uint64_t>::max()};
  for (uint64_t index : indexes) {
    for (int width : {1, 17, 255, kTileWidth}) {
      for (const TilePath& tile : {Tile(0, index, width), Tile(5, index, width),
                                   Tile(63, index, width), Bundle(index, width)}) {
        const std::string path = FormatTilePath(tile);
        auto parsed = ParseTilePath(path);
        ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.status();
        EXPECT_EQ(*parsed, tile) << path;
      }
    }
  }
}

TEST(TilePathsTest, RejectsPathsTheSpecForbids) {
  const char* const bad[] = {
      "",
      "tile",
      "tile/",
      "tile/0",
      "tile/0/",
      "tiles/0/000",
      "/tile/0/000",
      "tile/00/000",  // level with a leading zero
      "tile/64/000",  // level above 63
      "tile/-1/000",
      "tile/+1/000",
      "tile/a/000",
      "tile/data/000",  // Go sumdb's name, not the spec's
      "tile/0/0",       // index element not 3 digits
      "tile/0/00",
      "tile/0/0000",
      "tile/0/1a3",
      "tile/0/x001",     // the last element has no x
      "tile/0/001/234",  // all but the last need an x
      "tile/0/x001/x234",
      "tile/0/xx01/234",
      "tile/0/x000/001",                           // redundant leading group
      "tile/0/x019/x000/x000/x000/x000/x000/000",  // above 2^64 - 1
      "tile/0/x018/x446/x744/x073/x709/x551/616",
      "tile/0/000/",
      "tile/0//000",
      "tile/0/000.p",  // partial without width
      "tile/0/000.p/",
      "tile/0/000.p/0",  // width out of range
      "tile/0/000.p/256",
      "tile/0/000.p/01",  // width with a leading zero
      "tile/0/000.p/1/2",
      "tile/0/000.q/1",
      "tile/entries",
      "tile/entries/",
      "tile/entries/x001",
      "tile/entries/000.p/256",
      "tile/entries/0/000",
  };
  for (const char* path : bad) {
    auto parsed = ParseTilePath(path);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << '"' << path << '"';
  }
}

TEST(TilePathsTest, ErrorsNameTheOffendingElement) {
  EXPECT_THAT(std::string(ParseTilePath("tile/00/000").status().message()),
              HasSubstr("level \"00\""));
  EXPECT_THAT(std::string(ParseTilePath("tile/0/001/234").status().message()),
              HasSubstr("\"001\" must start with \"x\""));
  EXPECT_THAT(std::string(ParseTilePath("tile/0/000.p/256").status().message()),
              HasSubstr("width \"256\""));
}

TEST(TilePathsTest, HashTileSpansNodesAtTreeLevelEightTimesTheTileLevel) {
  auto span = SpanOfTile(Tile(1, 1, 17));
  ASSERT_TRUE(span.ok()) << span.status();
  EXPECT_EQ(span->tree_level, 8);
  EXPECT_EQ(span->start, 256u);
  EXPECT_EQ(span->count, 17u);

  span = SpanOfTile(Tile(0, 273));
  ASSERT_TRUE(span.ok()) << span.status();
  EXPECT_EQ(span->tree_level, 0);
  EXPECT_EQ(span->start, 273u * 256);
  EXPECT_EQ(span->count, 256u);
}

TEST(TilePathsTest, BundleSpansEntries) {
  auto span = SpanOfTile(Bundle(273, 112));
  ASSERT_TRUE(span.ok()) << span.status();
  EXPECT_EQ(span->tree_level, 0);
  EXPECT_EQ(span->start, 273u * 256);
  EXPECT_EQ(span->count, 112u);
}

TEST(TilePathsTest, TilesBeyondAnyTreeOf2To64LeavesCanNeverExist) {
  EXPECT_TRUE(SpanOfTile(Tile(7, 0)).ok());
  EXPECT_EQ(SpanOfTile(Tile(7, 1)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(SpanOfTile(Tile(8, 0)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(SpanOfTile(Tile(63, 0)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(SpanOfTile(Tile(0, (1ull << 56) - 1)).ok());
  EXPECT_EQ(SpanOfTile(Tile(0, 1ull << 56)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(SpanOfTile(Bundle(std::numeric_limits<uint64_t>::max())).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace poc
