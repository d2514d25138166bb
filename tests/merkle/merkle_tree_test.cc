#include "common/merkle/merkle_tree.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/merkle/hash_store.h"
#include "common/merkle/hasher.h"
#include "common/merkle/proof_verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/merkle/reference_tree.h"

namespace poc::merkle {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kMaxSize = 70;

testing::Leaves MakeLeaves(uint64_t n) {
  testing::Leaves leaves;
  for (uint64_t i = 0; i < n; ++i) leaves.push_back(LeafHash("event " + std::to_string(i)));
  return leaves;
}

MerkleTree OpenTree(HashStore* store) {
  auto tree = MerkleTree::Open(store);
  EXPECT_TRUE(tree.ok()) << tree.status();
  return *std::move(tree);
}

// Counts the node hashes read, to check the O(log n) contract; can also fail every Append.
class ObservedStore final : public HashStore {
 public:
  absl::StatusOr<uint64_t> LeafCount() const override { return inner_.LeafCount(); }
  absl::StatusOr<std::vector<std::string>> Read(absl::Span<const NodeId> ids) const override {
    reads_ += ids.size();
    return inner_.Read(ids);
  }
  absl::Status Append(absl::Span<const StoredNode> nodes) override {
    if (fail_appends_) return absl::UnavailableError("disk full");
    return inner_.Append(nodes);
  }

  uint64_t TakeReads() { return std::exchange(reads_, 0); }
  void set_fail_appends(bool fail) { fail_appends_ = fail; }

 private:
  InMemoryHashStore inner_;
  mutable uint64_t reads_ = 0;
  bool fail_appends_ = false;
};

class MerkleTreeTest : public ::testing::Test {
 protected:
  // A tree of kMaxSize leaves appended one by one, with the root checked after every append.
  void SetUp() override {
    leaves_ = MakeLeaves(kMaxSize);
    auto tree = MerkleTree::Open(&store_);
    ASSERT_TRUE(tree.ok()) << tree.status();
    tree_ = std::make_unique<MerkleTree>(*std::move(tree));
    for (uint64_t i = 0; i < kMaxSize; ++i) {
      ASSERT_TRUE(tree_->AppendLeafHash(leaves_[i]).ok());
      ASSERT_EQ(tree_->size(), i + 1);
      ASSERT_EQ(tree_->root(), testing::RefRoot(leaves_, 0, i + 1)) << "after " << i + 1;
    }
  }

  testing::Leaves leaves_;
  InMemoryHashStore store_;
  std::unique_ptr<MerkleTree> tree_;
};

TEST(MerkleTreeEmptyTest, EmptyTreeHasTheEmptyRoot) {
  InMemoryHashStore store;
  MerkleTree tree = OpenTree(&store);
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.root(), EmptyRootHash());
  auto root = tree.RootAt(0);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, EmptyRootHash());
}

TEST(MerkleTreeEmptyTest, MatchesTheRfc6962ReferenceRoots) {
  InMemoryHashStore store;
  MerkleTree tree = OpenTree(&store);
  ASSERT_TRUE(tree.AppendLeafHashes(testing::Rfc6962ReferenceLeafHashes()).ok());
  auto root3 = tree.RootAt(3);
  ASSERT_TRUE(root3.ok());
  EXPECT_EQ(*root3, testing::RefRoot(testing::Rfc6962ReferenceLeafHashes(), 0, 3));
  // Published root of the 8-leaf reference tree.
  EXPECT_EQ(tree.root(), std::string("\x5d\xc9\xda\x79\xa7\x06\x59\xa9\xad\x55\x9c\xb7\x01\xde"
                                     "\xd9\xa2\xab\x9d\x82\x3a\xad\x2f\x49\x60\xcf\xe3\x70\xef"
                                     "\xf4\x60\x43\x28",
                                     32));
}

TEST_F(MerkleTreeTest, HistoricalRootsMatchTheNaiveRfcRoots) {
  for (uint64_t size = 0; size <= kMaxSize; ++size) {
    auto root = tree_->RootAt(size);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, testing::RefRoot(leaves_, 0, size)) << "size " << size;
  }
}

TEST_F(MerkleTreeTest, InclusionProofsForAllIndexAndSizePairsVerify) {
  for (uint64_t size = 1; size <= kMaxSize; ++size) {
    const std::string root = testing::RefRoot(leaves_, 0, size);
    for (uint64_t index = 0; index < size; ++index) {
      auto proof = tree_->InclusionProof(index, size);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_EQ(*proof, testing::RefPath(index, leaves_, 0, size))
          << "index " << index << " size " << size;
      EXPECT_TRUE(VerifyInclusion(leaves_[index], index, size, *proof, root).ok())
          << "index " << index << " size " << size;
    }
  }
}

