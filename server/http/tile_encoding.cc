#include "server/http/tile_encoding.h"

#include "absl/strings/str_cat.h"
#include "common/merkle/hasher.h"
#include "server/http/tile_paths.h"

namespace poc {
namespace {

using merkle::kHashSize;

absl::Status CheckCount(size_t count, const char* what) {
  if (count == 0 || count > static_cast<size_t>(kTileWidth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a tile holds 1..", kTileWidth, " ", what, ", not ", count));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> EncodeHashTile(absl::Span<const std::string> hashes) {
  if (absl::Status s = CheckCount(hashes.size(), "hashes"); !s.ok()) return s;
  std::string body;
  body.reserve(hashes.size() * kHashSize);
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (hashes[i].size() != kHashSize) {
      return absl::InvalidArgumentError(absl::StrCat("hash ", i, " of the tile has ",
                                                     hashes[i].size(), " bytes, not ", kHashSize));
    }
    body += hashes[i];
  }
  return body;
}

absl::StatusOr<std::string> EncodeEntryBundle(absl::Span<const std::string> entries) {
  if (absl::Status s = CheckCount(entries.size(), "entries"); !s.ok()) return s;
  size_t total = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].size() > kMaxBundleEntrySize) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry ", i, " of the bundle has ", entries[i].size(),
          " bytes; a bundle's uint16 length prefix allows at most ", kMaxBundleEntrySize));
    }
    total += 2 + entries[i].size();
  }
  std::string body;
  body.reserve(total);
  for (const std::string& entry : entries) {
    body.push_back(static_cast<char>((entry.size() >> 8) & 0xFF));
    body.push_back(static_cast<char>(entry.size() & 0xFF));
    body += entry;
  }
  return body;
}

absl::StatusOr<std::vector<std::string>> DecodeHashTile(std::string_view body) {
  if (body.size() % kHashSize != 0) {
    return absl::InvalidArgumentError(absl::StrCat("a tile body of ", body.size(),
                                                   " bytes is not a whole number of ", kHashSize,
                                                   "-byte hashes"));
  }
  if (absl::Status s = CheckCount(body.size() / kHashSize, "hashes"); !s.ok()) return s;
  std::vector<std::string> hashes;
  hashes.reserve(body.size() / kHashSize);
  for (size_t at = 0; at < body.size(); at += kHashSize) {
    hashes.emplace_back(body.substr(at, kHashSize));
  }
  return hashes;
}

absl::StatusOr<std::vector<std::string>> DecodeEntryBundle(std::string_view body) {
  std::vector<std::string> entries;
  size_t at = 0;
  while (at < body.size()) {
    if (entries.size() == static_cast<size_t>(kTileWidth)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the bundle holds more than ", kTileWidth, " entries"));
    }
    if (body.size() - at < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("the length prefix of entry ", entries.size(), " is cut short"));
    }
    const size_t size = (static_cast<size_t>(static_cast<unsigned char>(body[at])) << 8) |
                        static_cast<unsigned char>(body[at + 1]);
    at += 2;
    if (body.size() - at < size) {
      return absl::InvalidArgumentError(absl::StrCat("entry ", entries.size(), " claims ", size,
                                                     " bytes but only ", body.size() - at,
                                                     " remain"));
    }
    entries.emplace_back(body.substr(at, size));
    at += size;
  }
  if (entries.empty()) return absl::InvalidArgumentError("the bundle is empty");
  return entries;
}

}  // namespace poc
