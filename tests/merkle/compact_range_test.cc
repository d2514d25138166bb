#include "common/merkle/compact_range.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/merkle/hash_store.h"
#include "common/merkle/hasher.h"
#include "common/merkle/merkle_tree.h"
#include "gtest/gtest.h"

namespace poc::merkle {
namespace {

std::string Entry(uint64_t i) { return "audit event " + std::to_string(i * 7919); }

TEST(CompactRangeTest, EmptyRangeHasTheEmptyRoot) {
  StreamHasher hasher;
  CompactRange range;
  EXPECT_EQ(ToString(range.Root(hasher)), EmptyRootHash());
}

TEST(CompactRangeTest, HashesMatchTheReferenceHasher) {
  StreamHasher hasher;
  Hash32 leaf, node;
  hasher.LeafHash("some leaf", &leaf);
  EXPECT_EQ(ToString(leaf), LeafHash("some leaf"));
  hasher.NodeHash(leaf, leaf, &node);
  EXPECT_EQ(ToString(node), NodeHash(LeafHash("some leaf"), LeafHash("some leaf")));
}

TEST(CompactRangeTest, RootAtEverySizeMatchesTheMerkleTree) {
  InMemoryHashStore store;
  auto tree = MerkleTree::Open(&store);
  ASSERT_TRUE(tree.ok());
  StreamHasher hasher;
  CompactRange range;
  for (uint64_t i = 0; i < 300; ++i) {
    ASSERT_TRUE(tree->AppendLeafHash(LeafHash(Entry(i))).ok());
    range.AppendLeaf(Entry(i), hasher);
    ASSERT_EQ(range.size(), i + 1);
    ASSERT_EQ(ToString(range.Root(hasher)), tree->root()) << "size " << i + 1;
  }
}

TEST(CompactRangeTest, RandomLargeSizesMatchTheMerkleTree) {
  std::mt19937_64 rng(20261128);
  for (int round = 0; round < 6; ++round) {
    const uint64_t n = 1 + rng() % 5000;
    InMemoryHashStore store;
    auto tree = MerkleTree::Open(&store);
    ASSERT_TRUE(tree.ok());
    std::vector<std::string> hashes;
    StreamHasher hasher;
    CompactRange range;
    for (uint64_t i = 0; i < n; ++i) {
      hashes.push_back(LeafHash(Entry(i + round)));
      range.AppendLeaf(Entry(i + round), hasher);
    }
    ASSERT_TRUE(tree->AppendLeafHashes(hashes).ok());
    EXPECT_EQ(ToString(range.Root(hasher)), tree->root()) << "size " << n;
  }
}

TEST(CompactRangeTest, ASnapshotResumesWhereItWasTaken) {
  StreamHasher hasher;
  CompactRange range;
  for (uint64_t i = 0; i < 37; ++i) range.AppendLeaf(Entry(i), hasher);
  CompactRange snapshot = range;
  for (uint64_t i = 37; i < 100; ++i) range.AppendLeaf(Entry(i), hasher);
  for (uint64_t i = 37; i < 100; ++i) snapshot.AppendLeaf(Entry(i), hasher);
  EXPECT_EQ(snapshot.Root(hasher), range.Root(hasher));
}

TEST(CompactRangeTest, AChangedLeafChangesTheRoot) {
  StreamHasher hasher;
  CompactRange a, b;
  for (uint64_t i = 0; i < 10; ++i) {
    a.AppendLeaf(Entry(i), hasher);
    b.AppendLeaf(i == 4 ? Entry(i) + "x" : Entry(i), hasher);
  }
  EXPECT_NE(a.Root(hasher), b.Root(hasher));
}

}  // namespace
}  // namespace poc::merkle