TEST_F(MerkleTreeTest, ConsistencyProofsForAllSizePairsVerify) {
  for (uint64_t size2 = 1; size2 <= kMaxSize; ++size2) {
    const std::string root2 = testing::RefRoot(leaves_, 0, size2);
    for (uint64_t size1 = 1; size1 <= size2; ++size1) {
      auto proof = tree_->ConsistencyProof(size1, size2);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_EQ(*proof, testing::RefConsistency(size1, leaves_, size2))
          << "size1 " << size1 << " size2 " << size2;
      EXPECT_TRUE(
          VerifyConsistency(size1, size2, *proof, testing::RefRoot(leaves_, 0, size1), root2).ok())
          << "size1 " << size1 << " size2 " << size2;
    }
  }
}

TEST_F(MerkleTreeTest, TamperedInclusionProofsFail) {
  for (uint64_t size = 2; size <= kMaxSize; ++size) {
    const std::string root = testing::RefRoot(leaves_, 0, size);
    for (uint64_t index = 0; index < size; index += 3) {
      const std::vector<std::string> proof = *tree_->InclusionProof(index, size);
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<std::string> bad = proof;
        bad[i][i % kHashSize] ^= 0x01;
        EXPECT_FALSE(VerifyInclusion(leaves_[index], index, size, bad, root).ok());
      }
      std::vector<std::string> longer = proof;
      longer.push_back(leaves_[0]);
      EXPECT_FALSE(VerifyInclusion(leaves_[index], index, size, longer, root).ok());
      if (!proof.empty()) {
        std::vector<std::string> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyInclusion(leaves_[index], index, size, shorter, root).ok());
      }
      // The right proof for another leaf, or at another index, fails too.
      EXPECT_FALSE(VerifyInclusion(leaves_[(index + 1) % size], index, size, proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(leaves_[index], (index + 1) % size, size, proof, root).ok());
    }
  }
}

TEST_F(MerkleTreeTest, TamperedConsistencyProofsFail) {
  for (uint64_t size2 = 2; size2 <= kMaxSize; ++size2) {
    const std::string root2 = testing::RefRoot(leaves_, 0, size2);
    for (uint64_t size1 = 1; size1 < size2; size1 += 2) {
      const std::string root1 = testing::RefRoot(leaves_, 0, size1);
      const std::vector<std::string> proof = *tree_->ConsistencyProof(size1, size2);
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<std::string> bad = proof;
        bad[i][0] ^= 0x80;
        EXPECT_FALSE(VerifyConsistency(size1, size2, bad, root1, root2).ok())
            << "size1 " << size1 << " size2 " << size2 << " hash " << i;
      }
      std::vector<std::string> shorter(proof.begin(), proof.end() - 1);
      EXPECT_FALSE(VerifyConsistency(size1, size2, shorter, root1, root2).ok());
      EXPECT_FALSE(VerifyConsistency(size1, size2, proof, root2, root1).ok());
    }
  }
}

TEST(MerkleTreeBatchTest, BatchAppendEqualsOneByOneAppend) {
  const testing::Leaves leaves = MakeLeaves(37);
  InMemoryHashStore store1;
  InMemoryHashStore store2;
  MerkleTree one_by_one = OpenTree(&store1);
  MerkleTree batched = OpenTree(&store2);
  for (const std::string& leaf : leaves) ASSERT_TRUE(one_by_one.AppendLeafHash(leaf).ok());
  ASSERT_TRUE(batched.AppendLeafHashes(absl::MakeConstSpan(leaves).subspan(0, 5)).ok());
  ASSERT_TRUE(batched.AppendLeafHashes(absl::MakeConstSpan(leaves).subspan(5)).ok());
  EXPECT_EQ(batched.size(), one_by_one.size());
  EXPECT_EQ(batched.root(), one_by_one.root());
  EXPECT_EQ(*batched.InclusionProof(17, 37), *one_by_one.InclusionProof(17, 37));
}

