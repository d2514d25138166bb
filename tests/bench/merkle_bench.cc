// Throughput of the audit log's Merkle tree: batch appends, and inclusion / consistency proofs
// (generation and verification) on a tree of one million leaves held in memory.
// Run in a Release build: poc_merkle_bench [--benchmark_repetitions=5 ...]
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/merkle/hash_store.h"
#include "common/merkle/hasher.h"
#include "common/merkle/merkle_tree.h"
#include "common/merkle/proof_verifier.h"

namespace poc::merkle {
namespace {

constexpr uint64_t kLargeTree = 1000000;

std::vector<std::string> LeafHashes(uint64_t first, uint64_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (uint64_t i = first; i < first + count; ++i) out.push_back(LeafHash(std::to_string(i)));
  return out;
}

// One tree of kLargeTree leaves shared by the proof benchmarks, built on first use.
struct LargeTree {
  InMemoryHashStore store;
  std::unique_ptr<MerkleTree> tree;
  std::vector<std::string> leaves;

  LargeTree() {
    tree = std::make_unique<MerkleTree>(*MerkleTree::Open(&store));
    leaves = LeafHashes(0, kLargeTree);
    if (!tree->AppendLeafHashes(leaves).ok()) std::abort();
  }
};

LargeTree& Shared() {
  static LargeTree* large = new LargeTree();
  return *large;
}

// Appends batches of range(0) leaves to a fresh tree; reports leaves per second.
void BM_BatchAppend(benchmark::State& state) {
  const uint64_t batch_size = static_cast<uint64_t>(state.range(0));
  const std::vector<std::string> batch = LeafHashes(0, batch_size);
  InMemoryHashStore store;
  MerkleTree tree = *MerkleTree::Open(&store);
  for (auto _ : state) {
    if (!tree.AppendLeafHashes(batch).ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch_size));
}
BENCHMARK(BM_BatchAppend)->Arg(1)->Arg(100)->Arg(1000)->Arg(10000);

void BM_InclusionProof(benchmark::State& state) {
  LargeTree& large = Shared();
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<uint64_t> pick(0, kLargeTree - 1);
  for (auto _ : state) {
    auto proof = large.tree->InclusionProof(pick(rng), kLargeTree);
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_InclusionProof);

void BM_VerifyInclusion(benchmark::State& state) {
  LargeTree& large = Shared();
  const uint64_t index = 123457;
  const std::vector<std::string> proof = *large.tree->InclusionProof(index, kLargeTree);
  const std::string root = large.tree->root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyInclusion(large.leaves[index], index, kLargeTree, proof, root));
  }
}
BENCHMARK(BM_VerifyInclusion);

void BM_ConsistencyProof(benchmark::State& state) {
  LargeTree& large = Shared();
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<uint64_t> pick(1, kLargeTree);
  for (auto _ : state) {
    auto proof = large.tree->ConsistencyProof(pick(rng), kLargeTree);
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_ConsistencyProof);

void BM_VerifyConsistency(benchmark::State& state) {
  LargeTree& large = Shared();
  const uint64_t size1 = 654321;
  const std::vector<std::string> proof = *large.tree->ConsistencyProof(size1, kLargeTree);
  const std::string root1 = *large.tree->RootAt(size1);
  const std::string root2 = large.tree->root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyConsistency(size1, kLargeTree, proof, root1, root2));
  }
}
BENCHMARK(BM_VerifyConsistency);

void BM_HistoricalRoot(benchmark::State& state) {
  LargeTree& large = Shared();
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<uint64_t> pick(1, kLargeTree);
  for (auto _ : state) {
    auto root = large.tree->RootAt(pick(rng));
    benchmark::DoNotOptimize(root);
  }
}
BENCHMARK(BM_HistoricalRoot);

}  // namespace
}  // namespace poc::merkle

BENCHMARK_MAIN();
