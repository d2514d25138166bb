// An append-only RFC 9162 Merkle tree over a HashStore, serving roots, inclusion proofs and
// consistency proofs for its current size and for every earlier size.
#ifndef POC_COMMON_MERKLE_MERKLE_TREE_H_
#define POC_COMMON_MERKLE_MERKLE_TREE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/merkle/hash_store.h"

namespace poc::merkle {

// The tree keeps in memory only its size and the right frontier (the at most 64
// complete subtrees the current tree is made of); everything else lives in the HashStore. Each
// root or proof costs one HashStore::Read of O(log n) node hashes, never a recomputation over
// the leaves.
//
// Thread-safety: none inside. Const methods may run concurrently with each other when the
// store's Read allows it (InMemoryHashStore does); the append methods need exclusive access to
// the tree and must not overlap any other call. Callers that serve proofs while appending guard
// the tree with one reader/writer lock.
//
// `store` is not owned and must outlive the tree. Only this tree may append to it.
class MerkleTree {
 public:
  // Loads the tree held by `store` (popcount(size) reads).
  static absl::StatusOr<MerkleTree> Open(HashStore* store);

  MerkleTree(MerkleTree&&) = default;
  MerkleTree& operator=(MerkleTree&&) = default;
  MerkleTree(const MerkleTree&) = delete;
  MerkleTree& operator=(const MerkleTree&) = delete;

  // Appends one leaf given by its leaf hash (see hasher.h LeafHash), 32 bytes.
  absl::Status AppendLeafHash(std::string_view leaf_hash);

  // Appends the leaves in order with one atomic HashStore::Append. On failure nothing is
  // appended and the tree is unchanged.
  absl::Status AppendLeafHashes(absl::Span<const std::string> leaf_hashes);

  // Number of leaves.
  uint64_t size() const { return size_; }

  // Root hash of the current tree, folded from the frontier: up to 63 hashes, no store reads.
  // Not cached, so that appends stay at about two hashes per leaf.
  std::string root() const { return FrontierRoot(size_, frontier_); }

  // Root hash of the tree when it had `tree_size` leaves; OutOfRange beyond size().
  absl::StatusOr<std::string> RootAt(uint64_t tree_size) const;

  // RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `tree_size` leaves.
  // Requires index < tree_size <= size().
  absl::StatusOr<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t tree_size) const;

  // RFC 9162 §2.1.4.1 consistency proof from the tree of `size1` leaves to the tree of `size2`
  // leaves. Requires 0 < size1 <= size2 <= size(); empty when size1 == size2.
  absl::StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

 private:
  MerkleTree(HashStore* store, uint64_t size, std::vector<std::string> frontier);

  // Root of a tree of `size` leaves from its frontier.
  static std::string FrontierRoot(uint64_t size, const std::vector<std::string>& frontier);

  HashStore* store_;  // not owned
  uint64_t size_;
  // frontier_[l] is the hash of node (l, (size_ >> l) - 1) when bit l of size_ is set; other
  // entries are stale and never read.
  std::vector<std::string> frontier_;
};

}  // namespace poc::merkle

#endif  // POC_COMMON_MERKLE_MERKLE_TREE_H_
