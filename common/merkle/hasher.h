// RFC 9162 §2.1.1 Merkle tree hashing with SHA-256, with domain separation between leaves and
// interior nodes so that a leaf can never be passed off as a node (second-preimage resistance).
#ifndef POC_COMMON_MERKLE_HASHER_H_
#define POC_COMMON_MERKLE_HASHER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace poc::merkle {

// Every hash in the tree is a raw SHA-256 digest.
inline constexpr size_t kHashSize = 32;

// SHA-256(0x00 || data): the hash of a leaf holding `data`.
std::string LeafHash(std::string_view data);

// SHA-256(0x01 || left || right): the hash of an interior node.
std::string NodeHash(std::string_view left, std::string_view right);

// SHA-256(""): the root of the empty tree.
std::string EmptyRootHash();

}  // namespace poc::merkle

#endif  // POC_COMMON_MERKLE_HASHER_H_