TEST(MerkleTreeReopenTest, ReopenedTreeContinuesFromTheStore) {
  const testing::Leaves leaves = MakeLeaves(45);
  InMemoryHashStore store;
  {
    MerkleTree tree = OpenTree(&store);
    ASSERT_TRUE(tree.AppendLeafHashes(absl::MakeConstSpan(leaves).subspan(0, 27)).ok());
  }
  MerkleTree reopened = OpenTree(&store);
  EXPECT_EQ(reopened.size(), 27u);
  EXPECT_EQ(reopened.root(), testing::RefRoot(leaves, 0, 27));
  ASSERT_TRUE(reopened.AppendLeafHashes(absl::MakeConstSpan(leaves).subspan(27)).ok());
  EXPECT_EQ(reopened.root(), testing::RefRoot(leaves, 0, 45));
  EXPECT_EQ(*reopened.ConsistencyProof(27, 45), testing::RefConsistency(27, leaves, 45));
}

TEST(MerkleTreeFailureTest, FailedStoreWriteLeavesTheTreeUnchanged) {
  const testing::Leaves leaves = MakeLeaves(10);
  ObservedStore store;
  MerkleTree tree = OpenTree(&store);
  ASSERT_TRUE(tree.AppendLeafHashes(absl::MakeConstSpan(leaves).subspan(0, 7)).ok());
  const std::string root7 = tree.root();

  store.set_fail_appends(true);
  const absl::Status status = tree.AppendLeafHashes(absl::MakeConstSpan(leaves).subspan(7));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(tree.size(), 7u);
  EXPECT_EQ(tree.root(), root7);

  // The same leaves go in once the store works again, and the result is the right tree.
  store.set_fail_appends(false);
  ASSERT_TRUE(tree.AppendLeafHashes(absl::MakeConstSpan(leaves).subspan(7)).ok());
  EXPECT_EQ(tree.root(), testing::RefRoot(leaves, 0, 10));
}

TEST(MerkleTreeFailureTest, RejectsLeafHashesThatAreNot32BytesAndAppendsNothing) {
  InMemoryHashStore store;
  MerkleTree tree = OpenTree(&store);
  const std::vector<std::string> batch = {LeafHash("a"), "not a hash"};
  const absl::Status status = tree.AppendLeafHashes(batch);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("leaf hash #1 is 10 bytes"));
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(*store.LeafCount(), 0u);
}

TEST_F(MerkleTreeTest, RejectsRequestsBeyondTheTree) {
  EXPECT_EQ(tree_->RootAt(kMaxSize + 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(tree_->InclusionProof(0, kMaxSize + 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(tree_->InclusionProof(10, 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tree_->ConsistencyProof(5, kMaxSize + 1).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(tree_->ConsistencyProof(6, 5).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tree_->ConsistencyProof(0, 5).status().message()),
              HasSubstr("empty tree"));
  EXPECT_TRUE(tree_->ConsistencyProof(9, 9)->empty());
}

TEST(MerkleTreeCostTest, ProofsReadLogarithmicallyManyHashesAndAppendsReadNone) {
  ObservedStore store;
  MerkleTree tree = OpenTree(&store);
  const uint64_t n = (uint64_t{1} << 15) + 1234;  // not a power of two: a ragged right border
  std::vector<std::string> batch;
  for (uint64_t i = 0; i < n; ++i) batch.push_back(LeafHash(std::to_string(i)));
  ASSERT_TRUE(tree.AppendLeafHashes(batch).ok());
  ASSERT_TRUE(tree.AppendLeafHash(LeafHash("one more")).ok());
  EXPECT_EQ(store.TakeReads(), 0u) << "appends must use the in-memory frontier";

  const uint64_t size = tree.size();
  const uint64_t log2 = 16;  // size < 2^16
  for (uint64_t index : {uint64_t{0}, uint64_t{777}, size / 2, size - 2, size - 1}) {
    ASSERT_TRUE(tree.InclusionProof(index, size).ok());
    EXPECT_LE(store.TakeReads(), 2 * log2) << "index " << index;
  }
  for (uint64_t size1 : {uint64_t{1}, uint64_t{1000}, size / 3, size - 1}) {
    ASSERT_TRUE(tree.ConsistencyProof(size1, size).ok());
    EXPECT_LE(store.TakeReads(), 3 * log2) << "size1 " << size1;
  }
  ASSERT_TRUE(tree.RootAt(size - 1).ok());
  EXPECT_LE(store.TakeReads(), log2);

  // Reopening reads only the frontier: one hash per set bit of the size.
  MerkleTree reopened = OpenTree(&store);
  EXPECT_EQ(store.TakeReads(), static_cast<uint64_t>(__builtin_popcountll(size)));
  EXPECT_EQ(reopened.root(), tree.root());
}

}  // namespace
}  // namespace poc::merkle
