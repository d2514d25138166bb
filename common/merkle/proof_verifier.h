// Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs. Stateless and
// thread-safe. Every failure is an absl::Status whose message says what is wrong with the proof.
#ifndef POC_COMMON_MERKLE_PROOF_VERIFIER_H_
#define POC_COMMON_MERKLE_PROOF_VERIFIER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace poc::merkle {

// Number of hashes in the inclusion proof of leaf `index` in a tree of `tree_size` leaves.
// Requires index < tree_size.
size_t InclusionProofSize(uint64_t index, uint64_t tree_size);

// Number of hashes in the consistency proof from `size1` to `size2` leaves.
// Requires 0 < size1 <= size2.
size_t ConsistencyProofSize(uint64_t size1, uint64_t size2);

// The root hash that `proof` implies for a leaf with hash `leaf_hash` at `index` in a tree of
// `tree_size` leaves. Fails (InvalidArgument) when index >= tree_size, when a hash is not 32
// bytes, or when the proof has the wrong number of hashes.
absl::StatusOr<std::string> RootFromInclusionProof(uint64_t index, uint64_t tree_size,
                                                   std::string_view leaf_hash,
                                                   absl::Span<const std::string> proof);

// OK when `proof` shows that the leaf with hash `leaf_hash` is at `index` in the tree of
// `tree_size` leaves whose root is `root`. InvalidArgument for a malformed proof,
// PermissionDenied when the proof is well formed but leads to a different root.
absl::Status VerifyInclusion(std::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                             absl::Span<const std::string> proof, std::string_view root);

// OK when `proof` shows that the tree of `size2` leaves with root `root2` extends the tree of
// `size1` leaves with root `root1` (append-only). When size1 == size2 the proof must be empty and
// the roots equal. size1 == 0 is rejected: every tree extends the empty tree, and RFC 9162
// defines consistency proofs only for 0 < size1, so a caller asking about the empty tree has a
// logic error (a witness should accept its first checkpoint without a proof instead).
// InvalidArgument for a malformed proof, PermissionDenied when the roots do not match.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, absl::Span<const std::string> proof,
                               std::string_view root1, std::string_view root2);

}  // namespace poc::merkle

#endif  // POC_COMMON_MERKLE_PROOF_VERIFIER_H_
