// Persistent storage of the hashes of COMPLETE subtrees of an RFC 9162 Merkle tree, addressed as
// in the C2SP tlog-tiles layout: node (level, index) is the root of the perfect subtree of
// 2^level leaves starting at leaf index << level; level 0 holds the leaf hashes. A tlog-tiles
// tile at tile level L and index N is the run of hashes (8L, 256N .. 256N+255), so a tile server
// can be built directly on a HashStore.
//
// Stores are append-only. Each level grows left to right without gaps, and the tree writes each
// node exactly once, when its subtree becomes complete. Hashes of incomplete subtrees (the right
// border of a tree whose size is not a power of two) are never stored: MerkleTree computes them
// from the stored complete subtrees they are made of.
#ifndef POC_COMMON_MERKLE_HASH_STORE_H_
#define POC_COMMON_MERKLE_HASH_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace poc::merkle {

// Address of a complete subtree. Levels go from 0 (leaves) to 63.
struct NodeId {
  int level = 0;
  uint64_t index = 0;

  friend bool operator==(const NodeId& a, const NodeId& b) {
    return a.level == b.level && a.index == b.index;
  }
  friend bool operator!=(const NodeId& a, const NodeId& b) { return !(a == b); }
};

struct StoredNode {
  NodeId id;
  std::string hash;  // 32 bytes
};

// Implementations document their own thread-safety; MerkleTree calls Read from const methods and
// Append from its append methods (see merkle_tree.h).
class HashStore {
 public:
  virtual ~HashStore() = default;

  // Number of leaf hashes stored, which is the size of the tree the store holds.
  virtual absl::StatusOr<uint64_t> LeafCount() const = 0;

  // The hashes of `ids`, in the same order. NotFound when any of them is not stored.
  virtual absl::StatusOr<std::vector<std::string>> Read(absl::Span<const NodeId> ids) const = 0;

  // Stores `nodes` atomically: after a failure or a crash either all of them or none are
  // visible. Within each level the nodes must continue that level without gaps, in any order
  // across levels. Writing a node that already exists is a FailedPrecondition: stores are
  // append-only and never overwrite a hash.
  virtual absl::Status Append(absl::Span<const StoredNode> nodes) = 0;
};

// A HashStore in memory, for tests, benchmarks and tools. Read may run concurrently with other
// Reads; Append needs exclusive access (the same contract as MerkleTree).
class InMemoryHashStore final : public HashStore {
 public:
  InMemoryHashStore() = default;
  InMemoryHashStore(const InMemoryHashStore&) = delete;
  InMemoryHashStore& operator=(const InMemoryHashStore&) = delete;

  absl::StatusOr<uint64_t> LeafCount() const override;
  absl::StatusOr<std::vector<std::string>> Read(absl::Span<const NodeId> ids) const override;
  absl::Status Append(absl::Span<const StoredNode> nodes) override;

 private:
  // levels_[l] is the concatenation of the 32-byte hashes of level l, by index.
  std::vector<std::string> levels_;
};

}  // namespace poc::merkle

#endif  // POC_COMMON_MERKLE_HASH_STORE_H_
