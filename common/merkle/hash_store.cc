#include "common/merkle/hash_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/merkle/hasher.h"

namespace poc::merkle {
namespace {

constexpr int kMaxLevel = 63;

uint64_t CountAt(const std::vector<std::string>& levels, int level) {
  if (level >= static_cast<int>(levels.size())) return 0;
  return levels[static_cast<size_t>(level)].size() / kHashSize;
}

}  // namespace

absl::StatusOr<uint64_t> InMemoryHashStore::LeafCount() const { return CountAt(levels_, 0); }

absl::StatusOr<std::vector<std::string>> InMemoryHashStore::Read(
    absl::Span<const NodeId> ids) const {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const NodeId& id : ids) {
    if (id.level < 0 || id.level > kMaxLevel || id.index >= CountAt(levels_, id.level)) {
      return absl::NotFoundError(
          absl::StrCat("no hash stored for node (level ", id.level, ", index ", id.index, ")"));
    }
    out.push_back(levels_[static_cast<size_t>(id.level)].substr(id.index * kHashSize, kHashSize));
  }
  return out;
}

absl::Status InMemoryHashStore::Append(absl::Span<const StoredNode> nodes) {
  // Check the whole batch against the current state before changing anything, so that a
  // rejected batch leaves the store as it was.
  std::vector<const StoredNode*> sorted;
  sorted.reserve(nodes.size());
  for (const StoredNode& node : nodes) {
    if (node.id.level < 0 || node.id.level > kMaxLevel) {
      return absl::InvalidArgumentError(
          absl::StrCat("node level ", node.id.level, " is outside 0..", kMaxLevel));
    }
    if (node.hash.size() != kHashSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("hash of node (level ", node.id.level, ", index ", node.id.index, ") is ",
                       node.hash.size(), " bytes, expected ", kHashSize));
    }
    sorted.push_back(&node);
  }
  std::sort(sorted.begin(), sorted.end(), [](const StoredNode* a, const StoredNode* b) {
    return a->id.level != b->id.level ? a->id.level < b->id.level : a->id.index < b->id.index;
  });
  for (size_t i = 0; i < sorted.size(); ++i) {
    const NodeId& id = sorted[i]->id;
    const bool continues_batch =
        i > 0 && sorted[i - 1]->id.level == id.level && sorted[i - 1]->id.index + 1 == id.index;
    if (continues_batch) continue;
    const uint64_t next = CountAt(levels_, id.level);
    if (id.index < next || (i > 0 && sorted[i - 1]->id == id)) {
      return absl::FailedPreconditionError(
          absl::StrCat("node (level ", id.level, ", index ", id.index,
                       ") is already stored; hash stores are append-only"));
    }
    if (id.index > next) {
      return absl::FailedPreconditionError(absl::StrCat("node (level ", id.level, ", index ",
                                                        id.index, ") would leave a gap: level ",
                                                        id.level, " holds ", next, " hashes"));
    }
  }
  for (const StoredNode* node : sorted) {
    const size_t level = static_cast<size_t>(node->id.level);
    if (levels_.size() <= level) levels_.resize(level + 1);
    levels_[level] += node->hash;
  }
  return absl::OkStatus();
}

}  // namespace poc::merkle
