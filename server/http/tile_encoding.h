// Bodies of C2SP tlog-tiles resources (https://c2sp.org/tlog-tiles): a Merkle tree tile is its
// hashes concatenated (32 bytes each, 256 in a full tile); an entry bundle is its entries in
// order, each prefixed by its length as a big-endian uint16.
#ifndef POC_SERVER_HTTP_TILE_ENCODING_H_
#define POC_SERVER_HTTP_TILE_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace poc {

// The longest entry a bundle can frame.
inline constexpr size_t kMaxBundleEntrySize = 0xFFFF;

// InvalidArgument unless there are 1..256 hashes of 32 bytes each.
absl::StatusOr<std::string> EncodeHashTile(absl::Span<const std::string> hashes);

// InvalidArgument unless there are 1..256 entries, none longer than kMaxBundleEntrySize (an
// empty entry is allowed).
absl::StatusOr<std::string> EncodeEntryBundle(absl::Span<const std::string> entries);

// The hashes of a tile body; InvalidArgument unless it is 1..256 whole hashes.
absl::StatusOr<std::vector<std::string>> DecodeHashTile(std::string_view body);

// The entries of a bundle body; InvalidArgument when a length prefix or an entry is cut short
// or there are more than 256 entries.
absl::StatusOr<std::vector<std::string>> DecodeEntryBundle(std::string_view body);

}  // namespace poc

#endif  // POC_SERVER_HTTP_TILE_ENCODING_H_
