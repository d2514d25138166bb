#include "common/merkle/proof_verifier.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/merkle/hasher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/merkle/reference_tree.h"

namespace poc::merkle {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

testing::Leaves MakeLeaves(uint64_t n) {
  testing::Leaves leaves;
  for (uint64_t i = 0; i < n; ++i) leaves.push_back(LeafHash("leaf " + std::to_string(i)));
  return leaves;
}

TEST(ProofVerifierTest, ProofSizesMatchTheRfcDefinitionsForAllSizesUpTo70) {
  const testing::Leaves leaves = MakeLeaves(70);
  for (uint64_t size = 1; size <= 70; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      EXPECT_EQ(InclusionProofSize(index, size), testing::RefPath(index, leaves, 0, size).size())
          << "index " << index << " size " << size;
    }
    for (uint64_t size1 = 1; size1 <= size; ++size1) {
      EXPECT_EQ(ConsistencyProofSize(size1, size),
                testing::RefConsistency(size1, leaves, size).size())
          << "size1 " << size1 << " size2 " << size;
    }
  }
}

// Found by tests/fuzz/inclusion_proof_fuzz: when index and the last leaf first differ at bit 63
// (a tree of more than 2^63 leaves) the size computation shifted by 64, which is undefined (on
// x86 it shifted by 0 and demanded popcount(index) extra hashes).
TEST(ProofVerifierTest, InclusionProofSizeIsRightForTreesOfMoreThan2To63Leaves) {
  const uint64_t index = 974486037990;
  const uint64_t tree_size = 16710863703079124992u;
  // A leaf in the left subtree of 2^63 leaves: 63 hashes up to it, then its right sibling.
  EXPECT_EQ(InclusionProofSize(index, tree_size), 64u);
  EXPECT_EQ(InclusionProofSize(5, (uint64_t{1} << 63) + 1), 64u);
  const std::vector<std::string> eight(8, std::string(32, 'x'));
  auto root = RootFromInclusionProof(index, tree_size, LeafHash("leaf"), eight);
  EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(root.status()), HasSubstr("expected 64"));
}

// Found by tests/fuzz/consistency_proof_fuzz: the same shift by 64 for an odd old size and a new
// size above 2^63.
TEST(ProofVerifierTest, ConsistencyProofSizeIsRightForTreesOfMoreThan2To63Leaves) {
  const uint64_t size1 = 42949672959;
  const uint64_t size2 = UINT64_MAX;
  EXPECT_EQ(ConsistencyProofSize(size1, size2), 65u);
  const std::vector<std::string> four(4, std::string(32, 'x'));
  const absl::Status status =
      VerifyConsistency(size1, size2, four, std::string(32, 'a'), std::string(32, 'b'));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("expected 65"));
}

TEST(ProofVerifierTest, WrongProofLengthNamesTheExpectedLength) {
  const testing::Leaves leaves = MakeLeaves(12);
  testing::Leaves proof = testing::RefPath(5, leaves, 0, 12);
  ASSERT_EQ(proof.size(), 4u);
  proof.pop_back();
  const absl::Status status =
      VerifyInclusion(leaves[5], 5, 12, proof, testing::RefRoot(leaves, 0, 12));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(status),
            "inclusion proof has 3 hashes, expected 4 for index 5 in a tree of 12");
}

TEST(ProofVerifierTest, AcceptsAValidInclusionProofAndComputesItsRoot) {
  const testing::Leaves leaves = MakeLeaves(12);
  const std::string root = testing::RefRoot(leaves, 0, 12);
  const testing::Leaves proof = testing::RefPath(5, leaves, 0, 12);
  EXPECT_TRUE(VerifyInclusion(leaves[5], 5, 12, proof, root).ok());
  auto computed = RootFromInclusionProof(5, 12, leaves[5], proof);
  ASSERT_TRUE(computed.ok()) << computed.status();
  EXPECT_EQ(*computed, root);
}

