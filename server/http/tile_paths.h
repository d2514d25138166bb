// Resource paths of the C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles), relative to the
// log's URL prefix: "tile/<L>/<N>[.p/<W>]" for Merkle tree tiles and "tile/entries/<N>[.p/<W>]"
// for entry bundles. <N> is written in zero-padded 3-digit path elements, all but the last
// prefixed with "x" (1234067 is "x001/x234/067").
#ifndef POC_SERVER_HTTP_TILE_PATHS_H_
#define POC_SERVER_HTTP_TILE_PATHS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace poc {

// Tiles are 8 tree levels high: a full tile holds 256 hashes, a full bundle 256 entries.
inline constexpr int kTileHeight = 8;
inline constexpr int kTileWidth = 256;
// The spec's bound on <L>.
inline constexpr int kMaxTileLevel = 63;

// One tile or entry bundle.
struct TilePath {
  bool entries = false;    // an entry bundle; `level` is then 0
  int level = 0;           // tile level <L>, 0..63
  uint64_t index = 0;      // <N>
  int width = kTileWidth;  // kTileWidth for a full tile, 1..255 for a partial one (".p/<W>")

  bool partial() const { return width < kTileWidth; }

  friend bool operator==(const TilePath& a, const TilePath& b) {
    return a.entries == b.entries && a.level == b.level && a.index == b.index && a.width == b.width;
  }
  friend bool operator!=(const TilePath& a, const TilePath& b) { return !(a == b); }
};

// Strict parse of a path relative to the prefix, e.g. "tile/1/x001/234.p/17". Accepts exactly
// the paths FormatTilePath writes: InvalidArgument (naming the offending element) for a level
// that is not 0..63 or has a leading zero, an index element that is not 3 digits, lacks or
// misplaces its "x", starts with a redundant "x000" or overflows 64 bits, and a width that is
// not 1..255 or has a leading zero.
absl::StatusOr<TilePath> ParseTilePath(std::string_view path);

// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]". `tile` must be valid (as ParseTilePath
// returns them).
std::string FormatTilePath(const TilePath& tile);

// The <N> path elements of `index`: "000", "x001/000", "x001/x234/067".
std::string FormatTileIndex(uint64_t index);

// The stored things a tile is made of: `count` consecutive Merkle tree nodes at tree level
// `tree_level` (for hash tiles; tree level 8L, each node the root of 256^L leaves) or `count`
// consecutive entries (for bundles; tree_level 0), starting at `start`.
struct TileSpan {
  int tree_level = 0;
  uint64_t start = 0;
  uint64_t count = 0;
};

// NotFound when the tile lies beyond every tree of fewer than 2^64 leaves, so that it can never
// exist (e.g. level 8 and above).
absl::StatusOr<TileSpan> SpanOfTile(const TilePath& tile);

}  // namespace poc

#endif  // POC_SERVER_HTTP_TILE_PATHS_H_
