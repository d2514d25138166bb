// What pocctl needs of the C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles) to read a log:
// resource paths and zero-copy parsing of entry bundles and level-0 hash tiles. The relay's
// server side (server/http/tile_paths.h, tile_encoding.h) writes what these read; the tests
// check the two agree.
#ifndef POC_CLIENT_POCCTL_TLOG_TILES_H_
#define POC_CLIENT_POCCTL_TLOG_TILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/merkle/compact_range.h"

namespace poc::pocctl {

// Entries per bundle and hashes per tile.
inline constexpr uint64_t kTilesWidth = 256;

// "000", "x001/234", "x001/x234/067".
std::string TileIndexPath(uint64_t index);

// The path of entry bundle `bundle` in a log of `tree_size` leaves: "tile/entries/<N>" when the
// bundle is full, else "tile/entries/<N>.p/<W>". Requires bundle * 256 < tree_size.
std::string EntryBundlePath(uint64_t bundle, uint64_t tree_size);

// The path of level-0 hash tile `tile` (leaf hashes), same rules: "tile/0/<N>[.p/<W>]".
std::string LeafTilePath(uint64_t tile, uint64_t tree_size);

// Splits a bundle body into exactly `expected` entries, each a view into `body`, replacing
// `*entries`. InvalidArgument, naming the entry, when a length prefix or an entry is cut short,
// when the body holds more or fewer entries than expected, or bytes trail the last one.
absl::Status ParseEntryBundle(std::string_view body, uint64_t expected,
                              std::vector<std::string_view>* entries);

// The `expected` hashes of a hash tile body. InvalidArgument unless it is exactly that many
// 32-byte hashes.
absl::Status ParseHashTile(std::string_view body, uint64_t expected,
                           std::vector<merkle::Hash32>* hashes);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_TLOG_TILES_H_