TEST(ProofVerifierTest, InclusionProofForAnotherRootIsPermissionDenied) {
  const testing::Leaves leaves = MakeLeaves(12);
  const absl::Status status = VerifyInclusion(leaves[5], 5, 12, testing::RefPath(5, leaves, 0, 12),
                                              testing::RefRoot(leaves, 0, 11));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(status), HasSubstr("computed from the proof is"));
}

TEST(ProofVerifierTest, RejectsIndexOutsideTheTree) {
  const testing::Leaves leaves = MakeLeaves(4);
  const absl::Status status = VerifyInclusion(leaves[0], 4, 4, {}, testing::RefRoot(leaves, 0, 4));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("leaf index 4 is outside a tree of 4 leaves"));
}

TEST(ProofVerifierTest, RejectsHashesThatAreNot32Bytes) {
  const testing::Leaves leaves = MakeLeaves(4);
  const std::string root = testing::RefRoot(leaves, 0, 4);
  testing::Leaves proof = testing::RefPath(1, leaves, 0, 4);
  EXPECT_THAT(Message(VerifyInclusion("short", 1, 4, proof, root)), HasSubstr("leaf hash is 5"));
  EXPECT_THAT(Message(VerifyInclusion(leaves[1], 1, 4, proof, root.substr(1))),
              HasSubstr("root hash is 31"));
  proof[1] += "x";
  EXPECT_THAT(Message(VerifyInclusion(leaves[1], 1, 4, proof, root)),
              HasSubstr("inclusion proof hash #1 is 33 bytes"));
}

TEST(ProofVerifierTest, AcceptsAValidConsistencyProof) {
  const testing::Leaves leaves = MakeLeaves(20);
  EXPECT_TRUE(VerifyConsistency(7, 20, testing::RefConsistency(7, leaves, 20),
                                testing::RefRoot(leaves, 0, 7), testing::RefRoot(leaves, 0, 20))
                  .ok());
}

TEST(ProofVerifierTest, ConsistencyWithAForkedNewRootIsPermissionDenied) {
  testing::Leaves leaves = MakeLeaves(20);
  const std::string root1 = testing::RefRoot(leaves, 0, 7);
  const testing::Leaves proof = testing::RefConsistency(7, leaves, 20);
  leaves[3] = LeafHash("rewritten history");
  const absl::Status status =
      VerifyConsistency(7, 20, proof, root1, testing::RefRoot(leaves, 0, 20));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(status), HasSubstr("root of the new tree (size 20)"));
}

TEST(ProofVerifierTest, ConsistencyRejectsShrinkingAndTheEmptyTree) {
  const std::string root = LeafHash("x");
  EXPECT_THAT(Message(VerifyConsistency(3, 2, {}, root, root)),
              HasSubstr("size1 (3) is larger than size2 (2)"));
  EXPECT_THAT(Message(VerifyConsistency(0, 2, {}, EmptyRootHash(), root)), HasSubstr("size1 is 0"));
  EXPECT_EQ(VerifyConsistency(0, 0, {}, EmptyRootHash(), EmptyRootHash()).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProofVerifierTest, EqualSizesNeedEqualRootsAndAnEmptyProof) {
  const std::string a = LeafHash("a");
  const std::string b = LeafHash("b");
  EXPECT_TRUE(VerifyConsistency(5, 5, {}, a, a).ok());
  EXPECT_EQ(VerifyConsistency(5, 5, {}, a, b).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(VerifyConsistency(5, 5, {a}, a, a)), HasSubstr("must be empty"));
}

TEST(ProofVerifierTest, ConsistencyProofOfWrongLengthNamesTheExpectedLength) {
  const testing::Leaves leaves = MakeLeaves(8);
  testing::Leaves proof = testing::RefConsistency(3, leaves, 8);
  proof.push_back(leaves[0]);
  EXPECT_EQ(Message(VerifyConsistency(3, 8, proof, testing::RefRoot(leaves, 0, 3),
                                      testing::RefRoot(leaves, 0, 8))),
            "consistency proof has 5 hashes, expected 4 from size 3 to size 8");
}

}  // namespace
}  // namespace poc::merkle
