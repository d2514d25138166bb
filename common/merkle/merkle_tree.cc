#include "common/merkle/merkle_tree.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/merkle/bits.h"
#include "common/merkle/hasher.h"
#include "common/status_macros.h"

namespace poc::merkle {
namespace {

constexpr int kLevels = 64;

// Largest power of two strictly below n; requires n >= 2 (RFC 9162 §2.1.1 split point).
uint64_t SplitPoint(uint64_t n) {
  const int bits = BitLength(n - 1);  // >= 1 for n >= 2
  return bits > 0 ? uint64_t{1} << (bits - 1) : 0;
}

// The hashes one operation needs, each the RFC 9162 hash of a leaf range [begin, end) that is
// aligned the way the RFC's recursion produces ranges (begin is a multiple of a power of two of
// at least end - begin). Such a range is a run of complete subtrees of decreasing size, so its
// hash folds stored nodes right to left. All nodes are fetched with one HashStore::Read.
class ReadPlan {
 public:
  void AddRange(uint64_t begin, uint64_t end) {
    const size_t first = ids_.size();
    while (begin < end) {
      const int max_by_size = std::max(BitLength(end - begin) - 1, 0);  // end > begin: >= 0
      const int level = begin == 0 ? max_by_size : std::min(TrailingZeros(begin), max_by_size);
      ids_.push_back(NodeId{level, begin >> level});
      begin += uint64_t{1} << level;
    }
    ranges_.emplace_back(first, ids_.size());
  }

  absl::StatusOr<std::vector<std::string>> Execute(const HashStore& store) const {
    ASSIGN_OR_RETURN(std::vector<std::string> hashes, store.Read(ids_));
    if (hashes.size() != ids_.size()) {
      return absl::DataLossError(absl::StrCat("hash store returned ", hashes.size(), " hashes for ",
                                              ids_.size(), " nodes"));
    }
    for (size_t i = 0; i < hashes.size(); ++i) {
      if (hashes[i].size() != kHashSize) {
        return absl::DataLossError(absl::StrCat("hash store returned a ", hashes[i].size(),
                                                "-byte hash for node (level ", ids_[i].level,
                                                ", index ", ids_[i].index, ")"));
      }
    }
    std::vector<std::string> out;
    out.reserve(ranges_.size());
    for (const auto& [first, last] : ranges_) {
      std::string h = std::move(hashes[last - 1]);
      for (size_t i = last - 1; i > first; --i) h = NodeHash(hashes[i - 1], h);
      out.push_back(std::move(h));
    }
    return out;
  }

 private:
  std::vector<NodeId> ids_;
  std::vector<std::pair<size_t, size_t>> ranges_;  // [first, last) into ids_
};

// RFC 9162 §2.1.3.1 PATH(m, D[begin:end]), as ranges whose hashes form the proof.
void PlanInclusion(uint64_t m, uint64_t begin, uint64_t end, ReadPlan& plan) {
  if (end - begin == 1) return;
  const uint64_t k = SplitPoint(end - begin);
  if (m < begin + k) {
    PlanInclusion(m, begin, begin + k, plan);
    plan.AddRange(begin + k, end);
  } else {
    PlanInclusion(m, begin + k, end, plan);
    plan.AddRange(begin, begin + k);
  }
}

// RFC 9162 §2.1.4.1 SUBPROOF(m, D[begin:end], b) with m counted from `begin`.
void PlanConsistency(uint64_t m, uint64_t begin, uint64_t end, bool b, ReadPlan& plan) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!b) plan.AddRange(begin, end);
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    PlanConsistency(m, begin, begin + k, b, plan);
    plan.AddRange(begin + k, end);
  } else {
    PlanConsistency(m - k, begin + k, end, false, plan);
    plan.AddRange(begin, begin + k);
  }
}

absl::Status CheckLeafHash(std::string_view hash, size_t position) {
  if (hash.size() != kHashSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf hash #", position, " is ", hash.size(), " bytes, expected ", kHashSize));
  }
  return absl::OkStatus();
}

}  // namespace

MerkleTree::MerkleTree(HashStore* store, uint64_t size, std::vector<std::string> frontier)
    : store_(store), size_(size), frontier_(std::move(frontier)) {}

absl::StatusOr<MerkleTree> MerkleTree::Open(HashStore* store) {
  if (store == nullptr) return absl::InvalidArgumentError("MerkleTree needs a hash store");
  ASSIGN_OR_RETURN(const uint64_t size, store->LeafCount());
  std::vector<NodeId> ids;
  for (int level = kLevels - 1; level >= 0; --level) {
    if (((size >> level) & 1) != 0) ids.push_back(NodeId{level, (size >> level) - 1});
  }
  ASSIGN_OR_RETURN(std::vector<std::string> hashes, store->Read(ids));
  if (hashes.size() != ids.size()) {
    return absl::DataLossError("hash store returned the wrong number of frontier hashes");
  }
  std::vector<std::string> frontier(kLevels);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (hashes[i].size() != kHashSize) {
      return absl::DataLossError(absl::StrCat("stored hash of node (level ", ids[i].level,
                                              ", index ", ids[i].index, ") is ", hashes[i].size(),
                                              " bytes"));
    }
    frontier[static_cast<size_t>(ids[i].level)] = std::move(hashes[i]);
  }
  return MerkleTree(store, size, std::move(frontier));
}

