#include "server/http/tile_paths.h"

#include <limits>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace poc {
namespace {

constexpr char kEntriesElement[] = "entries";
constexpr std::string_view kPartialSuffix = ".p";

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> elements;
  size_t begin = 0;
  for (;;) {
    const size_t slash = path.find('/', begin);
    if (slash == std::string_view::npos) {
      elements.push_back(path.substr(begin));
      return elements;
    }
    elements.push_back(path.substr(begin, slash - begin));
    begin = slash + 1;
  }
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A decimal 0..max written without leading zeros (the spec's form of <L> and <W>).
std::optional<int> ParseSmallDecimal(std::string_view s, int max) {
  if (!AllDigits(s) || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  if (value > max) return std::nullopt;
  return value;
}

absl::Status BadPath(std::string_view path, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("tile path \"", std::string(path), "\": ", why,
                   " (expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>] as in "
                   "c2sp.org/tlog-tiles)"));
}

}  // namespace

absl::StatusOr<TilePath> ParseTilePath(std::string_view path) {
  std::vector<std::string_view> elements = SplitPath(path);
  if (elements.size() < 3 || elements[0] != "tile") {
    return BadPath(path, "not of the form tile/<L>/<N>");
  }
  TilePath tile;
  if (elements[1] == kEntriesElement) {
    tile.entries = true;
  } else {
    std::optional<int> level = ParseSmallDecimal(elements[1], kMaxTileLevel);
    if (!level) {
      return BadPath(path, absl::StrCat("level \"", std::string(elements[1]),
                                        "\" is not a decimal 0..63 without leading zeros"));
    }
    tile.level = *level;
  }

  std::vector<std::string_view> groups(elements.begin() + 2, elements.end());
  std::string_view& last = groups.back();
  if (last.size() >= kPartialSuffix.size() &&
      last.substr(last.size() - kPartialSuffix.size()) == kPartialSuffix) {
    return BadPath(path, "a partial tile needs its width after \".p/\"");
  }
  if (groups.size() >= 2) {
    std::string_view& before_last = groups[groups.size() - 2];
    if (before_last.size() >= kPartialSuffix.size() &&
        before_last.substr(before_last.size() - kPartialSuffix.size()) == kPartialSuffix) {
      std::optional<int> width = ParseSmallDecimal(last, kTileWidth - 1);
      if (!width || *width == 0) {
        return BadPath(path, absl::StrCat("width \"", std::string(last),
                                          "\" is not a decimal 1..255 without leading zeros"));
      }
      tile.width = *width;
      before_last.remove_suffix(kPartialSuffix.size());
      groups.pop_back();
    }
  }

  uint64_t index = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    std::string_view group = groups[i];
    const bool needs_x = i + 1 < groups.size();
    if (needs_x) {
      if (group.empty() || group[0] != 'x') {
        return BadPath(path, absl::StrCat("index element \"", std::string(group),
                                          "\" must start with \"x\" (all but the last do)"));
      }
      group.remove_prefix(1);
    }
    if (group.size() != 3 || !AllDigits(group)) {
      return BadPath(path,
                     absl::StrCat("index element \"", std::string(groups[i]),
                                  needs_x ? "\" is not \"x\" and 3 digits" : "\" is not 3 digits"));
    }
    const uint64_t value =
        uint64_t{100} * (group[0] - '0') + uint64_t{10} * (group[1] - '0') + (group[2] - '0');
    if (i == 0 && needs_x && value == 0) {
      return BadPath(path, "the index starts with a redundant \"x000\" element");
    }
    if (index > (std::numeric_limits<uint64_t>::max() - value) / 1000) {
      return BadPath(path, "the index does not fit in 64 bits");
    }
    index = index * 1000 + value;
  }
  tile.index = index;
  return tile;
}

std::string FormatTileIndex(uint64_t index) {
  std::string out = absl::StrFormat("%03d", index % 1000);
  for (index /= 1000; index > 0; index /= 1000) {
    out = absl::StrFormat("x%03d/%s", index % 1000, out);
  }
  return out;
}

std::string FormatTilePath(const TilePath& tile) {
  std::string out = absl::StrCat("tile/", tile.entries ? kEntriesElement : absl::StrCat(tile.level),
                                 "/", FormatTileIndex(tile.index));
  if (tile.partial()) absl::StrAppend(&out, ".p/", tile.width);
  return out;
}

absl::StatusOr<TileSpan> SpanOfTile(const TilePath& tile) {
  TileSpan span;
  span.tree_level = tile.entries ? 0 : kTileHeight * tile.level;
  // Node indices at tree level t are below 2^(64 - t); a tile starts at node index * 256 and
  // holds at most 256 nodes, so it can exist only when index < 2^(56 - t).
  constexpr int kIndexBits = 64 - kTileHeight;
  if (span.tree_level > kIndexBits || (tile.index >> (kIndexBits - span.tree_level)) != 0) {
    return absl::NotFoundError(
        absl::StrCat(FormatTilePath(tile), " lies beyond any tree of 2^64 leaves"));
  }
  span.start = tile.index * kTileWidth;
  span.count = static_cast<uint64_t>(tile.width);
  return span;
}

}  // namespace poc
