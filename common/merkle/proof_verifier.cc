#include "common/merkle/proof_verifier.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/encoding/base64.h"
#include "common/merkle/bits.h"
#include "common/merkle/hasher.h"
#include "common/status_macros.h"

namespace poc::merkle {
namespace {

// x >> n for 0 <= n <= 64. Shifting a 64-bit value by 64 is undefined in C++, yet it is what
// the proof sizes need when the paths first differ at the top bit (trees of more than 2^63
// leaves); nothing is left of x then.
uint64_t ShiftRight(uint64_t x, int n) { return n >= 64 ? 0 : x >> n; }

absl::Status CheckHashSize(std::string_view hash, const std::string& what) {
  if (hash.size() != kHashSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is ", hash.size(), " bytes, expected a ", kHashSize, "-byte SHA-256"));
  }
  return absl::OkStatus();
}

absl::Status CheckProofHashes(absl::Span<const std::string> proof, const std::string& kind) {
  for (size_t i = 0; i < proof.size(); ++i) {
    RETURN_IF_ERROR(CheckHashSize(proof[i], absl::StrCat(kind, " proof hash #", i)));
  }
  return absl::OkStatus();
}

absl::Status RootMismatch(const std::string& what, std::string_view computed,
                          std::string_view expected) {
  return absl::PermissionDeniedError(absl::StrCat(what, " computed from the proof is ",
                                                  Base64Encode(computed), ", expected ",
                                                  Base64Encode(expected)));
}

}  // namespace

size_t InclusionProofSize(uint64_t index, uint64_t tree_size) {
  // Below level `inner` the paths to `index` and to the last leaf differ, so each level has a
  // sibling; above it the path runs along the right border, where only left siblings exist.
  const int inner = BitLength(index ^ (tree_size - 1));
  return static_cast<size_t>(inner) + static_cast<size_t>(PopCount(ShiftRight(index, inner)));
}

size_t ConsistencyProofSize(uint64_t size1, uint64_t size2) {
  if (size1 == size2) return 0;
  // The old tree's right border starts with a perfect subtree of 2^shift leaves; the proof is an
  // inclusion proof of that subtree in the new tree, plus the subtree itself unless it is the
  // whole old tree (size1 a power of two), which the verifier already holds as root1.
  const int shift = TrailingZeros(size1);
  const uint64_t index = (size1 - 1) >> shift;
  const uint64_t last = (size2 - 1) >> shift;
  const int inner = BitLength(index ^ last);
  const size_t seed = (size1 == (uint64_t{1} << shift)) ? 0 : 1;
  return seed + static_cast<size_t>(inner) +
         static_cast<size_t>(PopCount(ShiftRight(index, inner)));
}

absl::StatusOr<std::string> RootFromInclusionProof(uint64_t index, uint64_t tree_size,
                                                   std::string_view leaf_hash,
                                                   absl::Span<const std::string> proof) {
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf index ", index, " is outside a tree of ", tree_size, " leaves"));
  }
  RETURN_IF_ERROR(CheckHashSize(leaf_hash, "leaf hash"));
  const size_t expected = InclusionProofSize(index, tree_size);
  if (proof.size() != expected) {
    return absl::InvalidArgumentError(absl::StrCat("inclusion proof has ", proof.size(),
                                                   " hashes, expected ", expected, " for index ",
                                                   index, " in a tree of ", tree_size));
  }
  RETURN_IF_ERROR(CheckProofHashes(proof, "inclusion"));

  // RFC 9162 §2.1.3.2, step by step: fn walks the leaf's path, sn the last leaf's path.
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if (sn == 0) {  // Unreachable with the size check above; kept as the RFC states it.
      return absl::InvalidArgumentError("inclusion proof is longer than the path to the root");
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError("inclusion proof is shorter than the path to the root");
  }
  return r;
}

absl::Status VerifyInclusion(std::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                             absl::Span<const std::string> proof, std::string_view root) {
  RETURN_IF_ERROR(CheckHashSize(root, "root hash"));
  ASSIGN_OR_RETURN(std::string computed,
                   RootFromInclusionProof(index, tree_size, leaf_hash, proof));
  if (computed != root) {
    return RootMismatch(absl::StrCat("root of the tree of ", tree_size, " leaves"), computed, root);
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, absl::Span<const std::string> proof,
                               std::string_view root1, std::string_view root2) {
  if (size1 > size2) {
    return absl::InvalidArgumentError(absl::StrCat("size1 (", size1, ") is larger than size2 (",
                                                   size2, "): a log never shrinks"));
  }
  if (size1 == 0) {
    return absl::InvalidArgumentError(
        "size1 is 0: every tree extends the empty tree, and RFC 9162 defines consistency proofs "
        "only from a non-empty tree");
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("consistency proof between equal sizes (",
                                                     size1, ") must be empty, got ", proof.size(),
                                                     " hashes"));
    }
    if (root1 != root2) {
      return absl::PermissionDeniedError(absl::StrCat("two different roots for the same tree size ",
                                                      size1, ": ", Base64Encode(root1), " and ",
                                                      Base64Encode(root2)));
    }
    return absl::OkStatus();
  }
  const size_t expected = ConsistencyProofSize(size1, size2);
  if (proof.size() != expected) {
    return absl::InvalidArgumentError(absl::StrCat("consistency proof has ", proof.size(),
                                                   " hashes, expected ", expected, " from size ",
                                                   size1, " to size ", size2));
  }
  RETURN_IF_ERROR(CheckHashSize(root1, "root1"));
  RETURN_IF_ERROR(CheckHashSize(root2, "root2"));
  RETURN_IF_ERROR(CheckProofHashes(proof, "consistency"));

  // RFC 9162 §2.1.4.2, step by step.
  std::vector<std::string_view> path;
  path.reserve(proof.size() + 1);
  if ((size1 & (size1 - 1)) == 0) path.push_back(root1);  // size1 is a power of two
  for (const std::string& p : proof) path.push_back(p);

  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr(path[0]);
  std::string sr(path[0]);
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string_view c = path[i];
    if (sn == 0) {  // Unreachable with the size check above; kept as the RFC states it.
      return absl::InvalidArgumentError("consistency proof is longer than the path to the root");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError("consistency proof is shorter than the path to the root");
  }
  if (fr != root1) {
    return RootMismatch(absl::StrCat("root of the old tree (size ", size1, ")"), fr, root1);
  }
  if (sr != root2) {
    return RootMismatch(absl::StrCat("root of the new tree (size ", size2, ")"), sr, root2);
  }
  return absl::OkStatus();
}

}  // namespace poc::merkle