std::string MerkleTree::FrontierRoot(uint64_t size, const std::vector<std::string>& frontier) {
  if (size == 0) return EmptyRootHash();
  // The smallest subtree is the rightmost; fold leftwards.
  int level = TrailingZeros(size);
  std::string root = frontier[static_cast<size_t>(level)];
  for (++level; level < kLevels; ++level) {
    if (((size >> level) & 1) != 0) root = NodeHash(frontier[static_cast<size_t>(level)], root);
  }
  return root;
}

absl::Status MerkleTree::AppendLeafHash(std::string_view leaf_hash) {
  const std::string hash(leaf_hash);
  return AppendLeafHashes(absl::MakeConstSpan(&hash, 1));
}

absl::Status MerkleTree::AppendLeafHashes(absl::Span<const std::string> leaf_hashes) {
  for (size_t i = 0; i < leaf_hashes.size(); ++i) {
    RETURN_IF_ERROR(CheckLeafHash(leaf_hashes[i], i));
  }
  if (leaf_hashes.size() > std::numeric_limits<uint64_t>::max() - size_) {
    return absl::ResourceExhaustedError("the tree cannot hold more than 2^64-1 leaves");
  }
  // The frontier is updated in place; the first overwrite of each level saves the old hash so
  // that a failed store write can put the tree back as it was.
  std::vector<std::pair<size_t, std::string>> saved;
  uint64_t saved_levels = 0;  // bit l set when level l is in `saved`
  uint64_t size = size_;
  // Exactly the leaves plus the subtrees they complete: a tree of n leaves has
  // 2n - PopCount(n) complete subtrees. Not more: one leaf is the common case.
  const uint64_t end = size_ + leaf_hashes.size();
  std::vector<StoredNode> nodes;
  nodes.reserve(2 * leaf_hashes.size() + static_cast<size_t>(PopCount(size_)) -
                static_cast<size_t>(PopCount(end)));
  for (const std::string& leaf : leaf_hashes) {
    nodes.push_back(StoredNode{NodeId{0, size}, leaf});
    // Each trailing 1 bit of `size` is a complete left sibling that the new leaf now completes.
    std::string hash = leaf;
    int level = 0;
    uint64_t index = size;
    while ((index & 1) != 0) {
      hash = NodeHash(frontier_[static_cast<size_t>(level)], hash);
      ++level;
      index >>= 1;
      nodes.push_back(StoredNode{NodeId{level, index}, hash});
    }
    const size_t slot = static_cast<size_t>(level);
    if (((saved_levels >> level) & 1) == 0) {
      saved_levels |= uint64_t{1} << level;
      saved.emplace_back(slot, std::move(frontier_[slot]));
    }
    frontier_[slot] = std::move(hash);
    ++size;
  }
  if (absl::Status status = store_->Append(nodes); !status.ok()) {
    for (auto& [slot, hash] : saved) frontier_[slot] = std::move(hash);
    return status;
  }
  size_ = size;
  return absl::OkStatus();
}

absl::StatusOr<std::string> MerkleTree::RootAt(uint64_t tree_size) const {
  if (tree_size > size_) {
    return absl::OutOfRangeError(
        absl::StrCat("no root for size ", tree_size, ": the tree has ", size_, " leaves"));
  }
  if (tree_size == size_) return root();
  if (tree_size == 0) return EmptyRootHash();
  ReadPlan plan;
  plan.AddRange(0, tree_size);
  ASSIGN_OR_RETURN(std::vector<std::string> hashes, plan.Execute(*store_));
  return std::move(hashes[0]);
}

absl::StatusOr<std::vector<std::string>> MerkleTree::InclusionProof(uint64_t index,
                                                                    uint64_t tree_size) const {
  if (tree_size > size_) {
    return absl::OutOfRangeError(absl::StrCat("no inclusion proof in a tree of ", tree_size,
                                              " leaves: the tree has ", size_, " leaves"));
  }
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf index ", index, " is outside a tree of ", tree_size, " leaves"));
  }
  ReadPlan plan;
  PlanInclusion(index, 0, tree_size, plan);
  return plan.Execute(*store_);
}

absl::StatusOr<std::vector<std::string>> MerkleTree::ConsistencyProof(uint64_t size1,
                                                                      uint64_t size2) const {
  if (size2 > size_) {
    return absl::OutOfRangeError(
        absl::StrCat("no consistency proof to size ", size2, ": the tree has ", size_, " leaves"));
  }
  if (size1 > size2) {
    return absl::InvalidArgumentError(
        absl::StrCat("size1 (", size1, ") is larger than size2 (", size2, ")"));
  }
  if (size1 == 0) {
    return absl::InvalidArgumentError(
        "no consistency proof from the empty tree: every tree extends it, and RFC 9162 defines "
        "consistency proofs only from a non-empty tree");
  }
  ReadPlan plan;
  PlanConsistency(size1, 0, size2, true, plan);
  return plan.Execute(*store_);
}

}  // namespace poc::merkle
