#include "client/pocctl/tlog_tiles.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace poc::pocctl {
namespace {

std::string TilePath(std::string_view kind, uint64_t n, uint64_t tree_size) {
  std::string path = absl::StrCat("tile/", std::string(kind), "/", TileIndexPath(n));
  const uint64_t first = n * kTilesWidth;
  if (tree_size - first < kTilesWidth) {
    absl::StrAppend(&path, ".p/", tree_size - first);
  }
  return path;
}

}  // namespace

std::string TileIndexPath(uint64_t index) {
  std::vector<uint64_t> groups;
  do {
    groups.push_back(index % 1000);
    index /= 1000;
  } while (index > 0);
  std::string out;
  for (size_t i = groups.size(); i-- > 0;) {
    absl::StrAppend(&out, i > 0 ? "x" : "", absl::StrFormat("%03d", groups[i]), i > 0 ? "/" : "");
  }
  return out;
}

std::string EntryBundlePath(uint64_t bundle, uint64_t tree_size) {
  return TilePath("entries", bundle, tree_size);
}

std::string LeafTilePath(uint64_t tile, uint64_t tree_size) {
  return TilePath("0", tile, tree_size);
}

absl::Status ParseEntryBundle(std::string_view body, uint64_t expected,
                              std::vector<std::string_view>* entries) {
  entries->clear();
  size_t pos = 0;
  while (pos < body.size()) {
    if (entries->size() == expected) {
      return absl::InvalidArgumentError(absl::StrCat("the bundle holds ", body.size() - pos,
                                                     " bytes after its ", expected, " entries"));
    }
    if (body.size() - pos < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("the length prefix of entry ", entries->size(), " is cut short"));
    }
    const size_t len = (static_cast<uint8_t>(body[pos]) << 8) | static_cast<uint8_t>(body[pos + 1]);
    pos += 2;
    if (body.size() - pos < len) {
      return absl::InvalidArgumentError(absl::StrCat("entry ", entries->size(), " should hold ",
                                                     len, " bytes but only ", body.size() - pos,
                                                     " remain"));
    }
    entries->push_back(body.substr(pos, len));
    pos += len;
  }
  if (entries->size() != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("the bundle holds ", entries->size(), " entries, not ", expected));
  }
  return absl::OkStatus();
}

absl::Status ParseHashTile(std::string_view body, uint64_t expected,
                           std::vector<merkle::Hash32>* hashes) {
  if (body.size() != expected * 32) {
    return absl::InvalidArgumentError(absl::StrCat("the tile has ", body.size(), " bytes, not the ",
                                                   expected * 32, " of ", expected, " hashes"));
  }
  hashes->resize(expected);
  for (uint64_t i = 0; i < expected; ++i) {
    std::memcpy((*hashes)[i].data(), body.data() + 32 * i, 32);
  }
  return absl::OkStatus();
}

}  // namespace poc::pocctl
