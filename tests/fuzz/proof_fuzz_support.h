// Shared by the inclusion and consistency proof fuzz targets: one real tree to take correct
// proofs from, and the edits the fuzzer makes to a proof.
#ifndef POC_TESTS_FUZZ_PROOF_FUZZ_SUPPORT_H_
#define POC_TESTS_FUZZ_PROOF_FUZZ_SUPPORT_H_

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "common/merkle/hash_store.h"
#include "common/merkle/hasher.h"
#include "common/merkle/merkle_tree.h"

namespace poc::fuzz {

// Enough leaves for proofs of every shape up to 9 levels; small enough to build once quickly.
inline constexpr uint64_t kTreeLeaves = 300;

// A tree of kTreeLeaves leaves, leaf i holding the decimal text of i. Built once, never changed.
class FixedTree {
 public:
  FixedTree() {
    auto tree = merkle::MerkleTree::Open(&store_);
    if (!tree.ok()) std::abort();
    std::vector<std::string> leaves;
    for (uint64_t i = 0; i < kTreeLeaves; ++i) leaves.push_back(LeafHashAt(i));
    if (!tree->AppendLeafHashes(leaves).ok()) std::abort();
    tree_ = new merkle::MerkleTree(*std::move(tree));
  }

  static std::string LeafHashAt(uint64_t i) { return merkle::LeafHash(std::to_string(i)); }
  const merkle::MerkleTree& tree() const { return *tree_; }
  std::string RootAt(uint64_t size) const {
    auto root = tree_->RootAt(size);
    if (!root.ok()) std::abort();
    return *root;
  }

 private:
  merkle::InMemoryHashStore store_;
  merkle::MerkleTree* tree_;  // never freed: lives as long as the fuzzer
};

// A 32-byte hash from the input (zero-padded when the input runs out).
inline std::string ConsumeHash(FuzzedDataProvider& in) {
  std::string hash = in.ConsumeBytesAsString(merkle::kHashSize);
  hash.resize(merkle::kHashSize, '\0');
  return hash;
}

// One edit of `proof` chosen by the input: flip a bit, drop, insert, duplicate or swap hashes,
// or truncate one hash. Returns false when the input chose to stop editing.
inline bool EditProof(FuzzedDataProvider& in, std::vector<std::string>* proof) {
  const size_t at = proof->empty() ? 0 : in.ConsumeIntegralInRange<size_t>(0, proof->size() - 1);
  switch (in.ConsumeIntegralInRange<int>(0, 6)) {
    case 0:
      return false;
    case 1:
      if (!proof->empty()) {
        (*proof)[at][in.ConsumeIntegralInRange<size_t>(0, merkle::kHashSize - 1)] ^=
            static_cast<char>(1 << in.ConsumeIntegralInRange<int>(0, 7));
      }
      return true;
    case 2:
      if (!proof->empty()) proof->erase(proof->begin() + static_cast<ptrdiff_t>(at));
      return true;
    case 3:
      proof->insert(proof->begin() + static_cast<ptrdiff_t>(at), ConsumeHash(in));
      return true;
    case 4:
      if (!proof->empty()) proof->insert(proof->begin() + static_cast<ptrdiff_t>(at), (*proof)[at]);
      return true;
    case 5:
      if (proof->size() > 1) std::swap((*proof)[at], (*proof)[(at + 1) % proof->size()]);
      return true;
    default:
      if (!proof->empty()) (*proof)[at].pop_back();
      return true;
  }
}

// The rest of the input as hashes (at most 80, more than any proof of a 64-bit tree).
inline std::vector<std::string> ConsumeHashes(FuzzedDataProvider& in) {
  std::vector<std::string> hashes;
  while (in.remaining_bytes() > 0 && hashes.size() < 80) {
    // Mostly 32 bytes, sometimes another length, to reach the size checks.
    const size_t len = in.ConsumeBool() ? merkle::kHashSize : in.ConsumeIntegralInRange(0, 40);
    hashes.push_back(in.ConsumeBytesAsString(len));
  }
  return hashes;
}

}  // namespace poc::fuzz

#endif  // POC_TESTS_FUZZ_PROOF_FUZZ_SUPPORT_H_
